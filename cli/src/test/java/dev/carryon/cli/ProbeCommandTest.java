package dev.carryon.cli;

import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code carryon probe} as a process: against carryon serve (everything), a server without ranges
 * ({@code python3 -m http.server}: exit 7, and why), nginx (resumable, its own way), a 404 (exit 4) and a
 * closed port (exit 3); the text report and --json.
 */
@Timeout(60)
class ProbeCommandTest {

    static Path served;
    static CarryonServer server;
    static byte[] data;

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-probe-");
        data = GetProcess.random(100_000, 91);
        GetProcess.put(served, "file.bin", data);
        server = CarryonServer.start(ServerConfig.builder(served).port(0).accessLog("off").digests(true)
                .shutdownTimeout(Duration.ofSeconds(1))
                .stateDir(Files.createTempDirectory("carryon-state-")).build());
        // the first request queues the file for hashing; Repr-Digest is sent once it is known
        assertThat(probe(server.url() + "file.bin").exitCode()).isZero();
        assertThat(server.awaitDigests(10_000)).isTrue();
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        try (java.util.stream.Stream<Path> all = Files.walk(served)) {
            for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    static GetProcess.Result probe(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("probe"));
        all.addAll(List.of(args));
        try (GetProcess p = GetProcess.command(Path.of("target", "probe-logs"), Map.of(), all)) {
            return p.await(Duration.ofSeconds(45));
        }
    }

