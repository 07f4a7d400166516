package dev.carryon.cli;

import dev.carryon.core.download.DownloadState;
import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code carryon get} as a process: kill -9 in the middle of a rate-limited download and the rerun, exit codes
 * and their messages, --json events, a rerun on a finished file.
 */
@Timeout(60)
class GetCommandTest {

    static final int SIZE = 10 << 20;
    static final long RATE = 1 << 20;
    static Path served;
    static CarryonServer server;
    static byte[] data;
    static byte[] small;

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-get-");
        data = GetProcess.random(SIZE, 81);
        small = GetProcess.random(1 << 20, 82);
        GetProcess.put(served, "big.bin", data);
        GetProcess.put(served, "small.bin", small);
        server = GetProcess.server(served);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String url(String name) {
        return server.url() + name;
    }

    /** Bytes of {@code part} equal to the served bytes at the same place, in whole 4 KiB blocks. */
    static long matching(Path part) throws IOException {
        byte[] got = Files.readAllBytes(part);
        long n = 0;
        int end = Math.min(got.length, data.length);
        for (int at = 0; at < end; at += 4096) {
            int len = Math.min(4096, end - at);
            if (java.util.Arrays.equals(got, at, at + len, data, at, at + len)) {
                n += len;
            }
        }
        return n;
    }

    /** Null when every byte the control file claims is in the part file and equals the served byte. */
    static String claimsHold(DownloadState s, Path part) throws IOException {
        return claimsHold(s, part, data);
    }

