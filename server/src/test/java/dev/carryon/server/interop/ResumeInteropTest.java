package dev.carryon.server.interop;

import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import dev.carryon.server.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Real download tools resume a broken-off download from carryon and end with the right bytes: curl -C -,
 * wget -c, and aria2c over one connection and over eight. Two ways to break off: a partial file written as if an
 * earlier run had stopped, and a real run with a rate limit killed (SIGKILL) in the middle. Then the tool's resume
 * command must finish the file byte for byte (SHA-256), and carryon's access log and metrics must show that it
 * served ranges rather than the whole file again.
 */
class ResumeInteropTest {

    static final int SIZE = 32 << 20;
    static final String NAME = "big.bin";
    static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    /** The rate limit of the run that gets killed: slow enough that it is still running when we kill it. */
    static final String RATE = "4M";

    static TestServer server;
    static Path accessLog;
    static String sha256;

    @BeforeAll
    static void start() throws IOException {
        Path logDir = Files.createTempDirectory("carryon-resume-log-");
        accessLog = logDir.resolve("access.log");
        server = TestServer.start(b -> b.accessLog(accessLog.toString()));
        byte[] content = TestFiles.random(SIZE, 20261123);
        Path file = TestFiles.aged(server.file(NAME, content));
        sha256 = sha256(file);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (accessLog != null) {
            TestFiles.deleteRecursively(accessLog.getParent());
        }
    }

    enum Tool {
        CURL("curl", "curl/"),
        WGET("wget", "Wget/"),
        ARIA2C_SINGLE("aria2c", "aria2/"),
        ARIA2C_X8("aria2c", "aria2/");

        final String program;
        /** How the tool's User-Agent starts, to find its lines in the access log. */
        final String userAgent;

        Tool(String program, String userAgent) {
            this.program = program;
            this.userAgent = userAgent;
        }

        boolean aria2() {
            return this == ARIA2C_SINGLE || this == ARIA2C_X8;
        }

