package dev.carryon.cli;

import dev.carryon.core.range.RangePolicy;
import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.journal.JournalSettings;
import dev.carryon.server.upload.UploadSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code carryon serve [ROOT]}. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Serve a directory over HTTP, with ranges, digests and resumable uploads.",
        description = {
            "Serve a directory over HTTP: byte ranges, conditional requests, Repr-Digest, HTTP/2, and resumable",
            "uploads (tus 1.0.0 and the IETF resumable-upload draft) on /uploads/.",
            "Prints the URL it listens on, then one access log line per request.",
            "Ctrl-C or SIGTERM stops it gracefully: responses in flight finish within --shutdown-timeout."
        })
final class ServeCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "ROOT",
            description = "The directory to serve (default: the current directory).")
    Path root;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--state", paramLabel = "DIR",
            description = "Where the embedded database and internal files live (default: ROOT/.carryon, never served;"
                    + " for a read-only ROOT: $XDG_STATE_HOME/carryon/serve/NAME-HASH, and uploads are off).")
    Path state;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate, optionally followed by its chain.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (unencrypted PKCS#8 PEM; for another form carryon says how to convert it).")
    Path tlsKey;

    @Option(names = "--no-http2", description = "Speak only HTTP/1.1 (no h2 over TLS, no h2c).")
    boolean noHttp2;

    @Option(names = "--follow-symlinks", description = "Follow symbolic links that lead outside ROOT (refused by default).")
    boolean followSymlinks;

    @Option(names = "--hidden", description = "Serve and list entries whose names start with '.' (hidden by default).")
    boolean hidden;

    @Option(names = "--no-listing", description = "Answer 403 instead of listing directories.")
    boolean noListing;

    @Option(names = "--cache-control", paramLabel = "VALUE",
            description = "Cache-Control for files, e.g. 'max-age=3600' (default: none).")
    String cacheControl;

    @Option(names = "--access-log", defaultValue = "-", paramLabel = "FILE",
            description = "Access log: '-' for standard output (default), 'off', or a file to append to.")
    String accessLog;

    @Option(names = "--no-digests", description = "Do not hash files for Repr-Digest.")
    boolean noDigests;

    @Option(names = "--max-ranges", defaultValue = "64", paramLabel = "N",
            description = "Most parts in a multipart/byteranges answer; more get the whole file (default: ${DEFAULT-VALUE}).")
    int maxRanges;

    @Option(names = "--idle-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close a connection silent between requests for this long (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--header-timeout", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "408 when request headers take longer than this to arrive (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(names = "--send-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Drop a client that reads nothing of a response for this long (default: ${DEFAULT-VALUE}).")
    Duration sendTimeout;

    @Option(names = "--shutdown-timeout", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long responses in flight may take to finish at shutdown (default: ${DEFAULT-VALUE}).")
    Duration shutdownTimeout;

    @Option(names = "--no-uploads", description = "Turn the upload endpoint off.")
    boolean noUploads;

    @Option(names = "--upload-path", defaultValue = "/uploads/", paramLabel = "PATH",
            description = "Where tus and IETF resumable uploads are taken (default: ${DEFAULT-VALUE}).")
    String uploadPath;

    @Option(names = "--upload-token", paramLabel = "TOKEN",
            description = "A Bearer token that may upload (repeatable); an upload belongs to its creator's token."
                    + " Required when listening beyond loopback, unless --allow-anonymous-uploads.")
    List<String> uploadTokens = new ArrayList<>();

    @Option(names = "--allow-anonymous-uploads",
            description = "Take uploads without a token also on a non-loopback address.")
    boolean allowAnonymousUploads;

    @Option(names = "--max-upload-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "The largest upload accepted, e.g. 50G (default: no limit; free space is always checked).")
    Long maxUploadSize;

    @Option(names = "--upload-expiry", defaultValue = "24h", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long an unfinished upload lives after its last byte; 0 for ever (default: ${DEFAULT-VALUE}).")
    Duration uploadExpiry;

    @Option(names = "--upload-overwrite",
            description = "A completed upload may replace a file of the same name (default: 'name (1).ext').")
    boolean uploadOverwrite;

    @Option(names = "--max-concurrent-uploads", defaultValue = "64", paramLabel = "N",
            description = "The most upload requests writing at once; more get 503 (default: ${DEFAULT-VALUE}).")
    int maxConcurrentUploads;

    @Option(names = "--upload-min-rate", defaultValue = "500", paramLabel = "BYTES",
            description = "After 20 s, an upload body must average this many bytes a second or it is cut with 408,"
                    + " so that trickling bodies cannot hold every upload slot; 0 for any speed (default:"
                    + " ${DEFAULT-VALUE}).")
    long uploadMinRate;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "An origin whose pages may upload from a browser, or '*' (repeatable; default: none).")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--trust-proxy",
            description = "Build absolute upload Locations from Forwarded / X-Forwarded-* (only behind your own proxy).")
    boolean trustProxy;

    @Option(names = "--no-journal",
            description = "Do not record transfers (the journal behind /-/api/transfers).")
    boolean noJournal;

    @Option(names = "--journal-retention", defaultValue = "7d", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long the journal keeps a transfer after its last activity (default: ${DEFAULT-VALUE}).")
    Duration journalRetention;

    @Option(names = "--journal-max-sessions", defaultValue = "10000", paramLabel = "N",
            description = "The most download sessions the journal keeps; the oldest go first (default: ${DEFAULT-VALUE}).")
    int journalMaxSessions;

    @Option(names = "--journal-gap", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Requests of one client for one file version this close in time are one download session"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration journalGap;

    @Option(names = "--io-threads", defaultValue = "0", paramLabel = "N",
            description = "Event loop threads (default: one per processor).")
    int ioThreads;

    @Option(names = "--sendfile", defaultValue = "auto", paramLabel = "WHEN",
            description = "auto (files unmodified for a minute; files still being written are copied), always or"
                    + " never. Sendfile cannot notice a file rewritten in place once its bytes are queued: use never"
                    + " where files are overwritten in place (default: ${DEFAULT-VALUE}).")
    String sendfile;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "KIND",
            description = "auto (native epoll where available), epoll or nio (default: ${DEFAULT-VALUE}).")
    String transport;

    private UploadSettings uploadSettings() {
        if (noUploads) {
            return null;
        }
        if (uploadTokens.isEmpty() && !allowAnonymousUploads && !loopback(host)) {
            throw new IllegalArgumentException("listening on " + host + " lets anyone who can reach it upload:"
                    + " give --upload-token TOKEN (repeatable), or --allow-anonymous-uploads, or --no-uploads");
        }
        String path = uploadPath.startsWith("/") ? uploadPath : "/" + uploadPath;
        return new UploadSettings(path.endsWith("/") ? path : path + "/", maxUploadSize == null ? 0 : maxUploadSize,
                uploadExpiry, uploadOverwrite, uploadTokens, corsOrigins, trustProxy, maxConcurrentUploads,
                UploadSettings.DEFAULT.bodyTimeout(), UploadSettings.DEFAULT.stallTakeover())
                .withMinBodyRate(uploadMinRate, UploadSettings.DEFAULT_BODY_RATE_GRACE);
    }

    private static boolean loopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static ServerConfig.Sendfile sendfileMode(String value) {
        try {
            return ServerConfig.Sendfile.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--sendfile is auto, always or never, not '" + value + "'");
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Path served = root.toAbsolutePath().normalize();
        // A root that cannot be written (a mounted image, a read-only share) is still served: the state goes to
        // the user's state directory, and uploads, which could never be placed in the root, are off.
        boolean readOnly = Files.isDirectory(served) && !Files.isWritable(served)
                && !Files.isWritable(served.resolve(".carryon"));
        Path stateDir = state != null ? state.toAbsolutePath().normalize()
                : readOnly ? StateDirs.forReadOnlyRoot(served) : null;
        if (readOnly) {
            System.err.println("carryon: " + served + " is read-only: state in " + stateDir
                    + (state == null ? "" : " (--state)") + "; uploads are off");
        }
        ServerConfig config;
        try {
            config = ServerConfig.builder(served)
                    .stateDir(stateDir)
                    .host(host)
                    .port(port)
                    .tls(tlsCert, tlsKey)
                    .http2(!noHttp2)
                    .followSymlinks(followSymlinks)
                    .serveHidden(hidden)
                    .listDirectories(!noListing)
                    .cacheControl(cacheControl)
                    .accessLog(accessLog)
                    .digests(!noDigests)
                    .rangePolicy(new RangePolicy(maxRanges, RangePolicy.DEFAULT.maxOverlaps(),
                            RangePolicy.DEFAULT.slackBytes()))
                    .idleTimeout(idleTimeout)
                    .headerTimeout(headerTimeout)
                    .sendTimeout(sendTimeout)
                    .shutdownTimeout(shutdownTimeout)
                    .ioThreads(ioThreads)
                    .transport(transport)
                    .sendfile(sendfileMode(sendfile))
                    .uploads(readOnly ? null : uploadSettings())
                    .journal(noJournal ? null : JournalSettings.DEFAULT.withRetention(journalRetention)
                            .withMaxSessions(journalMaxSessions).withGap(journalGap))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }

        CountDownLatch stop = new CountDownLatch(1);

        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stop.getCount() == 0) {
                    Runtime.getRuntime().halt(128 + signal.getNumber()); // asked twice: stop now
                }
                stop.countDown();
            });
        }

        CarryonServer server;
        try {
            server = CarryonServer.start(config);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCode.LOCAL_IO, e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        System.out.println("carryon serving " + config.root() + " at " + server.url()
                + (server.tlsEngine() == null ? "" : " (TLS: " + server.tlsEngine() + ")"));
        System.out.flush();
        stop.await();
        System.err.println("carryon: stopping (in-flight responses have " + config.shutdownTimeout().toSeconds()
                + "s to finish; press Ctrl-C again to stop at once)");
        server.close();
        return ExitCode.OK.code;
    }
}