    /** Null when every byte the control file claims is in the part file and equals the byte of {@code data}. */
    static String claimsHold(DownloadState s, Path part, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ)) {
            for (long[] iv : s.held().intervals()) {
                if (iv[1] > ch.size()) {
                    return "claims up to " + iv[1] + " but the part file has " + ch.size() + " bytes";
                }
                ByteBuffer b = ByteBuffer.allocate((int) (iv[1] - iv[0]));
                while (b.hasRemaining() && ch.read(b, iv[0] + b.position()) >= 0) {
                    // reading
                }
                b.flip();
                if (!b.equals(ByteBuffer.wrap(data, (int) iv[0], (int) (iv[1] - iv[0])))) {
                    return "claimed bytes [" + iv[0] + ", " + iv[1] + ") differ from the served file";
                }
            }
        }
        return null;
    }

    @Test
    void killDashNineLosesAboutASecondAndTheRerunFinishes(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out/big.bin");
        String[] args = {url("big.bin"), "-o", target.toString(), "-x", "4", "--limit-rate", "1M", "--json"};
        try (GetProcess p = GetProcess.start(dir.resolve("logs"), args)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // until about 3.5 MiB arrived: a few checkpoints have happened
            while (System.nanoTime() < deadline && (!Files.exists(GetProcess.part(target))
                    || matching(GetProcess.part(target)) < (7L << 19))) {
                assertThat(p.process.isAlive()).as("carryon get ended early: %s", GetProcess.read(p.stderr)).isTrue();
                Thread.sleep(100);
            }
            p.kill();
        }
        assertThat(Files.exists(target)).isFalse();
        DownloadState state = GetProcess.state(target).orElseThrow(() -> new AssertionError("no control file"));
        Path part = GetProcess.part(target);
        assertThat(claimsHold(state, part)).isNull();
        long claimed = state.held().size();
        long written = matching(part);
        assertThat(claimed).isGreaterThan(0);
        // never claims more than was written (whole blocks are compared: allow a block per interval end)
        assertThat(claimed).isLessThanOrEqualTo(written + 8192L * state.held().intervals().size());
        // and loses at most about a second or two of transfer
        assertThat(written - claimed).as("bytes written but not recorded at the kill")
                .isLessThanOrEqualTo(2 * RATE + (256 << 10));

        GetProcess.Result r = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(60),
                url("big.bin"), "-o", target.toString(), "-x", "4", "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(GetProcess.sha256(target)).isEqualTo(GetProcess.sha256(data));
        assertThat(Files.exists(part)).isFalse();
        assertThat(Files.exists(target.resolveSibling("big.bin.carryon"))).isFalse();
        List<Map<String, Object>> events = r.events();
        Map<String, Object> start = events.stream().filter(e -> "start".equals(e.get("event"))).findFirst().orElseThrow();
        assertThat(start).containsEntry("event", "start").containsEntry("resumed", true).containsEntry("held", claimed);
        Map<String, Object> done = events.get(events.size() - 1);
        assertThat(done).containsEntry("event", "done").containsEntry("fetched", SIZE - claimed);
    }

    @Test
    void usageErrorsExitWithTwo(@TempDir Path dir) {
        GetProcess.Result none = GetProcess.run(dir, Duration.ofSeconds(30));
        assertThat(none.exitCode()).as("%s", none).isEqualTo(2);
        assertThat(none.stderr()).contains("no URL given");

        GetProcess.Result sum = GetProcess.run(dir, Duration.ofSeconds(30), url("small.bin"), "--checksum", "sha-256=zz");
        assertThat(sum.exitCode()).as("%s", sum).isEqualTo(2);
        assertThat(sum.stderr()).contains("not hexadecimal");

        GetProcess.Result option = GetProcess.run(dir, Duration.ofSeconds(30), url("small.bin"), "--no-such-option");
        assertThat(option.exitCode()).as("%s", option).isEqualTo(2);
        assertThat(option.stderr()).contains("--help");

        GetProcess.Result scheme = GetProcess.run(dir, Duration.ofSeconds(30), "ftp://example.invalid/x");
        assertThat(scheme.exitCode()).as("%s", scheme).isEqualTo(2);
        assertThat(scheme.stderr()).contains("not a URL carryon can fetch");
    }

    @Test
    void anUnreachableServerExitsWithThreeAfterTheRetries(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        GetProcess.Result r = GetProcess.run(dir, Duration.ofSeconds(30), "http://127.0.0.1:" + port + "/x.bin",
                "-d", dir.resolve("out").toString(), "--retries", "1");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
        assertThat(r.stderr()).contains("gave up after 1 failed attempts").contains("rerun the same command");
    }

    @Test
    void anHttpErrorExitsWithFour(@TempDir Path dir) {
        GetProcess.Result r = GetProcess.run(dir, Duration.ofSeconds(30), url("missing.bin"),
                "-d", dir.resolve("out").toString());
        assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
        assertThat(r.stderr()).contains("404 Not Found");
    }

    @Test
    void aChecksumMismatchExitsWithFiveAndKeepsThePart(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("small.bin");
        GetProcess.Result r = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(30), url("small.bin"),
                "-o", target.toString(), "--checksum", "sha-256=" + "0".repeat(64));
        assertThat(r.exitCode()).as("%s", r).isEqualTo(5);
        assertThat(r.stderr()).contains("--checksum").contains(GetProcess.sha256(small)).contains("--overwrite");
        assertThat(Files.exists(target)).isFalse();
        assertThat(Files.size(GetProcess.part(target))).isEqualTo(small.length);

        GetProcess.Result right = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(30), url("small.bin"),
                "-o", target.toString(), "--checksum", "sha-256=" + GetProcess.sha256(small), "--overwrite");
        assertThat(right.exitCode()).as("%s", right).isZero();
        assertThat(GetProcess.sha256(target)).isEqualTo(GetProcess.sha256(small));
    }

    @Test
    void aLocalFailureExitsWithSix(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        GetProcess.Result r = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(30), url("small.bin"),
                "-d", notADirectory.toString());
        assertThat(r.exitCode()).as("%s", r).isEqualTo(6);
        assertThat(r.stderr()).contains(notADirectory.toString()).containsIgnoringCase("not a directory");
    }

    @Test
    void jsonEventsAreJsonLines(@TempDir Path dir) throws Exception {
        GetProcess.Result r = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(30), url("small.bin"),
                "-d", dir.resolve("out").toString(), "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<Map<String, Object>> events = r.events();
        assertThat(events).allSatisfy(e -> assertThat(e).containsKeys("event", "url")
                .containsEntry("url", url("small.bin")));
        assertThat(events.stream().filter(e -> "start".equals(e.get("event"))).findFirst().orElseThrow()).containsEntry("length", (long) small.length)
                .containsEntry("ranges", true);
        assertThat(events.get(events.size() - 1)).containsEntry("event", "done")
                .containsEntry("length", (long) small.length).containsEntry("alreadyComplete", false);
        assertThat(r.stderr()).isEmpty();

        GetProcess.Result err = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(30), url("missing.bin"),
                "-d", dir.resolve("out").toString(), "--json");
        assertThat(err.exitCode()).isEqualTo(4);
        Map<String, Object> last = err.events().get(err.events().size() - 1);
        assertThat(last).containsEntry("event", "error").containsEntry("kind", "http").containsEntry("exitCode", 4L);
        assertThat((String) last.get("message")).contains("404");
    }

    @Test
    void aRerunOnAFinishedFileFetchesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        GetProcess.Result first = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(30), url("small.bin"),
                "-d", out.toString());
        assertThat(first.exitCode()).as("%s", first).isZero();
        long gets = GetProcess.gets(server);
        for (String[] args : List.of(new String[] {url("small.bin"), "-d", out.toString(), "--json"},
                new String[] {url("small.bin"), "-o", out.resolve("small.bin").toString(), "--json"})) {
            GetProcess.Result again = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(30), args);
            assertThat(again.exitCode()).as("%s", again).isZero();
            Map<String, Object> done = again.events().get(again.events().size() - 1);
            assertThat(done).containsEntry("event", "done").containsEntry("alreadyComplete", true)
                    .containsEntry("fetched", 0L);
        }
        // each rerun asked once whether the file changed (a conditional GET answered 304), and fetched nothing
        assertThat(GetProcess.gets(server)).as("GET requests after the reruns").isEqualTo(gets + 2);
        assertThat(GetProcess.sha256(out.resolve("small.bin"))).isEqualTo(GetProcess.sha256(small));
    }

    @Test
    void getFromCarryonServeAsAProcessWithEightConnections(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("big.bin");
        try (ServeProcess serve = ServeProcess.start(served)) {
            GetProcess.Result r = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(60),
                    serve.url + "big.bin", "-o", target.toString(), "-x", "8", "--json");
            assertThat(r.exitCode()).as("%s", r).isZero();
        }
        assertThat(GetProcess.sha256(target)).isEqualTo(GetProcess.sha256(data));
    }

    /** Null on success, else what the command said. */
    static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : "exit " + p.exitValue() + ": " + out.strip();
    }

    @Test
    void aFullDiskExitsWithSixAndARerunAfterFreeingSpaceFinishes(@TempDir Path dir) throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        String mounted = sh("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", small.toString());
        assumeTrue(mounted == null, () -> "cannot mount a small tmpfs to fill the disk (" + mounted
                + "): this test needs root or CAP_SYS_ADMIN, and is skipped");
        try {
            Path target = small.resolve("big.bin");
            GetProcess.Result full = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(60), url("big.bin"),
                    "-o", target.toString(), "-x", "4", "--limit-rate", "4M");
            assertThat(full.exitCode()).as("%s", full).isEqualTo(6);
            assertThat(full.stderr()).containsIgnoringCase("no space left")
                    .contains("free some space and rerun the same command");
            assertThat(Files.exists(target)).isFalse();
            DownloadState state = GetProcess.state(target).orElseThrow();
            assertThat(claimsHold(state, GetProcess.part(target))).isNull();

            assertThat(sh("mount", "-o", "remount,size=40m", small.toString())).isNull();
            GetProcess.Result again = GetProcess.run(dir.resolve("logs"), Duration.ofSeconds(60), url("big.bin"),
                    "-o", target.toString(), "-x", "4", "--limit-rate", "40M");
            assertThat(again.exitCode()).as("%s", again).isZero();
            assertThat(GetProcess.sha256(target)).isEqualTo(GetProcess.sha256(data));
        } finally {
            if (sh("umount", small.toString()) != null) {
                sh("umount", "-l", small.toString());
            }
        }
    }
}
