package dev.carryon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code carryon put} against the reference tus server, @tus/server with @tus/file-store (pinned in
 * src/test/node/tus-server/package-lock.json, installed with {@code npm ci} into target/ when missing). It offers
 * neither checksums nor concatenation: put must do without (-x 4 becomes one upload, saying so), and resume
 * after a kill -9 of put must work there too. Skipped, saying why, without node and npm or when the install fails.
 */
@Timeout(120)
class TusNodeServerTest {

    static final int MIB = 1 << 20;
    static Path app;

    @TempDir
    Path dir;
    Path data;
    Process node;
    URI endpoint;

    @BeforeAll
    static void install() throws Exception {
        app = NodeApps.install("tus-server", List.of("package.json", "package-lock.json", "server.js"),
                "@tus/server", "@tus/file-store");
    }

    @BeforeEach
    void startServer() throws Exception {
        data = Files.createDirectories(dir.resolve("tus-data"));
        Path log = dir.resolve("node-stderr.txt");
        node = new ProcessBuilder(Programs.which("node").orElseThrow().toString(), "server.js", data.toString())
                .directory(app.toFile()).redirectError(log.toFile()).start();
        node.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line = first.get(30, TimeUnit.SECONDS);
        assertThat(line).as("@tus/server's first line (stderr: %s)", GetProcess.read(log)).startsWith("listening ");
        endpoint = URI.create(line.substring("listening ".length()).strip());
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (node != null) {
            node.destroyForcibly();
            node.waitFor(10, TimeUnit.SECONDS);
        }
    }

    Path file(String name, int size, long seed) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, GetProcess.random(size, seed));
        return f;
    }

    GetProcess start(String... args) {
        List<String> all = new ArrayList<>(List.of("put"));
        all.addAll(List.of(args));
        all.addAll(List.of("--state", dir.resolve("put-state").toString()));
        return GetProcess.command(dir.resolve("logs"), Map.of("XDG_STATE_HOME", dir.resolve("xdg").toString()), all);
    }

    GetProcess.Result put(String... args) {
        try (GetProcess p = start(args)) {
            return p.await(Duration.ofSeconds(60));
        }
    }

    /** The bytes @tus/file-store holds for an upload: the data file named by the last segment of its URL. */
    Path stored(Object upload) {
        String u = upload.toString();
        return data.resolve(u.substring(u.lastIndexOf('/') + 1));
    }

    static Map<String, Object> event(List<Map<String, Object>> events, String name) {
        return events.stream().filter(e -> name.equals(e.get("event"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " event in " + events));
    }

    @Test
    void putUploadsIdenticalBytes() throws Exception {
        Path f = file("plain.bin", 5 * MIB + 3, 1);
        GetProcess.Result r = put(f.toString(), endpoint.toString(), "--json", "--chunk-size", "2M");
        assertThat(r.exitCode()).as("%s", r).isZero();
        Map<String, Object> done = r.events().get(r.events().size() - 1);
        assertThat(done).containsEntry("event", "done").containsEntry("sent", 5L * MIB + 3);
        assertThat(done.get("upload").toString()).startsWith(endpoint.toString());
        assertThat(GetProcess.sha256(stored(done.get("upload")))).isEqualTo(GetProcess.sha256(f));
        assertThat(Files.readString(data.resolve(stored(done.get("upload")).getFileName() + ".json")))
                .contains("plain.bin");
    }

    @Test
    void parallelPartsBecomeOneUploadWithoutConcatenationAndItSaysSo() throws Exception {
        Path f = file("parts.bin", 20 * MIB, 2);
        GetProcess.Result r = put(f.toString(), endpoint.toString(), "-x", "4", "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<Map<String, Object>> events = r.events();
        assertThat(event(events, "notice").get("message").toString())
                .isEqualTo("the server does not offer concatenation: one upload instead of 4 parallel parts");
        assertThat(event(events, "start")).containsEntry("parts", 1L);
        Map<String, Object> done = events.get(events.size() - 1);
        assertThat(GetProcess.sha256(stored(done.get("upload")))).isEqualTo(GetProcess.sha256(f));

        GetProcess.Result human = put(file("parts2.bin", 20 * MIB, 3).toString(), endpoint.toString(), "-x", "4");
        assertThat(human.exitCode()).as("%s", human).isZero();
        assertThat(human.stderr()).contains("parts2.bin: the server does not offer concatenation");
    }

    @Test
    void killDashNineOfPutThenTheRerunResumes() throws Exception {
        Path f = file("big.bin", 8 * MIB, 4);
        URI upload = null;
        try (GetProcess p = start(f.toString(), endpoint.toString(), "--limit-rate", "1M", "--json")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long sent = 0;
            while (sent < 4L * MIB) {
                assertThat(System.nanoTime()).as("put sent %d bytes in 30 s", sent).isLessThan(deadline);
                assertThat(p.process.isAlive()).as("carryon put ended early: %s", GetProcess.read(p.stderr)).isTrue();
                Thread.sleep(100);
                for (String line : GetProcess.read(p.stdout).split("\n")) {
                    if (line.startsWith("{") && line.endsWith("}")) {
                        Map<String, Object> e = GetProcess.parseObject(line);
                        if ("progress".equals(e.get("event"))) {
                            sent = Math.max(sent, (Long) e.get("sent"));
                        }
                        if ("start".equals(e.get("event"))) {
                            upload = URI.create(e.get("upload").toString());
                        }
                    }
                }
            }
            p.kill();
        }
        assertThat(upload).isNotNull();
        long held = Files.size(stored(upload));
        assertThat(held).as("bytes @tus/server holds after the kill").isGreaterThan(2L * MIB).isLessThan(8L * MIB);

        GetProcess.Result r = put(f.toString(), endpoint.toString(), "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        Map<String, Object> start = event(r.events(), "start");
        assertThat(start).containsEntry("resumed", true).containsEntry("upload", upload.toString());
        long offset = (Long) start.get("offset");
        assertThat(offset).isGreaterThan(2L * MIB);
        Map<String, Object> done = r.events().get(r.events().size() - 1);
        assertThat(done).containsEntry("event", "done").containsEntry("sent", 8L * MIB - offset);
        assertThat(GetProcess.sha256(stored(upload))).isEqualTo(GetProcess.sha256(f));
    }
}
