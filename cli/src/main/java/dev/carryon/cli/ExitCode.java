package dev.carryon.cli;

/** The exit codes of every carryon command; README and --help list the same. */
public enum ExitCode {
    OK(0, "success"),
    INTERNAL(1, "an unexpected internal error (a bug: please report it with the message)"),
    USAGE(2, "usage error: an unknown option, a bad value, a missing argument"),
    NETWORK(3, "network: the peer could not be reached, or retries ran out"),
    HTTP(4, "HTTP error: the server refused, with the status it gave"),
    INTEGRITY(5, "integrity: a checksum or digest did not match"),
    LOCAL_IO(6, "local I/O: a file or directory could not be read or written, or the port is taken"),
    NOT_RESUMABLE(7, "probe: the server cannot resume transfers"),
    /** Set by the JVM for the signal (128 + 2), never returned by a command: listed for --help. */
    INTERRUPTED(130, "interrupted (Ctrl-C; 143 for SIGTERM): what get holds is kept, rerun the same command to resume");

    public final int code;
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The code of a transfer that failed this way. */
    static ExitCode of(dev.carryon.client.TransferException.Kind kind) {
        return switch (kind) {
            case USAGE -> USAGE;
            case NETWORK -> NETWORK;
            case HTTP -> HTTP;
            case INTEGRITY -> INTEGRITY;
            case LOCAL_IO -> LOCAL_IO;
        };
    }

    /** For picocli's exit code list in --help: code to meaning, in order. */
    static java.util.Map<String, String> helpList() {
        java.util.Map<String, String> list = new java.util.LinkedHashMap<>();
        for (ExitCode e : values()) {
            list.put(" " + e.code, e.meaning);
        }
        return list;
    }
}
