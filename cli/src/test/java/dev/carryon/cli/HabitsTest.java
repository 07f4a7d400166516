package dev.carryon.cli;

import dev.carryon.core.download.DownloadState;
import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a curl, wget or aria2 user reaches for (issue 16), run as processes against a real server: the options
 * their fingers type, URLs with spaces, quiet meaning quiet, Ctrl-C, the messages, --help and --version.
 */
@Timeout(90)
class HabitsTest {

    static Path served;
    static CarryonServer server;
    static byte[] data;
    static byte[] small;

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-habits-");
        data = GetProcess.random(10 << 20, 161);
        small = GetProcess.random(300_000, 162);
        GetProcess.put(served, "big.bin", data);
        GetProcess.put(served, "small.bin", small);
        GetProcess.put(served, "a file.bin", small);
        server = GetProcess.server(served);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String url(String name) {
        return server.url() + name;
    }

    static GetProcess.Result get(Path dir, String... args) {
        return GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(60), args);
    }

    static GetProcess.Result carryon(Path dir, String... args) {
        try (GetProcess p = GetProcess.command(dir.resolve("logs"), Map.of(), List.of(args))) {
            return p.await(Duration.ofSeconds(60));
        }
    }

    /** Bytes the control file records as held, 0 before there is one. */
    static long held(Path target) {
        try {
            return GetProcess.state(target).map(s -> s.held().size()).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0; // replaced while being read
        }
    }

    // ---- 1. the options of curl, wget and aria2c

    @Test
    void continueRemoteNameSilentAndTimestampingAreAcceptedAndChangeNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        GetProcess.Result r = get(dir, url("small.bin"), "-d", out.toString(), "-c", "-C", "-", "-O", "-s");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(GetProcess.sha256(out.resolve("small.bin"))).isEqualTo(GetProcess.sha256(small));
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).isEmpty();

        GetProcess.Result wget = get(dir, url("small.bin"), "-d", out.toString(), "--continue", "--silent", "-N");
        assertThat(wget.exitCode()).as("%s", wget).isZero();
        assertThat(wget.stderr()).isEmpty();
    }

    @Test
    void theHabitsThatCannotApplyAreRefusedWithAReasonNotAsUnknown(@TempDir Path dir) {
        GetProcess.Result offset = get(dir, url("small.bin"), "-d", dir.toString(), "-C", "100");
        assertThat(offset.exitCode()).as("%s", offset).isEqualTo(2);
        assertThat(offset.stderr()).contains("-C takes only '-'").doesNotContainIgnoringCase("unknown option");

        GetProcess.Result both = get(dir, url("small.bin"), "-o", dir.resolve("x").toString(), "-O");
        assertThat(both.exitCode()).as("%s", both).isEqualTo(2);
        assertThat(both.stderr()).contains("use -o FILE or -O");

        GetProcess.Result other = get(dir, url("small.bin"), "--no-such-option");
        assertThat(other.exitCode()).as("%s", other).isEqualTo(2);
        assertThat(other.stderr()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void outputToStandardOutputIsRefusedAndCreatesNoFile(@TempDir Path dir) {
        GetProcess.Result r = get(dir, url("small.bin"), "-o", "-");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.stderr()).contains("-o - would write to standard output, where nothing can be resumed")
                .contains("use -o FILE");
        assertThat(r.stdout()).isEmpty();
        assertThat(Path.of("-")).doesNotExist();
        assertThat(Path.of("-.part")).doesNotExist();
    }

    @Test
    void helpSaysResumingIsAlwaysOn(@TempDir Path dir) {
        GetProcess.Result r = carryon(dir, "get", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("Resuming is always on").contains("-c, --continue").contains("-C=-")
                .contains("-O, --remote-name").contains("-N, --timestamping").contains("-q, -s, --quiet, --silent")
                .contains("Print nothing on success");
    }

    // ---- 2. URLs as browsers show them

    @Test
    void aUrlWithASpaceIsEncodedAsABrowserWould(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        GetProcess.Result r = get(dir, server.url() + "a file.bin", "-d", out.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(GetProcess.sha256(out.resolve("a file.bin"))).isEqualTo(GetProcess.sha256(small));
        assertThat(r.stderr()).contains(server.url() + "a%20file.bin");

        GetProcess.Result probe = carryon(dir, "probe", server.url() + "a file.bin");
        assertThat(probe.exitCode()).as("%s", probe).isZero();
        assertThat(probe.stdout()).contains("a%20file.bin");
    }

    // ---- 3. quiet is quiet

    @Test
    void quietPrintsNothingOnSuccessButStillTheError(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        for (String flag : List.of("-q", "-s")) {
            GetProcess.Result r = get(dir, url("small.bin"), "-d", out.toString(), flag, "--overwrite");
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.stderr()).as(flag).isEmpty();
            assertThat(r.stdout()).as(flag).isEmpty();
        }
        GetProcess.Result again = get(dir, url("small.bin"), "-d", out.toString(), "-q");
        assertThat(again.exitCode()).as("%s", again).isZero();
        assertThat(again.stderr()).as("a rerun on a finished file").isEmpty();

        GetProcess.Result missing = get(dir, url("missing.bin"), "-d", out.toString(), "-q");
        assertThat(missing.exitCode()).as("%s", missing).isEqualTo(4);
        assertThat(missing.stderr()).contains("404");
    }

    @Test
    void putIsQuietTooAndFindsTheFileAfterwards(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("quiet-upload.bin"), small);
        for (String flag : List.of("-q", "-s")) {
            GetProcess.Result r = carryon(dir, "put", file.toString(), server.url() + "uploads/", flag,
                    "--state", dir.resolve("put-state-" + flag).toString());
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.stderr()).as(flag).isEmpty();
            assertThat(r.stdout()).as(flag).isEmpty();
        }
        assertThat(GetProcess.sha256(served.resolve("quiet-upload.bin"))).isEqualTo(GetProcess.sha256(small));
    }

    // ---- 4. Ctrl-C

    @Test
    void sigintSaysHowMuchIsHeldAndTheRerunResumes(@TempDir Path dir) throws Exception {
        assumeTrue(!sigintIgnored(), "SIGINT is ignored by this test JVM (and so by its children): skipped");
        Path target = dir.resolve("out/big.bin");
        try (GetProcess p = GetProcess.start(dir.resolve("logs"), url("big.bin"), "-o", target.toString(),
                "-x", "4", "--limit-rate", "1M")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // until a checkpoint recorded 2 MiB
            while (held(target) < (2 << 20)) {
                assertThat(p.process.isAlive()).as("carryon get ended early: %s", GetProcess.read(p.stderr)).isTrue();
                assertThat(System.nanoTime()).as("2 MiB recorded within 30 s").isLessThan(deadline);
                p.process.waitFor(50, TimeUnit.MILLISECONDS);
            }
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.process.pid())).start();
            assertThat(kill.waitFor()).isZero();
            GetProcess.Result r = p.await(Duration.ofSeconds(20));
            assertThat(r.exitCode()).as("%s", r).isEqualTo(130);
            DownloadState state = GetProcess.state(target).orElseThrow();
            long held = state.held().size();
            assertThat(held).isGreaterThanOrEqualTo(2 << 20).isLessThan(data.length);
            assertThat(r.stderr()).contains("carryon: interrupted: " + GetProcess.part(target) + " holds "
                    + SizeConverter.format(held) + " of " + SizeConverter.format(data.length))
                    .contains("; rerun the same command to resume")
                    .doesNotContain("carryon: " + url("big.bin") + ": interrupted");
            assertThat(GetCommandTest.claimsHold(state, GetProcess.part(target), data)).isNull();

            GetProcess.Result again = get(dir, url("big.bin"), "-o", target.toString(), "-x", "4", "--json");
            assertThat(again.exitCode()).as("%s", again).isZero();
            assertThat(GetProcess.sha256(target)).isEqualTo(GetProcess.sha256(data));
            Map<String, Object> start = again.events().stream().filter(e -> "start".equals(e.get("event")))
                    .findFirst().orElseThrow();
            assertThat(start).containsEntry("resumed", true).containsEntry("held", held);
        }
    }

    /**
     * On a terminal: Ctrl-C typed into a pseudo-terminal (script(1) gives one), so that the terminal itself sends
     * SIGINT and echoes "^C" after the progress line, as it does for a person.
     */
    @Test
    void onATerminalTheProgressLineAndTheEchoedCtrlCAreCleared(@TempDir Path dir) throws Exception {
        Path script = Programs.which("script").orElse(null);
        assumeTrue(script != null, "script(1) is not installed (Debian: util-linux): this test is skipped");
        assumeTrue(!sigintIgnored(), "SIGINT is ignored by this test JVM (and so by its children): skipped");
        Path target = dir.resolve("out/big.bin");
        StringBuilder command = new StringBuilder();
        for (String a : ServeProcess.command("get", url("big.bin"), "-o", target.toString(), "--limit-rate", "1M")) {
            command.append(command.length() == 0 ? "" : " ").append("'").append(a.replace("'", "'\\''")).append("'");
        }
        Process p = new ProcessBuilder(script.toString(), "-qfec", command.toString(), "/dev/null")
                .redirectErrorStream(true).start();
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] b = new byte[8192];
                for (int n; (n = in.read(b)) >= 0; ) {
                    screen.append(new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // until a progress line is drawn in place and a checkpoint recorded something
            while (!screen.toString().contains(" conn  big.bin") || held(target) == 0) {
                assertThat(p.isAlive()).as("ended early: %s", screen).isTrue();
                assertThat(System.nanoTime()).as("progress within 30 s").isLessThan(deadline);
                p.waitFor(50, TimeUnit.MILLISECONDS);
            }
            p.getOutputStream().write(3); // Ctrl-C
            p.getOutputStream().flush();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("ended after Ctrl-C: %s", screen).isTrue();
            reader.join(5000);
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("%s", screen).isEqualTo(130);
        String all = screen.toString();
        assertThat(all).contains("^C"); // the terminal did echo it...
        List<String> shown = displayed(all);
        String last = shown.get(shown.size() - 1);
        // ...and what stays on the screen is the message alone, on a line of its own
        assertThat(last).startsWith("carryon: interrupted: " + GetProcess.part(target) + " holds ")
                .endsWith("; rerun the same command to resume");
        assertThat(shown.get(shown.size() - 2)).as("the line before").contains(" -> ").doesNotContain("^C");
    }

    /** The lines a terminal shows for this output: each carriage return goes back to the start of its line. */
    static List<String> displayed(String output) {
        List<String> lines = new java.util.ArrayList<>();
        for (String raw : output.replace("\r\n", "\n").split("\n")) {
            StringBuilder line = new StringBuilder();
            int col = 0;
            for (char c : raw.toCharArray()) {
                if (c == '\r') {
                    col = 0;
                } else {
                    if (col < line.length()) {
                        line.setCharAt(col, c);
                    } else {
                        line.append(c);
                    }
                    col++;
                }
            }
            if (!line.toString().isBlank()) {
                lines.add(line.toString().stripTrailing());
            }
        }
        return lines;
    }

    /** Whether SIGINT (2) is in this process's ignored set, which children inherit. */
    static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring(7).strip(), 16) & 2L) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: assume the default disposition
        }
        return false;
    }

    // ---- 5. messages

    @Test
    void aMissingFileIsOneSentence(@TempDir Path dir) {
        GetProcess.Result r = get(dir, url("nope"), "-d", dir.resolve("out").toString());
        assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
        assertThat(r.stderr().strip()).isEqualTo("carryon: " + url("nope")
                + ": the server answered 404 Not Found: no such file or directory: /nope");

        GetProcess.Result probe = carryon(dir, "probe", url("nope"));
        assertThat(probe.exitCode()).as("%s", probe).isEqualTo(4);
        assertThat(probe.stderr().strip())
                .isEqualTo("carryon: the server answered 404 Not Found: no such file or directory: /nope");
    }

    @Test
    void aServerWithoutRangesSaysItStartsOverAndNotThatItResumes(@TempDir Path dir) throws Exception {
        Path python3 = Programs.which("python3").orElse(null);
        assumeTrue(python3 != null, "python3 is not installed (Debian: python3): this test is skipped");
        Path root = Files.createDirectories(dir.resolve("root"));
        GetProcess.put(root, "big.bin", data);
        int port = ProbeCommandTest.freePort();
        Process python = new ProcessBuilder(python3.toString(), "-m", "http.server", Integer.toString(port),
                "--bind", "127.0.0.1", "--directory", root.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("python.log").toFile()).start();
        try {
            assertThat(ProbeCommandTest.awaitPort(python, port)).as("python3 -m http.server listening").isTrue();
            String u = "http://127.0.0.1:" + port + "/big.bin";
            Path target = dir.resolve("out/big.bin");
            try (GetProcess p = GetProcess.start(dir.resolve("logs"), u, "-o", target.toString(), "--limit-rate", "2M")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (held(target) < (1 << 20)) {
                    assertThat(p.process.isAlive()).as("ended early: %s", GetProcess.read(p.stderr)).isTrue();
                    assertThat(System.nanoTime()).as("1 MiB recorded within 30 s").isLessThan(deadline);
                    p.process.waitFor(50, TimeUnit.MILLISECONDS);
                }
                p.kill();
            }
            GetProcess.Result r = get(dir, u, "-o", target.toString());
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(GetProcess.sha256(target)).isEqualTo(GetProcess.sha256(data));
            assertThat(r.stderr()).contains("starting over from zero: the server does not support ranges")
                    .doesNotContain("resuming");
        } finally {
            python.destroyForcibly();
            python.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---- 6. --help fits

    @Test
    void theCommandListHasOneCompleteSentencePerCommand(@TempDir Path dir) {
        GetProcess.Result r = carryon(dir, "--help");
        assertThat(r.exitCode()).isZero();
        String[] lines = r.stdout().split("\n");
        int at = Arrays.asList(lines).indexOf("Commands:");
        assertThat(at).as("a command list in\n%s", r.stdout()).isPositive();
        List<String> commands = List.of("serve", "get", "put", "probe", "completion", "help");
        for (String command : commands) {
            String line = lines[at + 1 + commands.indexOf(command)];
            assertThat(line).as("the line of %s", command).startsWith("  " + command + " ").endsWith(".")
                    .hasSizeLessThanOrEqualTo(100);
        }
        assertThat(lines[at + 1 + commands.size()]).as("nothing wraps onto another line").isBlank();
    }

    @Test
    void theStartLineOfAGetCarriesNoWholeEtag(@TempDir Path dir) {
        GetProcess.Result r = get(dir, url("small.bin"), "-d", dir.resolve("out").toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        String start = r.stderr().lines().filter(l -> l.contains(" -> ")).findFirst().orElseThrow();
        assertThat(start).endsWith("validator: strong ETag)").doesNotContain("\"");
    }

    // ---- 8. --version

    @Test
    void versionSaysTheBuildTheJavaRuntimeAndTheTlsProvider(@TempDir Path dir) {
        GetProcess.Result r = carryon(dir, "--version");
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("carryon \\S+");
        // from a git checkout the commit, else "unknown"; the date of the build either way
        assertThat(lines.get(1)).matches("build: ([0-9a-f]{12}|unknown) \\((\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ|unknown)\\)");
        assertThat(lines.get(2)).isEqualTo("Java:  " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vendor") + ", " + System.getProperty("java.vm.name") + ")");
        assertThat(lines.get(3)).isEqualTo("TLS:   OpenSSL (BoringSSL)");
        assertThat(Optional.ofNullable(Versions.class.getResource("build.properties"))).as("build.properties").isPresent();
    }
}
