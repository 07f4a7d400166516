package dev.carryon.server.fuzz;

import dev.carryon.server.testing.Memory;
import dev.carryon.core.Props;
import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.Metrics;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import dev.carryon.server.upload.UploadSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile HTTP/1.1 over raw sockets against a running server: request lines, field soups, chunked bodies, pipelined
 * and half-closed connections, for downloads and both upload protocols (see {@link RequestGenerator}). Every
 * connection must end in well-formed answers without a 5xx, or a close, within a bound; the server must log no
 * warning, error or stack trace; afterwards its connections, this process's descriptors and the heap are back
 * where they were. The corpus (server/src/test/resources/fuzz/requests.txt) is replayed first.
 *
 * <p>{@code -Dcarryon.fuzz.requests=N} sets the number of generated connections (default 3000),
 * {@code -Dcarryon.props.seed=N} draws other ones.
 */
class RequestFuzzTest {

    static final int CASES = Integer.getInteger("carryon.fuzz.requests", 3000);
    /** A file to write every case and the status lines it got to, to see what the generator reaches. */
    static final String DUMP = System.getProperty("carryon.fuzz.dump");
    /**
     * Connections at once: timeouts overlap, and uploads meet each other and the concurrency cap. With 1
     * ({@code -Dcarryon.fuzz.connections=1}), what the server logs is attributed to the case just run.
     */
    static final int PARALLEL = Integer.getInteger("carryon.fuzz.connections", 8);
    static final int MAX_HEADERS = 16 * 1024;
    /** Longer than every server timeout below, so that a nudge means the server waited on nothing it has a timeout for. */
    static final Duration QUIET = Duration.ofSeconds(3);
    static final Duration BOUND = Duration.ofSeconds(5);
    static final byte[] DATA = TestFiles.random(100_000, 18);

    @Test
    void hostileRequestsGetWellFormedAnswersOrACloseAndLeakNothing() throws Exception {
        try (LogCapture log = LogCapture.start(); TestServer server = start()) {
            RequestGenerator generator = new RequestGenerator(List.of(createTus(server, "Upload-Length: 1000"),
                    createTus(server, "Upload-Defer-Length: 1"), createTus(server, "Upload-Concat: partial\r\nUpload-Length: 10")),
                    List.of(createIetf(server), createIetf(server)), MAX_HEADERS);
            List<FuzzCase> cases = new ArrayList<>(Corpus.load());
            int replayed = cases.size();
            Props.forAll(CASES, generator::next, cases::add);
            warmUp(server, cases.subList(0, Math.min(cases.size(), 50)));
            long fdsBefore = Resources.openFds();
            long memoryBefore = Memory.used();
            String seed = System.getProperty("carryon.props.seed", "the default");

            long t0 = System.nanoTime();
            Tally tally = new Tally();
            List<String> failures = run(server, cases, replayed, tally, log);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            System.out.printf("request fuzz (seed %s): %d corpus + %d generated cases in %d s; %s%n", seed, replayed,
                    CASES, seconds, tally);

            assertThat(failures).as("connections that broke an invariant (seed %s)", seed).isEmpty();
            assertThat(tally.answered).as("the cases reach the server's answers").isGreaterThan(cases.size() / 2);
            assertThat(log.trouble()).as("warnings, errors and stack traces the server logged").isEmpty();
            assertNoServerErrorsCounted(server);
            assertResourcesBackToBaseline(server, fdsBefore, memoryBefore);
        }
    }

