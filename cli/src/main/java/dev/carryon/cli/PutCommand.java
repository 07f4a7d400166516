package dev.carryon.cli;

import dev.carryon.client.TransferException;
import dev.carryon.client.upload.UploadListener;
import dev.carryon.client.upload.UploadOptions;
import dev.carryon.client.upload.Uploader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code carryon put FILE... URL}. */
@Command(name = "put",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Upload files to a tus server, resumably.",
        description = {
            "Upload files to a tus 1.0.0 endpoint (carryon serve's /uploads/, tusd, @tus/server...), resumably:",
            "rerunning the same command continues where the server's offset says; a file that changed meanwhile",
            "starts a new upload. Per-chunk checksums where the server offers them; -x N parallel parts where it",
            "offers concatenation. The token comes from --token or the CARRYON_TOKEN environment variable."
        })
final class PutCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE... URL", arity = "2..*", hideParamSyntax = true,
            description = "The files to upload, then the tus endpoint, e.g. http://127.0.0.1:8080/uploads/")
    List<String> args = new ArrayList<>();

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Sent as 'Authorization: Bearer TOKEN' (default: $CARRYON_TOKEN).")
    String token;

    @Option(names = "--chunk-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Bytes per PATCH, e.g. 64M, for proxies that limit request bodies (default: when chunks carry"
                    + " checksums, about 2 s of transfer, 16M to 256M, since a broken chunk is re-sent whole; else the"
                    + " rest of the file in one).")
    Long chunkSize;

    @Option(names = {"-x", "--connections"}, defaultValue = "1", paramLabel = "N",
            description = "Parallel parts joined by tus concatenation, when the server offers it (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--limit-rate", paramLabel = "RATE", converter = SizeConverter.class,
            description = "Bytes per second for everything together, e.g. 10M (default: no limit).")
    Long limitRate;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE",
            description = "More Upload-Metadata (repeatable); 'filename' is the file's name unless given.")
    List<String> metadata = new ArrayList<>();

    @Option(names = "--no-checksum", description = "Do not send per-chunk checksums, even where offered.")
    boolean noChecksum;

    @Option(names = "--retries", defaultValue = "10", paramLabel = "N",
            description = "Failures in a row without progress before giving up (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--state", paramLabel = "DIR",
            description = "Where upload URLs are remembered for resuming (default: $XDG_STATE_HOME/carryon/put).")
    Path state;

    @Option(names = {"-q", "--quiet", "-s", "--silent"},
            description = "Print nothing on success (as curl -s): no progress, notices or result line; errors still go to standard error.")
    boolean quiet;

    @Option(names = "--json", description = "Print events as JSON lines on standard output, and no human progress.")
    boolean json;

    @Override
    public Integer call() {
        URI endpoint = Urls.parse(args.get(args.size() - 1));
        List<Path> files = new ArrayList<>();
        for (String f : args.subList(0, args.size() - 1)) {
            files.add(Path.of(f));
        }
        UploadOptions.Builder options = UploadOptions.builder()
                .chunkSize(chunkSize == null ? 0 : chunkSize)
                .limitRate(limitRate == null ? 0 : limitRate)
                .connections(Math.max(1, connections))
                .retries(retries)
                .checksums(!noChecksum)
                .token(token != null ? token : blankToNull(System.getenv("CARRYON_TOKEN")));
        if (state != null) {
            options.stateDir(state);
        }
        for (String h : connection.headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new CliException(ExitCode.USAGE, "a header is 'Name: value', not '" + h + "'");
            }
            options.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
        }
        for (String m : metadata) {
            int eq = m.indexOf('=');
            if (eq <= 0 || m.substring(0, eq).contains(" ") || m.substring(0, eq).contains(",")) {
                throw new CliException(ExitCode.USAGE, "metadata is KEY=VALUE with a key without spaces or commas, not '"
                        + m + "'");
            }
            options.metadata(m.substring(0, eq), m.substring(eq + 1));
        }
        UploadListener listener = json ? new PutJson(System.out)
                : new PutProgress(System.err, Terminal.stderrIsTerminal(), quiet);
        ExitCode result = ExitCode.OK;
        try (Uploader uploader = Uploader.builder().client(connection.client().build()).options(options.build())
                .listener(listener).build()) {
            for (Path file : files) {
                try {
                    uploader.upload(file, endpoint);
                } catch (TransferException e) {
                    if (!json) {
                        System.err.println("carryon: " + file + ": " + e.getMessage());
                    }
                    if (result == ExitCode.OK) {
                        result = ExitCode.of(e.kind());
                    }
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
        return result.code;
    }

    /** An empty CARRYON_TOKEN (e.g. {@code CARRYON_TOKEN= carryon put ...}) means no token, not an empty one. */
    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