    /** "Name    value" rows of the text report, by name. */
    static String row(String report, String name) {
        for (String line : report.split("\n")) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length()).strip();
            }
        }
        throw new AssertionError("no row " + name + " in\n" + report);
    }

    @Test
    void carryonServeIsResumableInEveryWay() {
        GetProcess.Result r = probe(server.url() + "file.bin");
        assertThat(r.exitCode()).as("%s", r).isZero();
        String out = r.stdout();
        assertThat(row(out, "Protocol")).isEqualTo("HTTP/1.1");
        assertThat(row(out, "Length")).startsWith("100000 ");
        assertThat(row(out, "Accept-Ranges")).isEqualTo("bytes");
        assertThat(row(out, "Range 0-0")).isEqualTo("206, Content-Range: bytes 0-0/100000  (ranges work)");
        assertThat(row(out, "ETag")).startsWith("\"").endsWith("(strong)");
        assertThat(row(out, "Last-Modified")).endsWith("(strong)");
        assertThat(row(out, "If-Range")).isEqualTo("current validator: 206 (right), another: 200 (right)");
        assertThat(row(out, "Multi-range")).startsWith("206, multipart/byteranges; boundary=");
        // probe asks sha-256 first (Want-Repr-Digest: sha-256=5, sha-512=3): the preferred one is sent
        assertThat(row(out, "Repr-Digest")).matches("sha-256=:[A-Za-z0-9+/]{43}=:");
        assertThat(row(out, "Verdict")).isEqualTo("resumable");
        assertThat(out).contains("ranges work, the ETag is strong, and If-Range is honoured both ways");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void jsonHasEveryField() {
        GetProcess.Result r = probe(server.url() + "file.bin", "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout().strip().split("\n")).hasSize(1);
        Map<String, Object> j = GetProcess.parseObject(r.stdout().strip());
        assertThat(j).containsEntry("url", server.url() + "file.bin").containsEntry("finalUrl", server.url() + "file.bin")
                .containsEntry("protocol", "HTTP/1.1").containsEntry("length", 100_000L)
                .containsEntry("acceptRanges", "bytes").containsEntry("rangeStatus", 206L)
                .containsEntry("contentRange", "bytes 0-0/100000").containsEntry("rangesWork", true)
                .containsEntry("etagStrong", true).containsEntry("lastModifiedStrong", true)
                .containsEntry("ifRangeMatchStatus", 206L).containsEntry("ifRangeMismatchStatus", 200L)
                .containsEntry("multipartStatus", 206L).containsEntry("digest", null)
                .containsEntry("verdict", "resumable").containsEntry("resumable", true);
        assertThat((String) j.get("etag")).startsWith("\"");
        assertThat((String) j.get("multipartType")).startsWith("multipart/byteranges");
        assertThat((String) j.get("reprDigest")).contains("sha-256=:");
        assertThat((String) j.get("lastModified")).endsWith(" GMT");
        assertThat(j.get("reasons")).isEqualTo(List.of("ranges work, the ETag is strong, and If-Range is honoured both ways"));
    }

    @Test
    void aServerWithoutRangesIsNotResumableAndSaysWhy(@TempDir Path dir) throws Exception {
        Path python3 = Programs.which("python3").orElse(null);
        assumeTrue(python3 != null, "python3 is not installed (Debian: python3): this test is skipped");
        Files.write(dir.resolve("file.bin"), data);
        int port = freePort();
        Process python = new ProcessBuilder(python3.toString(), "-m", "http.server", Integer.toString(port),
                "--bind", "127.0.0.1", "--directory", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("python.log").toFile()).start();
        try {
            assertThat(awaitPort(python, port)).as("python3 -m http.server listening").isTrue();
            String url = "http://127.0.0.1:" + port + "/file.bin";
            GetProcess.Result r = probe(url);
            assertThat(r.exitCode()).as("%s", r).isEqualTo(7);
            assertThat(row(r.stdout(), "Range 0-0")).isEqualTo("200  (ranges do not work)");
            // python's http.server answers with an HTTP/1.0 status line, and no Accept-Ranges
            assertThat(row(r.stdout(), "Protocol")).isEqualTo("HTTP/1.0");
            assertThat(row(r.stdout(), "Accept-Ranges")).isEqualTo("(none)");
            assertThat(row(r.stdout(), "Verdict")).isEqualTo("not resumable");
            assertThat(r.stdout()).contains("Range is ignored: the answer to bytes=0-0 is the whole file (200)");

            GetProcess.Result j = probe(url, "--json");
            assertThat(j.exitCode()).as("%s", j).isEqualTo(7);
            Map<String, Object> report = GetProcess.parseObject(j.stdout().strip());
            assertThat(report).containsEntry("rangeStatus", 200L).containsEntry("rangesWork", false)
                    .containsEntry("verdict", "not_resumable").containsEntry("resumable", false)
                    .containsEntry("protocol", "HTTP/1.0")
                    .containsEntry("length", 100_000L).containsEntry("ifRangeMatchStatus", 0L)
                    .containsEntry("multipartStatus", 0L)
                    .containsEntry("reasons", List.of("Range is ignored: the answer to bytes=0-0 is the whole file (200)"));
        } finally {
            python.destroyForcibly();
            python.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void nginxIsResumableItsOwnWay(@TempDir Path dir) throws Exception {
        Path nginx = Programs.which("nginx").or(() -> Optional.of(Path.of("/usr/sbin/nginx")).filter(Files::isExecutable))
                .orElse(null);
        assumeTrue(nginx != null, "nginx is not installed (Debian: nginx-light): this test is skipped");
        Path root = Files.createDirectories(dir.resolve("root"));
        GetProcess.put(root, "file.bin", data);
        int port = freePort();
        Path conf = Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                isRoot() ? "user root;" : "",
                "daemon off;", "master_process off;", "worker_processes 1;",
                "error_log " + dir.resolve("error.log") + " warn;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "events { worker_connections 64; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + dir.resolve("body") + ";",
                temps(nginx, dir),
                "  default_type application/octet-stream;",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    location / { root " + root + "; }",
                "  }",
                "}", ""));
        Process p = new ProcessBuilder(nginx.toString(), "-p", dir + "/", "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        try {
            assertThat(awaitPort(p, port)).as("nginx listening: %s", GetProcess.read(dir.resolve("error.log")))
                    .isTrue();
            String url = "http://127.0.0.1:" + port + "/file.bin";
            GetProcess.Result r = probe(url);
            assertThat(r.exitCode()).as("%s", r).isZero();
            String out = r.stdout();
            assertThat(row(out, "Range 0-0")).isEqualTo("206, Content-Range: bytes 0-0/100000  (ranges work)");
            // nginx sends Accept-Ranges on its 200s (and HEAD), not on a 206
            assertThat(row(out, "Accept-Ranges")).isEqualTo("bytes");
            assertThat(row(out, "Protocol")).isEqualTo("HTTP/1.1");
            // nginx's ETag is "mtime-size" in hex: strong, although it is made of metadata like carryon's
            assertThat(row(out, "ETag")).matches("\"[0-9a-f]+-186a0\"  \\(strong\\)");
            assertThat(row(out, "If-Range")).isEqualTo("current validator: 206 (right), another: 200 (right)");
            assertThat(row(out, "Multi-range")).startsWith("206, multipart/byteranges; boundary=");
            // no digests at all
            assertThat(row(out, "Repr-Digest")).isEqualTo("(none)");
            assertThat(row(out, "Verdict")).isEqualTo("resumable");
        } finally {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aMissingFileExitsWithFour() {
        GetProcess.Result r = probe(server.url() + "missing.bin");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
        assertThat(r.stderr()).contains("404");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void anUnreachableServerExitsWithThree() throws Exception {
        GetProcess.Result r = probe("http://127.0.0.1:" + freePort() + "/file.bin", "--timeout", "5s");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
        assertThat(r.stderr()).contains("cannot probe");
    }

    @Test
    void notAnHttpUrlIsAUsageError() {
        GetProcess.Result r = probe("ftp://127.0.0.1/file.bin");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.stderr()).contains("is not a URL carryon can fetch: not an http or https URL");
    }

    // ---- helpers ----

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits up to 10 s until something answers HTTP on the port while {@code p} runs. */
    static boolean awaitPort(Process p, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(2000);
                s.getOutputStream().write("HEAD / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String head = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                if (head.startsWith("HTTP/1.")) {
                    return true;
                }
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    /** The *_temp_path lines for the modules this nginx was built with (each defaults to a system path). */
    static String temps(Path nginx, Path dir) throws IOException, InterruptedException {
        Process v = new ProcessBuilder(nginx.toString(), "-V").redirectErrorStream(true).start();
        String build = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        v.waitFor(10, TimeUnit.SECONDS);
        StringBuilder b = new StringBuilder();
        for (String module : List.of("proxy", "fastcgi", "uwsgi", "scgi")) {
            if (!build.contains("--without-http_" + module + "_module")) {
                b.append("  ").append(module).append("_temp_path ").append(dir.resolve(module)).append(";\n");
            }
        }
        return b.toString();
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name").toLowerCase(Locale.ROOT));
        }
    }
}
