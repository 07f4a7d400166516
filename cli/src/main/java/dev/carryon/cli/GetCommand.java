package dev.carryon.cli;

import dev.carryon.client.download.Checksum;
import dev.carryon.client.download.Destination;
import dev.carryon.client.TransferException;
import dev.carryon.client.download.DownloadListener;
import dev.carryon.client.download.DownloadOptions;
import dev.carryon.client.download.Downloader;
import dev.carryon.client.http.ClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code carryon get URL...}. */
@Command(name = "get",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Download files, resuming after any break or crash.",
        description = {
            "Download over several connections, never splicing two versions of a file, and verify Repr-Digest,",
            "Digest, Content-MD5 and --checksum before the file gets its name. Resuming is always on (wget's -c and",
            "curl's -C - are accepted, never needed): rerunning the same command resumes; on a finished file it",
            "asks the server whether the file changed (like wget -N) and fetches only a new version.",
            "Bytes go to NAME.part; NAME.carryon records what is held; NAME appears when complete and verified."
        })
final class GetCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", arity = "0..*", description = "What to download (http or https).")
    List<String> urls = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Save to FILE (one URL only).")
    Path output;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
            description = "Save into DIR, named by Content-Disposition or the URL (default: the current directory).")
    Path dir;

    @Option(names = {"-i", "--input-file"}, paramLabel = "FILE",
            description = "Read URLs from FILE, one a line ('#' starts a comment; '-' reads standard input).")
    String inputFile;

    @Option(names = {"-j", "--jobs"}, defaultValue = "1", paramLabel = "N",
            description = "Download N files at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = {"-x", "--connections"}, defaultValue = "4", paramLabel = "N",
            description = "Connections per file (HTTP/2: streams); no cap of 16, but see --per-host (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--per-host", defaultValue = "16", paramLabel = "N",
            description = "Most connections to one host at once, across all files (default: ${DEFAULT-VALUE}).")
    int perHost;

    @Option(names = "--checksum", paramLabel = "ALGO=HEX",
            description = "The digest the file must have: sha-256, sha-512, sha-1 or md5, e.g. sha-256=9f86d0...")
    String checksum;

    @Option(names = "--limit-rate", paramLabel = "RATE", converter = SizeConverter.class,
            description = "Bytes per second for everything together, e.g. 500K or 20M (default: no limit).")
    Long limitRate;

    @Option(names = "--retries", defaultValue = "10", paramLabel = "N",
            description = "Failures in a row without progress before giving up; progress resets the count (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--stall-timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Replace a connection that delivers nothing for this long (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(names = "--lowest-speed", paramLabel = "RATE", converter = SizeConverter.class,
            description = "Replace a connection slower than this over 20 s, e.g. 10K (default: off).")
    Long lowestSpeed;

    @Option(names = "--overwrite", description = "Start afresh and replace an existing file of the same name.")
    boolean overwrite;

    @Option(names = {"-q", "--quiet", "-s", "--silent"},
            description = "Print nothing on success (as curl -s): no progress, notices or result line; errors still go to standard error.")
    boolean quiet;

    @Option(names = "--json", description = "Print events as JSON lines on standard output, and no human progress.")
    boolean json;

    // What curl, wget and aria2c users type out of habit. Resuming is carryon's default, so these are accepted and
    // change nothing.

    @Option(names = {"-c", "--continue"}, description = "Accepted (wget, aria2c): resuming is always on.")
    boolean continueFlag;

    @Option(names = "-C", paramLabel = "-", description = "Accepted as '-C -' (curl): resuming is always on, from what is held.")
    String continueAt;

    @Option(names = {"-O", "--remote-name"}, description = "Accepted (curl): the name comes from the server or the URL unless -o.")
    boolean remoteName;

    @Option(names = {"-N", "--timestamping"},
            description = "Accepted (wget): a rerun on a finished file always asks whether it changed.")
    boolean timestamping;

    @Override
    public Integer call() {
        refuseHabitsThatDoNotApply();
        List<URI> targets = targets();
        if (output != null && targets.size() != 1) {
            throw new CliException(ExitCode.USAGE, "-o names one file; with several URLs use -d DIR");
        }
        if (output != null && dir != null) {
            throw new CliException(ExitCode.USAGE, "use -o FILE or -d DIR, not both");
        }
        if (connections < 1 || jobs < 1 || perHost < 1) {
            throw new CliException(ExitCode.USAGE, "-x, -j and --per-host must be at least 1");
        }
        DownloadOptions.Builder options = DownloadOptions.builder()
                .connections(connections)
                .retries(retries)
                .overwrite(overwrite)
                .limitRate(limitRate == null ? 0 : limitRate)
                .lowestSpeed(lowestSpeed == null ? 0 : lowestSpeed);
        connection.apply(options);
        try {
            if (checksum != null) {
                options.checksum(Checksum.parse(checksum));
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        ClientConfig.Builder client = connection.client()
                .stallTimeout(stallTimeout)
                .perHostConnections(perHost);

        HumanProgress human = json ? null : new HumanProgress(System.err, Terminal.stderrIsTerminal(), quiet);
        Interruption interruption = new Interruption(json ? new JsonEvents(System.out) : human, System.err,
                human == null ? () -> { } : human::endLine);
        DownloadListener listener = interruption;
        Path directory = dir != null ? dir : Path.of(".");

        Map<TransferException.Kind, Integer> failures = new EnumMap<>(TransferException.Kind.class);
        ExitCode first = ExitCode.OK;
        try (Downloader downloader = Downloader.builder().client(client.build()).options(options.build())
                .listener(listener).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, targets.size()), r -> {
                Thread t = new Thread(r, "carryon-job");
                t.setDaemon(true);
                return t;
            });
            List<Future<?>> running = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread onInterrupt = new Thread(() -> interruption.interrupt(pool, running), "carryon-interrupted");
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            List<TransferException> errors = new ArrayList<>();
            try {
                for (URI url : targets) {
                    Destination d = output != null ? Destination.file(output) : Destination.directory(directory);
                    running.add(pool.submit(() -> {
                        try {
                            downloader.download(url, d);
                        } catch (TransferException e) {
                            synchronized (errors) {
                                errors.add(e);
                            }
                            if (!json && !interruption.interrupted()) {
                                System.err.println("carryon: " + url + ": " + e.getMessage());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (Exception e) {
                        if (interruption.interrupted()) {
                            break; // the shutdown hook reports; the JVM exits with the signal's code
                        }
                        throw new CliException(ExitCode.INTERNAL, "a download failed unexpectedly: " + e, e);
                    }
                }
                pool.shutdown();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs and reports
                }
            }
            for (TransferException e : errors) {
                failures.merge(e.kind(), 1, Integer::sum);
                if (first == ExitCode.OK) {
                    first = ExitCode.of(e.kind());
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
        if (targets.size() > 1 && !failures.isEmpty() && !json && !interruption.interrupted()) {
            System.err.println("carryon: " + (targets.size() - failures.values().stream().mapToInt(i -> i).sum())
                    + " of " + targets.size() + " downloads succeeded");
        }
        return first.code;
    }

    private void refuseHabitsThatDoNotApply() {
        if (continueAt != null && !continueAt.equals("-")) {
            throw new CliException(ExitCode.USAGE, "-C takes only '-': carryon resumes from the bytes its control"
                    + " file records as held, never from an offset given by hand (and resuming is the default)");
        }
        if (output != null && output.toString().equals("-")) {
            throw new CliException(ExitCode.USAGE, "-o - would write to standard output, where nothing can be resumed"
                    + " or verified before use; use -o FILE (and read FILE when carryon is done)");
        }
        if (remoteName && output != null) {
            throw new CliException(ExitCode.USAGE, "use -o FILE or -O (the name from the server or the URL), not both");
        }
    }

    private List<URI> targets() {
        List<String> all = new ArrayList<>(urls);
        if (inputFile != null) {
            try {
                List<String> lines = inputFile.equals("-")
                        ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
                        : Files.readAllLines(Path.of(inputFile), StandardCharsets.UTF_8);
                for (String line : lines) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("#")) {
                        all.add(l);
                    }
                }
            } catch (IOException e) {
                throw new CliException(ExitCode.LOCAL_IO, "cannot read the URL list " + inputFile + ": " + e.getMessage());
            }
        }
        if (all.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "no URL given; try 'carryon get --help'");
        }
        List<URI> out = new ArrayList<>();
        for (String u : all) {
            out.add(Urls.parse(u));
        }
        return out;
    }

}
