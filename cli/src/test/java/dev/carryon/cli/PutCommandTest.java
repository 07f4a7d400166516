package dev.carryon.cli;

import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code carryon put} as a process: to carryon serve (in-process, and as a process), kill -9 in the middle of a
 * rate-limited upload and the rerun, a file changed between runs, a rerun of a finished upload, exit codes and
 * their messages, tokens, --json events, -q.
 */
@Timeout(90)
class PutCommandTest {

    static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    Path root;
    Path local;
    CarryonServer server;

    @BeforeEach
    void serve() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        local = Files.createDirectories(dir.resolve("local"));
        server = GetProcess.server(root);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String endpoint() {
        return server.url() + "uploads/";
    }

    Path file(String name, int size, long seed) throws IOException {
        Path f = local.resolve(name);
        Files.write(f, GetProcess.random(size, seed));
        return f;
    }

    /** {@code carryon put ARGS} with its own state directory (and XDG_STATE_HOME) under the test's directory. */
    GetProcess start(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("put"));
        all.addAll(List.of(args));
        all.addAll(List.of("--state", dir.resolve("put-state").toString()));
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("XDG_STATE_HOME", dir.resolve("xdg").toString());
        e.putIfAbsent("CARRYON_TOKEN", "");
        return GetProcess.command(dir.resolve("logs"), e, all);
    }

    GetProcess.Result put(Map<String, String> env, String... args) {
        try (GetProcess p = start(env, args)) {
            return p.await(Duration.ofSeconds(60));
        }
    }

    GetProcess.Result put(String... args) {
        return put(Map.of(), args);
    }

    static Map<String, Object> first(List<Map<String, Object>> events, String event) {
        return events.stream().filter(e -> event.equals(e.get("event"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + event + " event in " + events));
    }

    static Map<String, Object> last(List<Map<String, Object>> events) {
        return events.get(events.size() - 1);
    }

    /** Files in the served root (not the hidden state). */
    List<Path> served() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    static double metric(CarryonServer server, String series) {
        for (String line : server.metrics().scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Starts a rate-limited put with --json and kills it (-9) once {@code atLeast} bytes left it. */
    long killAfter(Path f, long atLeast) throws Exception {
        // 1 MiB chunks: each is verified and kept as it completes; a cut one is discarded whole (checksums are on)
        return killAfter(f, atLeast, "--limit-rate", "1M", "--chunk-size", "1M");
    }

    /** Starts put with {@code options}, kills it -9 once it has sent {@code atLeast} bytes; what it had sent. */
    long killAfter(Path f, long atLeast, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(f.toString(), endpoint(), "--json"));
        args.addAll(List.of(options));
        try (GetProcess p = start(Map.of(), args.toArray(String[]::new))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long sent = 0;
            while (sent < atLeast) {
                assertThat(System.nanoTime()).as("put sent %d bytes in 30 s", sent).isLessThan(deadline);
                assertThat(p.process.isAlive()).as("carryon put ended early: %s", GetProcess.read(p.stderr)).isTrue();
                Thread.sleep(100);
                for (String line : GetProcess.read(p.stdout).split("\n")) {
                    if (line.startsWith("{") && line.endsWith("}")) {
                        Map<String, Object> e = GetProcess.parseObject(line);
                        if ("progress".equals(e.get("event"))) {
                            sent = Math.max(sent, (Long) e.get("sent"));
                        }
                    }
                }
            }
            p.kill();
            return sent;
        }
    }

    @Test
    void putToCarryonServeAsAProcessGivesIdenticalBytes() throws Exception {
        Path f = file("served.bin", 5 * MIB + 17, 1);
        Path other = Files.createDirectories(dir.resolve("other-root"));
        try (ServeProcess serve = ServeProcess.start(other, "--state", dir.resolve("serve-state").toString())) {
            GetProcess.Result r = put(f.toString(), serve.url + "uploads/");
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).contains("carryon: uploaded " + f).contains("sent 5.00 MiB");
        }
        assertThat(GetProcess.sha256(other.resolve("served.bin"))).isEqualTo(GetProcess.sha256(f));
    }

    /** The server may give the file another name (a clash): put says which, and where to download it. */
    @Test
    void putSaysTheNameAndTheUrlTheServerGaveTheFile() throws Exception {
        Files.writeString(root.resolve("report.txt"), "already there");
        Path f = file("report.txt", 4096, 9);
        GetProcess.Result r = put(f.toString(), endpoint());
        assertThat(r.exitCode()).as("%s", r).isZero();
        String url = server.url() + "report%20(1).txt";
        assertThat(r.stderr()).contains("carryon: served as report (1).txt at " + url);
        java.net.http.HttpResponse<byte[]> got = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(Files.readAllBytes(f));

        GetProcess.Result again = put(f.toString(), endpoint(), "--json");
        assertThat(again.exitCode()).as("%s", again).isZero();
        assertThat(last(again.events())).containsEntry("alreadyComplete", true).containsEntry("served", url);
    }

    @Test
    void killDashNineHalfWayThenTheRerunResumesAtTheServersOffset() throws Exception {
        Path f = file("big.bin", 8 * MIB, 2);
        long sent = killAfter(f, 4L * MIB);
        assertThat(served()).as("nothing complete yet").isEmpty();
        double received = metric(server, "carryon_upload_bytes_total");
        assertThat(received).as("bytes the server received before the kill").isGreaterThan(2.0 * MIB);

        GetProcess.Result r = put(f.toString(), endpoint(), "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<Map<String, Object>> events = r.events();
        Map<String, Object> start = first(events, "start");
        long offset = (Long) start.get("offset");
        assertThat(start).containsEntry("resumed", true).containsEntry("length", (long) 8 * MIB);
        assertThat(offset).as("where the rerun starts (%d sent before the kill)", sent)
                .isGreaterThan(2L * MIB).isLessThanOrEqualTo(sent);
        assertThat(events).anySatisfy(e -> assertThat(e).containsEntry("event", "notice")
                .hasEntrySatisfying("message", m -> assertThat((String) m).startsWith("resuming ")));
        Map<String, Object> done = last(events);
        assertThat(done).containsEntry("event", "done").containsEntry("sent", 8L * MIB - offset)
                .containsEntry("alreadyComplete", false);
        assertThat(done.get("upload")).isEqualTo(start.get("upload"));
        assertThat(served()).containsExactly(root.resolve("big.bin"));
        assertThat(GetProcess.sha256(root.resolve("big.bin"))).isEqualTo(GetProcess.sha256(f));
        // nothing was received twice but the part of the one chunk the kill cut, which could not be verified
        assertThat(metric(server, "carryon_upload_bytes_total")).isGreaterThanOrEqualTo(8.0 * MIB).isLessThan(9.0 * MIB);
    }

    /**
     * Parallel parts resume like a single upload: each part's first checksummed chunk is two seconds of its share
     * of the rate, so a kill a few seconds in leaves every part something acknowledged. With 16 MiB first chunks
     * the parts of put -x 4 had nothing acknowledged after seconds, and the rerun started from zero.
     */
    @Test
    void partsKilledDashNineResumeFromWhatEachHadAcknowledged() throws Exception {
        Path f = file("parts.bin", 32 * MIB, 11); // four parts of 8 MiB, the smallest worth a part
        killAfter(f, 10L * MIB, "-x", "4", "--limit-rate", "4M");
        GetProcess.Result r = put(f.toString(), endpoint(), "-x", "4", "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        Map<String, Object> start = first(r.events(), "start");
        assertThat(start).containsEntry("resumed", true).containsEntry("parts", 4L);
        assertThat((Long) start.get("offset")).as("acknowledged before the kill").isGreaterThanOrEqualTo(2L * MIB);
        assertThat(GetProcess.sha256(root.resolve("parts.bin"))).isEqualTo(GetProcess.sha256(f));
    }

    @Test
    void aFileChangedBetweenRunsStartsANewUploadAndSaysSo() throws Exception {
        Path f = file("changing.bin", 6 * MIB, 3);
        killAfter(f, 2L * MIB);
        Files.write(f, GetProcess.random(6 * MIB, 4));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));

        GetProcess.Result r = put(f.toString(), endpoint());
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stderr()).contains("changing.bin changed since the last run: starting a new upload");
        assertThat(r.stderr()).doesNotContain("resuming");
        assertThat(GetProcess.sha256(root.resolve("changing.bin"))).isEqualTo(GetProcess.sha256(f));
    }

    @Test
    void aRerunOfAFinishedUploadSendsNothing() throws Exception {
        Path f = file("once.bin", 3 * MIB, 5);
        GetProcess.Result first = put(f.toString(), endpoint(), "--json");
        assertThat(first.exitCode()).as("%s", first).isZero();
        double received = metric(server, "carryon_upload_bytes_total");
        assertThat(received).isEqualTo(3.0 * MIB);

        GetProcess.Result again = put(f.toString(), endpoint(), "--json");
        assertThat(again.exitCode()).as("%s", again).isZero();
        assertThat(last(again.events())).containsEntry("event", "done").containsEntry("sent", 0L)
                .containsEntry("alreadyComplete", true).containsEntry("upload", last(first.events()).get("upload"));
        assertThat(again.events()).noneSatisfy(e -> assertThat(e.get("event")).isEqualTo("start"));
        assertThat(metric(server, "carryon_upload_bytes_total")).isEqualTo(received);
        assertThat(served()).containsExactly(root.resolve("once.bin"));

        GetProcess.Result human = put(f.toString(), endpoint());
        assertThat(human.exitCode()).as("%s", human).isZero();
        assertThat(human.stderr()).contains("already uploaded to " + last(first.events()).get("upload"));
    }

    @Test
    void aMissingFileIsAUsageErrorAndTheOthersStillGo() throws Exception {
        Path f = file("present.bin", 1000, 6);
        GetProcess.Result r = put(local.resolve("absent.bin").toString(), f.toString(), endpoint());
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.stderr()).contains("absent.bin does not exist");
        assertThat(GetProcess.sha256(root.resolve("present.bin"))).isEqualTo(GetProcess.sha256(f));

        GetProcess.Result none = put(endpoint());
        assertThat(none.exitCode()).as("%s", none).isEqualTo(2);
    }

    @Test
    void anUnreachableServerExitsWithThree() throws Exception {
        Path f = file("x.bin", 1000, 7);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        GetProcess.Result r = put(f.toString(), "http://127.0.0.1:" + port + "/uploads/", "--retries", "1");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
        assertThat(r.stderr()).contains("gave up after 1 failed attempts").contains("rerun the same command");
    }

    @Test
    void aServerWithAnUploadTokenRefusesOthersWithFourAndTakesItsToken() throws Exception {
        Path f = file("secret.bin", 300_000, 8);
        Path other = Files.createDirectories(dir.resolve("token-root"));
        try (ServeProcess serve = ServeProcess.start(other, "--upload-token", "s3cret",
                "--state", dir.resolve("serve-state").toString())) {
            String url = serve.url + "uploads/";
            GetProcess.Result none = put(f.toString(), url);
            assertThat(none.exitCode()).as("%s", none).isEqualTo(4);
            assertThat(none.stderr()).contains("the server answered 401");

            GetProcess.Result wrong = put(f.toString(), url, "--token", "guess");
            assertThat(wrong.exitCode()).as("%s", wrong).isEqualTo(4);
            assertThat(wrong.stderr()).containsPattern("the server answered 40[13]");
            assertThat(other.resolve("secret.bin")).doesNotExist();

            GetProcess.Result option = put(f.toString(), url, "--token", "s3cret");
            assertThat(option.exitCode()).as("%s", option).isZero();
            assertThat(GetProcess.sha256(other.resolve("secret.bin"))).isEqualTo(GetProcess.sha256(f));

            Path g = file("env.bin", 1000, 9);
            GetProcess.Result env = put(Map.of("CARRYON_TOKEN", "s3cret"), g.toString(), url);
            assertThat(env.exitCode()).as("%s", env).isZero();
            assertThat(GetProcess.sha256(other.resolve("env.bin"))).isEqualTo(GetProcess.sha256(g));
        }
    }

    @Test
    void jsonEventsAreJsonLines() throws Exception {
        Path f = file("events.bin", 2 * MIB, 10);
        GetProcess.Result r = put(f.toString(), endpoint(), "--json", "--limit-rate", "2M", "--chunk-size", "512K",
                "--metadata", "owner=ops");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stderr()).isEmpty();
        List<Map<String, Object>> events = r.events();
        assertThat(events).allSatisfy(e -> assertThat(e).containsEntry("file", f.toString()));
        assertThat(events.get(0)).containsEntry("event", "start").containsEntry("length", 2L * MIB)
                .containsEntry("offset", 512L << 10).containsEntry("resumed", false).containsEntry("parts", 1L)
                .containsEntry("endpoint", endpoint());
        assertThat(events).filteredOn(e -> "progress".equals(e.get("event"))).isNotEmpty()
                .allSatisfy(e -> assertThat(e).containsKeys("acknowledged", "sent", "length", "bytesPerSecond"));
        assertThat(last(events)).containsEntry("event", "done").containsEntry("length", 2L * MIB)
                .containsEntry("sent", 2L * MIB);
        assertThat(GetProcess.sha256(root.resolve("events.bin"))).isEqualTo(GetProcess.sha256(f));

        GetProcess.Result err = put(local.resolve("absent.bin").toString(), endpoint(), "--json");
        assertThat(err.exitCode()).isEqualTo(2);
        assertThat(err.events()).singleElement().satisfies(e -> assertThat(e).containsEntry("event", "error")
                .containsEntry("kind", "usage").containsEntry("exitCode", 2L));
    }

    @Test
    void quietPrintsNothingOnStandardOutput() throws Exception {
        Path f = file("quiet.bin", 2 * MIB, 11);
        GetProcess.Result r = put(f.toString(), endpoint(), "-q", "--limit-rate", "4M");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).doesNotContain("%");
        assertThat(GetProcess.sha256(root.resolve("quiet.bin"))).isEqualTo(GetProcess.sha256(f));
    }

    @Test
    @SuppressWarnings("unchecked")
    void parallelPartsToCarryonServe() throws Exception {
        Path f = file("parts.bin", 20 * MIB, 12);
        GetProcess.Result r = put(f.toString(), endpoint(), "-x", "2", "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(first(r.events(), "start")).containsEntry("parts", 2L);
        assertThat(GetProcess.sha256(root.resolve("parts.bin"))).isEqualTo(GetProcess.sha256(f));

        // The server's journal lists one upload, under the file's name, with its two parts under it.
        HttpClient http = HttpClient.newHttpClient();
        List<Object> uploads = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> t = http.send(HttpRequest.newBuilder(URI.create(server.url() + "-/api/transfers"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(t.statusCode()).isEqualTo(200);
            uploads = (List<Object>) GetProcess.parseObject(t.body()).get("uploads");
            if (uploads.size() == 1 && "done".equals(((Map<String, Object>) uploads.get(0)).get("state"))) {
                break;
            }
            Thread.sleep(100); // the journal looks at the upload records once a second
        }
        assertThat(uploads).as("the journal's uploads").hasSize(1);
        Map<String, Object> u = (Map<String, Object>) uploads.get(0);
        assertThat(u).containsEntry("name", "parts.bin").containsEntry("state", "done")
                .containsEntry("offset", (long) 20 * MIB).containsEntry("length", (long) 20 * MIB);
        List<Map<String, Object>> parts = (List<Map<String, Object>>) u.get("parts");
        assertThat(parts).hasSize(2).allSatisfy(p -> assertThat(p).containsEntry("state", "done"));
        assertThat(parts.stream().mapToLong(p -> (Long) p.get("length")).sum()).isEqualTo(20L * MIB);
    }
}