        /** The command that downloads (or, with the output present, resumes) into {@code dir/big.bin}. */
        List<String> command(Path binary, Path dir, String url, boolean rateLimited) {
            List<String> c = new ArrayList<>();
            c.add(binary.toString());
            switch (this) {
                case CURL -> {
                    c.addAll(List.of("-q", "-sS", "-f", "--noproxy", "*", "-C", "-", "-o", dir.resolve(NAME).toString()));
                    if (rateLimited) {
                        c.addAll(List.of("--limit-rate", RATE));
                    }
                }
                case WGET -> {
                    c.addAll(List.of("--no-config", "-q", "-c", "--no-proxy", "--tries=1", "--timeout=30",
                            "--directory-prefix=" + dir));
                    if (rateLimited) {
                        c.add("--limit-rate=" + RATE.toLowerCase());
                    }
                }
                case ARIA2C_SINGLE, ARIA2C_X8 -> {
                    c.addAll(List.of("--no-conf=true", "-q", "--allow-overwrite=false", "--auto-file-renaming=false",
                            "--continue=true", "--file-allocation=none", "--max-tries=1",
                            "--dir=" + dir, "--out=" + NAME));
                    c.addAll(this == ARIA2C_X8
                            ? List.of("-x8", "-s8", "--min-split-size=1M")
                            : List.of("-x1", "-s1"));
                    if (rateLimited) {
                        // Save the control file every second, so that a kill leaves a recent one behind.
                        c.addAll(List.of("--max-overall-download-limit=" + RATE, "--auto-save-interval=1"));
                    }
                }
            }
            c.add(url);
            return c;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Tool.class)
    void resumesAPartialFileLeftByAnEarlierRun(Tool tool, @TempDir Path dir) throws IOException {
        Path binary = Tools.require(tool.program);
        Path out = dir.resolve(NAME);
        long partial = 12_345_679; // an odd place to have stopped
        try (InputStream in = Files.newInputStream(server.root().resolve(NAME))) {
            Files.write(out, in.readNBytes((int) partial));
        }

        Mark mark = mark();
        run(tool, tool.command(binary, dir, url(), false), dir, "resume");

        assertThat(sha256(out)).as("%s finished the file byte for byte", tool).isEqualTo(sha256);
        assertThat(dir.resolve(NAME + ".aria2")).as("no control file left").doesNotExist();
        List<LogLine> run = requestsSince(mark, tool);
        assertServedRangesNotTheWholeFile(tool, run, mark);
        List<LogLine> ranges = run.stream().filter(l -> l.status() == 206 && !l.cut()).toList();
        switch (tool) {
            case CURL, WGET -> assertThat(run).as("%s asks once, from the end of the file it has", tool)
                    .singleElement()
                    .satisfies(l -> assertThat(l.range()).isEqualTo("bytes=" + partial + "-"))
                    .satisfies(l -> assertThat(l.bytes()).isEqualTo(SIZE - partial));
            case ARIA2C_SINGLE, ARIA2C_X8 -> {
                // aria2c counts what it has in whole 16 KiB blocks: it starts again at the last block boundary
                // at or below the end of the file, and (with eight connections) nothing before that.
                long resumedAt = ranges.stream().mapToLong(LogLine::first).min().orElseThrow();
                assertThat(resumedAt).as("where %s resumed", tool).isLessThanOrEqualTo(partial)
                        .isGreaterThan(partial - (1 << 20));
                assertThat(ranges).allSatisfy(l -> assertThat(l.first()).isGreaterThanOrEqualTo(resumedAt));
                if (tool == Tool.ARIA2C_X8) {
                    assertThat(ranges).as("aria2c -x8 used several connections").hasSizeGreaterThan(1);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Tool.class)
    void resumesAfterBeingKilledInTheMiddle(Tool tool, @TempDir Path dir) throws Exception {
        Path binary = Tools.require(tool.program);
        Path out = dir.resolve(NAME);
        Path control = dir.resolve(NAME + ".aria2");

        // A real run, rate-limited, killed without warning once it has written something.
        Process first = start(tool.command(binary, dir, url(), true), dir, "first");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            long started = System.nanoTime();
            while (!(size(out) >= (2 << 20)
                    && (!tool.aria2() || (Files.exists(control)
                            && System.nanoTime() - started > Duration.ofMillis(1500).toNanos())))) {
                if (!first.isAlive()) {
                    fail("%s ended before it could be interrupted: exit %d, %s", tool, first.exitValue(),
                            log(dir, "first"));
                }
                if (System.nanoTime() > deadline) {
                    fail("%s wrote %d bytes in 20 s: %s", tool, size(out), log(dir, "first"));
                }
                Thread.sleep(50);
            }
        } finally {
            destroy(first);
        }
        long partial = size(out);
        assertThat(partial).as("the killed %s left a partial file", tool).isPositive().isLessThan(SIZE);
        if (tool.aria2()) {
            assertThat(control).as("aria2c keeps its progress in a control file").exists();
        }

        Mark mark = mark();
        run(tool, tool.command(binary, dir, url(), false), dir, "resume");

        assertThat(sha256(out)).as("%s finished the file byte for byte", tool).isEqualTo(sha256);
        assertThat(control).as("no control file left").doesNotExist();
        List<LogLine> run = requestsSince(mark, tool);
        assertServedRangesNotTheWholeFile(tool, run, mark);
        if (tool.aria2()) {
            // aria2c resumes from its control file (saved every second), not from the file's size.
            assertThat(run).as("%s asked for what was missing", tool)
                    .anySatisfy(l -> assertThat(l.status() == 206 && !l.cut() && l.first() > 0).isTrue());
        } else {
            // curl -C - and wget -c continue from the end of the file they find.
            assertThat(run).as("%s asks once, from the end of the file it has", tool).singleElement()
                    .satisfies(l -> assertThat(l.range()).isEqualTo("bytes=" + partial + "-"))
                    .satisfies(l -> assertThat(l.bytes()).isEqualTo(SIZE - partial));
        }
    }

    /**
     * wget2 -c --chunk-size sends two Range lines for every chunk: what its file holds ({@code bytes=HELD-}) and
     * the chunk. Given the whole file, or the range to the end, it asked again for ever (1,421 requests in ten
     * minutes; against nginx too). carryon answers what both lines allow, the chunk: a request a chunk, and done.
     */
    @Test
    void wget2InChunksResumesAPartialFileWithARequestAChunk(@TempDir Path dir) throws IOException {
        Path binary = Tools.require("wget2");
        Path out = dir.resolve(NAME);
        long partial = 4 << 20;
        try (InputStream in = Files.newInputStream(server.root().resolve(NAME))) {
            Files.write(out, in.readNBytes((int) partial));
        }
        Mark mark = mark();
        Process p = start(List.of(binary.toString(), "--no-config", "-q", "-c", "--chunk-size=4M", "--tries=1",
                "--timeout=30", "-O", out.toString(), url()), dir, "wget2");
        try {
            assertThat(p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("wget2 finished: %s",
                    log(dir, "wget2")).isTrue();
            assertThat(p.exitValue()).as("wget2's exit: %s", log(dir, "wget2")).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            destroy(p);
        }
        assertThat(sha256(out)).as("wget2 finished the file byte for byte").isEqualTo(sha256);
        List<LogLine> run = requestsSince(mark, "wget2/");
        assertThat(run).as("a request a chunk of 4 MiB, and a HEAD: %s", run).hasSizeLessThanOrEqualTo(SIZE / (4 << 20) + 2)
                .anySatisfy(l -> assertThat(l.status()).isEqualTo(206))
                .allSatisfy(l -> assertThat(l.status()).as("%s", l).isIn(200, 206));
    }

    /**
     * What every resume must show in carryon's log and metrics: 206 answers to range requests, and never the
     * whole file again (aria2c opens a request without Range first and drops it at once: a cut 200 is fine).
     */
    static void assertServedRangesNotTheWholeFile(Tool tool, List<LogLine> run, Mark mark) {
        assertThat(run).as("%s's requests", tool)
                .anySatisfy(l -> assertThat(l.status()).isEqualTo(206))
                .allSatisfy(l -> assertThat(l.status() == 206 || (l.status() == 200 && l.cut()))
                        .as("206, or a 200 dropped at once: %s", l).isTrue());
        assertThat(metrics().singleRanges() - mark.singleRanges())
                .as("carryon_range_requests_total{kind=\"single\"} grew").isGreaterThanOrEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------

    static String url() {
        return server.uri("/" + NAME).toString();
    }

    static Process start(List<String> command, Path dir, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        for (String proxy : List.of("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                "ALL_PROXY", "NO_PROXY")) {
            env.remove(proxy);
        }
        return pb.start();
    }

    static void run(Tool tool, List<String> command, Path dir, String name) throws IOException {
        Process p = start(command, dir, name);
        try {
            if (!p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("%s did not finish in %s: %s", tool, TOOL_TIMEOUT, log(dir, name));
            }
            assertThat(p.exitValue()).as("%s exit status; %s; output: %s", tool, command, log(dir, name)).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            destroy(p);
        }
    }

    /** Kills the process and anything it started, and waits until it is gone. */
    static void destroy(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("process " + p.pid() + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String log(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    static long size(Path p) throws IOException {
        return Files.exists(p) ? Files.size(p) : 0;
    }

    static String sha256(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             DigestInputStream in = new DigestInputStream(java.nio.channels.Channels.newInputStream(ch),
                     MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- What the server saw: its access log and its metrics ------------------------------------------------

    /** Where the log and the range counter stood before a run. */
    record Mark(int logLines, double singleRanges) {
    }

    /**
     * Marks the log once the previous run has left: no connection open but ours, and the log writer caught up
     * (a killed tool's requests are logged when carryon notices the dead connection).
     */
    static Mark mark() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Metrics m = metrics();
        while (m.openConnections() > 1 && System.nanoTime() < deadline) {
            sleep(50);
            m = metrics();
        }
        assertThat(m.openConnections()).as("connections open besides the metrics request").isEqualTo(1);
        return new Mark(awaitLogLines().size(), m.singleRanges());
    }

    /**
     * One access log line: {@code "GET /big.bin HTTP/1.1" 206 BYTES "REFERER" "AGENT" range="..." ms=… [cut]}.
     */
    record LogLine(String method, String target, int status, long bytes, String userAgent, String range, boolean cut) {
        private static final Pattern FORMAT = Pattern.compile(
                "\"(\\S+) (\\S+) [^\"]*\" (\\d{3}) (\\d+) \"[^\"]*\" \"([^\"]*)\"(?: range=\"([^\"]*)\")? ms=\\S+( cut)?$");
        private static final Pattern FIRST = Pattern.compile("^bytes=(\\d+)-");

        static LogLine parse(String line) {
            Matcher m = FORMAT.matcher(line);
            if (!m.find()) {
                throw new AssertionError("not an access log line: " + line);
            }
            return new LogLine(m.group(1), m.group(2), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)),
                    m.group(5), m.group(6), m.group(7) != null);
        }

        /** The first position of a {@code bytes=N-...} range; -1 without one. */
        long first() {
            Matcher m = range == null ? null : FIRST.matcher(range);
            return m != null && m.find() ? Long.parseLong(m.group(1)) : -1;
        }
    }

    /** The tool's requests for the file since the mark, once the log writer has caught up. */
    static List<LogLine> requestsSince(Mark mark, Tool tool) {
        return requestsSince(mark, tool.userAgent);
    }

    static List<LogLine> requestsSince(Mark mark, String userAgent) {
        List<String> all = awaitLogLines();
        List<LogLine> out = new ArrayList<>();
        for (String line : all.subList(mark.logLines(), all.size())) {
            LogLine l = LogLine.parse(line);
            if (l.target().equals("/" + NAME) && l.userAgent().startsWith(userAgent)) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The access log's lines, after the background writer has written everything logged so far: it writes
     * asynchronously, so this waits until two reads 100 ms apart agree (and at most 5 s).
     */
    static List<String> awaitLogLines() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> before = readLog();
        while (true) {
            sleep(100);
            List<String> now = readLog();
            if (now.size() == before.size() || System.nanoTime() > deadline) {
                return now;
            }
            before = now;
        }
    }

    private static List<String> readLog() {
        try {
            return Files.exists(accessLog) ? Files.readAllLines(accessLog) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What /-/metrics says; the request that asks is one of the open connections. */
    record Metrics(double singleRanges, double openConnections) {
    }

    static Metrics metrics() {
        String body = RawHttp.exchange(server.port(),
                "GET /-/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").bodyText();
        return new Metrics(metric(body, "carryon_range_requests_total\\{[^}]*kind=\"single\"[^}]*}"),
                metric(body, "carryon_connections_open"));
    }

    private static double metric(String exposition, String nameAndLabels) {
        Matcher m = Pattern.compile("^" + nameAndLabels + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        assertThat(m.find()).as("%s in /-/metrics", nameAndLabels).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
