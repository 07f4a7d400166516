package dev.carryon.client;

import java.io.IOException;

/** A transfer (download or upload) that could not be completed, classified so that a command can choose its exit code. */
public final class TransferException extends IOException {

    public enum Kind {
        /** Something asked of the downloader that cannot work (a bad URL, a name clash without --overwrite). */
        USAGE,
        /** The server could not be reached, or retries ran out without progress. */
        NETWORK,
        /** The server refused with a status that retrying will not change. */
        HTTP,
        /** The bytes do not match the digest or checksum they were promised to have. */
        INTEGRITY,
        /** The local file system failed: disk full, permission denied. */
        LOCAL_IO
    }

    private final Kind kind;

    public TransferException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public TransferException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