    static TestServer start() {
        TestServer server = TestServer.start(b -> b.maxHeaderSize(MAX_HEADERS)
                .headerTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(1))
                .uploads(new UploadSettings("/uploads/", 1 << 20, Duration.ofHours(1), false, List.of(),
                        List.of("https://example.test"), false, 4, Duration.ofSeconds(1), Duration.ofMillis(500))));
        TestFiles.aged(server.file("data.bin", DATA));
        TestFiles.aged(server.file("small.txt", "small\n".getBytes(StandardCharsets.US_ASCII)));
        server.file("empty", new byte[0]);
        server.file("dir/x.txt", "x".getBytes(StandardCharsets.US_ASCII));
        server.file("\u00e9.txt", "e".getBytes(StandardCharsets.US_ASCII));
        server.file(".hidden", "h".getBytes(StandardCharsets.US_ASCII));
        return server;
    }

    private static List<String> run(TestServer server, List<FuzzCase> cases, int replayed, Tally tally, LogCapture log)
            throws Exception {
        CaseRunner runner = new CaseRunner(server.port(), QUIET, BOUND);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        int[] logged = {log.trouble().size()};
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    FuzzCase c = cases.get(index);
                    CaseRunner.Outcome o;
                    try {
                        o = runner.run(c);
                    } catch (Exception e) {
                        failures.add(name(index, replayed) + ": " + e + "\n  " + c.describe());
                        return;
                    }
                    tally.add(c, o);
                    dump(index, c, o);
                    if (PARALLEL == 1 && log.trouble().size() > logged[0]) {
                        List<String> trouble = log.trouble();
                        failures.add(name(index, replayed) + " was followed by: " + trouble.get(logged[0])
                                + "\n  sent: " + c.describe());
                        logged[0] = trouble.size();
                    }
                    List<String> broken = Invariants.check(c, o);
                    if (!broken.isEmpty() && failures.size() < 20) {
                        failures.add(name(index, replayed) + ": " + broken + "\n  sent: " + c.describe()
                                + "\n  got: " + Escapes.of(o.received(), 1500));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return failures;
    }

    private static synchronized void dump(int index, FuzzCase c, CaseRunner.Outcome o) {
        if (DUMP == null) {
            return;
        }
        StringBuilder s = new StringBuilder("# case ").append(index + 1).append(": ");
        o.responses().responses().forEach(h -> s.append(h.status()).append(' '));
        s.append(o.nudged() ? "nudged " : "").append(o.reset() ? "reset " : "").append('\n').append(c.describe()).append('\n');
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(DUMP), s, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String name(int index, int replayed) {
        return index < replayed ? "corpus case " + (index + 1) : "generated case " + (index - replayed + 1);
    }

    /** Loads what a first request of each kind loads (classes, pools, the database), so the baseline holds it. */
    static void warmUp(TestServer server, List<FuzzCase> cases) throws Exception {
        CaseRunner runner = new CaseRunner(server.port(), QUIET, BOUND);
        for (FuzzCase c : cases) {
            runner.run(c);
        }
        // Connections go to the event loops in turn, and each loop opens its own database connection for digest
        // lookups on its first file answer: give every loop one, so that these are in the baseline.
        for (int i = 0; i < 32; i++) {
            RawHttp.once(server.port(), "HEAD", "/data.bin");
        }
        String small = createTus(server, "Upload-Length: 1");
        RawHttp.Response done = RawHttp.exchange(server.port(), "PATCH " + small + " HTTP/1.1\r\nHost: fuzz\r\n"
                + "Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                + "Content-Length: 1\r\nConnection: close\r\n\r\nx");
        assertThat(done.status()).as(done.statusLine()).isEqualTo(204);
        assertThat(server.server().awaitDigests(10_000)).isTrue();
        awaitConnections(server, 1);
    }

    static void assertNoServerErrorsCounted(TestServer server) {
        // Also counts what the response parser could have missed, such as a 5xx after a 101 or a reset.
        Matcher m = Pattern.compile("(?m)^carryon_http_requests_total\\{[^}]*status=\"(5\\d\\d)\"[^}]*} (\\S+)")
                .matcher(Metrics.scrape(server.port()));
        while (m.find()) {
            if (!m.group(1).equals("503")) {
                assertThat(Double.parseDouble(m.group(2))).as(m.group()).isZero();
            }
        }
    }

    static void assertResourcesBackToBaseline(TestServer server, long fdsBefore, long memoryBefore) {
        awaitConnections(server, 1);
        // Closes finish on the event loops, and finished uploads are hashed in the background: wait for both.
        long fds = Poll.until(Duration.ofSeconds(10), Resources::openFds, n -> n <= fdsBefore + 4);
        assertThat(fds).as("descriptors, %d before:%n%s", fdsBefore, Resources.describeFds())
                .isLessThanOrEqualTo(fdsBefore + 4);
        long memory = Poll.until(Duration.ofSeconds(10), Memory::used, m -> m <= memoryBefore + (48L << 20));
        assertThat(memory - memoryBefore).as("memory held after the run").isLessThanOrEqualTo(48L << 20);
    }

    static void awaitConnections(TestServer server, int open) {
        // The scrape's own connection is one of them.
        String text = Poll.until(Duration.ofSeconds(10), () -> Metrics.scrape(server.port()),
                t -> Metrics.value(t, "carryon_connections_open") == open);
        assertThat(Metrics.value(text, "carryon_connections_open")).as("open connections").isEqualTo(open);
    }

    static String createTus(TestServer server, String fields) {
        RawHttp.Response r = RawHttp.exchange(server.port(), "POST /uploads/ HTTP/1.1\r\nHost: fuzz\r\n"
                + "Tus-Resumable: 1.0.0\r\n" + fields + "\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).as(r.statusLine()).isEqualTo(201);
        return r.header("Location");
    }

    static String createIetf(TestServer server) {
        try (RawHttp http = server.raw()) {
            http.send("POST /uploads/ HTTP/1.1\r\nHost: fuzz\r\nUpload-Draft-Interop-Version: 6\r\n"
                    + "Upload-Complete: ?0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            RawHttp.Response r = http.read();
            while (r.status() / 100 == 1) {
                r = http.read();
            }
            assertThat(r.status()).as(r.statusLine()).isEqualTo(201);
            return r.header("Location");
        }
    }
}
