package dev.carryon.server.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import dev.carryon.server.upload.UploadSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The transfer journal through a real server: real sockets, real files, the JSON API, the state database. */
@Timeout(120)
class TransferJournalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestServer start(UnaryOperator<ServerConfig.Builder> adjust) {
        server = TestServer.start(adjust);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aQueryWithABrokenPercentEscapeIs400() {
        // Found by RequestFuzzTest: the query decoder threw, and the API answered 500 and logged an error.
        start(b -> b);
        for (String query : List.of("?state=%ZZ", "?limit=%", "?%zz=1", "?state=a%2")) {
            RawHttp.Response r = RawHttp.once(server.port(), "GET", "/-/api/transfers" + query);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.bodyText()).as(query).contains("percent-encoded");
        }
        assertThat(RawHttp.once(server.port(), "GET", "/-/api/transfers?state=%61ll").status()).isEqualTo(200);
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode transfers(String query, String... headers) throws Exception {
        HttpResponse<byte[]> r = get("/-/api/transfers" + query, headers);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(r.body());
    }

    private JsonNode transfers() {
        try {
            return transfers("");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<JsonNode> downloads(JsonNode t, String path) {
        List<JsonNode> out = new ArrayList<>();
        t.get("downloads").forEach(d -> {
            if (d.get("path").asText().equals(path)) {
                out.add(d);
            }
        });
        return out;
    }

    private JsonNode awaitDownloads(String path, Predicate<List<JsonNode>> done) {
        JsonNode t = Poll.until(WAIT, this::transfers, v -> done.test(downloads(v, path)));
        assertThat(done.test(downloads(t, path))).as("journal: %s", t).isTrue();
        return t;
    }

    /** 8 connections at once, each fetching its eighth of the file. */
    private String segmentedDownload(String path, byte[] content, String userAgent) throws Exception {
        int parts = 8;
        long size = content.length;
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            long first = size * i / parts;
            long last = size * (i + 1) / parts - 1;
            all.add(http.sendAsync(HttpRequest.newBuilder(server.uri(path)).header("Range", "bytes=" + first + "-" + last)
                    .header("User-Agent", userAgent).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        byte[] assembled = new byte[content.length];
        Set<String> etags = new TreeSet<>();
        for (int i = 0; i < parts; i++) {
            HttpResponse<byte[]> r = all.get(i).join();
            assertThat(r.statusCode()).isEqualTo(206);
            etags.add(r.headers().firstValue("ETag").orElseThrow());
            System.arraycopy(r.body(), 0, assembled, (int) (size * i / parts), r.body().length);
        }
        assertThat(assembled).isEqualTo(content);
        assertThat(etags).hasSize(1);
        return etags.iterator().next();
    }

    @Test
    void aSegmentedDownloadIsOneSessionCoveringTheWholeFileAndAnotherUserAgentIsAnother() throws Exception {
        start(b -> b);
        byte[] content = TestFiles.random(4 << 20, 1);
        TestFiles.aged(server.file("dir/big.bin", content));
        long before = System.currentTimeMillis();
        String etag = segmentedDownload("/dir/big.bin", content, "seg/1");

        JsonNode t = awaitDownloads("/dir/big.bin", l -> l.size() == 1 && l.get(0).get("requests").asInt() == 8);
        JsonNode d = downloads(t, "/dir/big.bin").get(0);
        assertThat(d.get("etag").asText()).isEqualTo(etag);
        assertThat(d.get("size").asLong()).isEqualTo(content.length);
        assertThat(d.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(d.get("userAgent").asText()).isEqualTo("seg/1");
        assertThat(d.get("bytesSent").asLong()).isEqualTo(content.length);
        assertThat(d.get("covered").asLong()).isEqualTo(content.length);
        assertThat(d.get("coverage").toString()).isEqualTo("[[0," + content.length + "]]");
        assertThat(d.get("state").asText()).isEqualTo("done");
        assertThat(d.get("firstActivity").asLong()).isBetween(before - 1000, d.get("lastActivity").asLong());
        assertThat(d.get("lastActivity").asLong()).isLessThanOrEqualTo(t.get("now").asLong());
        assertThat(d.get("bytesPerSecond").asDouble()).isPositive();

        // The same file for another User-Agent: a second session; the first is unchanged.
        HttpResponse<byte[]> other = get("/dir/big.bin", "Range", "bytes=100-199", "User-Agent", "other/2");
        assertThat(other.statusCode()).isEqualTo(206);
        t = awaitDownloads("/dir/big.bin", l -> l.size() == 2);
        List<JsonNode> both = downloads(t, "/dir/big.bin");
        JsonNode second = both.get(0); // the most recent first
        assertThat(second.get("userAgent").asText()).isEqualTo("other/2");
        assertThat(second.get("id").asText()).isNotEqualTo(d.get("id").asText());
        assertThat(second.get("coverage").toString()).isEqualTo("[[100,200]]");
        assertThat(second.get("state").asText()).isEqualTo("active");
        assertThat(both.get(1).get("id").asText()).isEqualTo(d.get("id").asText());
        assertThat(both.get(1).get("covered").asLong()).isEqualTo(content.length);

        // Filters: active shows the partial one only; done the complete one only.
        assertThat(downloads(transfers("?state=active"), "/dir/big.bin")).extracting(n -> n.get("userAgent").asText())
                .containsExactly("other/2");
        assertThat(downloads(transfers("?state=done"), "/dir/big.bin")).extracting(n -> n.get("userAgent").asText())
                .containsExactly("seg/1");
        assertThat(transfers("?limit=1").get("downloads")).hasSize(1);
        assertThat(get("/-/api/transfers?state=sleeping").statusCode()).isEqualTo(400);
        assertThat(get("/-/api/transfers?limit=x").statusCode()).isEqualTo(400);

        // HEAD and 304 send no body: no session of their own.
        assertThat(http.send(HttpRequest.newBuilder(server.uri("/dir/big.bin")).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).header("User-Agent", "head/1").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        assertThat(get("/dir/big.bin", "If-None-Match", etag, "User-Agent", "cond/1").statusCode()).isEqualTo(304);
        get("/dir/big.bin", "Range", "bytes=0-0", "User-Agent", "marker/1");
        t = awaitDownloads("/dir/big.bin", l -> l.size() == 3);
        assertThat(downloads(t, "/dir/big.bin")).extracting(n -> n.get("userAgent").asText())
                .containsExactly("marker/1", "other/2", "seg/1");

        // Metrics show the journal.
        String metrics = new String(get("/-/metrics").body(), StandardCharsets.UTF_8);
        assertThat(metrics).contains("carryon_journal_downloads_active", "carryon_journal_uploads_active",
                "carryon_journal_events_dropped_total 0.0", "carryon_journal_write_duration_seconds_count");
    }

    @Test
    void theJsonHasExactlyTheAgreedShapeForDownloadsAndUploads() throws Exception {
        start(b -> b);
        byte[] content = TestFiles.random(1000, 2);
        TestFiles.aged(server.file("a.bin", content));
        assertThat(get("/a.bin", "User-Agent", "shape/1").statusCode()).isEqualTo(200);

        // A tus upload: 10 bytes announced, 4 sent.
        String metadata = "filename " + Base64.getEncoder().encodeToString("report.pdf".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(server.uri("/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", "10").header("Upload-Metadata", metadata).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        URI location = server.uri("/").resolve(created.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> patched = http.send(HttpRequest.newBuilder(location)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray("abcd".getBytes(StandardCharsets.US_ASCII)))
                .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(patched.statusCode()).isEqualTo(204);
        String id = location.getPath().substring(location.getPath().lastIndexOf('/') + 1);

        JsonNode t = Poll.until(WAIT, this::transfers, v -> v.get("downloads").size() == 1
                && v.get("uploads").size() == 1 && v.get("uploads").get(0).get("offset").asLong() == 4);
        assertThat(names(t)).containsExactly("downloads", "now", "uploads");
        assertThat(t.get("now").isIntegralNumber()).isTrue();
        assertThat(Math.abs(t.get("now").asLong() - System.currentTimeMillis())).isLessThan(10_000);

        JsonNode d = t.get("downloads").get(0);
        assertThat(names(d)).containsExactly("bytesPerSecond", "bytesSent", "client", "coverage", "coverageIntervals",
                "covered", "etag",
                "firstActivity", "id", "lastActivity", "path", "requests", "size", "state", "userAgent");
        assertThat(d.get("id").isTextual()).isTrue();
        assertThat(d.get("path").asText()).isEqualTo("/a.bin");
        assertThat(d.get("etag").asText()).startsWith("\"").endsWith("\"");
        assertThat(d.get("size").isIntegralNumber()).isTrue();
        assertThat(d.get("requests").isInt()).isTrue();
        assertThat(d.get("bytesSent").isIntegralNumber()).isTrue();
        assertThat(d.get("covered").asLong()).isEqualTo(1000);
        assertThat(d.get("coverage").isArray()).isTrue();
        assertThat(d.get("coverage").get(0).get(0).isIntegralNumber()).isTrue();
        assertThat(d.get("coverageIntervals").asInt()).isEqualTo(1);
        assertThat(d.get("bytesPerSecond").isDouble()).isTrue();
        assertThat(d.get("state").asText()).isEqualTo("done");

        JsonNode u = t.get("uploads").get(0);
        assertThat(names(u)).containsExactly("bytesPerSecond", "created", "id", "lastActivity", "length", "name",
                "offset", "parts", "state");
        assertThat(u.get("parts").isArray()).isTrue();
        assertThat(u.get("parts")).isEmpty();
        assertThat(u.get("id").asText()).isEqualTo(id);
        assertThat(u.get("name").asText()).isEqualTo("report.pdf");
        assertThat(u.get("offset").asLong()).isEqualTo(4);
        assertThat(u.get("length").asLong()).isEqualTo(10);
        assertThat(u.get("bytesPerSecond").isDouble()).isTrue();
        assertThat(u.get("created").asLong()).isLessThanOrEqualTo(u.get("lastActivity").asLong());
        assertThat(u.get("state").asText()).isEqualTo("active");

        // The rest of it: the upload is done, and a deferred length is null.
        http.send(HttpRequest.newBuilder(location)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray("efghij".getBytes(StandardCharsets.US_ASCII)))
                .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "4")
                .header("Content-Type", "application/offset+octet-stream").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> deferred = http.send(HttpRequest.newBuilder(server.uri("/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                .header("Upload-Defer-Length", "1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deferred.statusCode()).isEqualTo(201);
        t = Poll.until(WAIT, this::transfers, v -> v.get("uploads").size() == 2);
        JsonNode newest = t.get("uploads").get(0);
        assertThat(newest.get("length").isNull()).isTrue();
        assertThat(newest.get("name").isNull()).isTrue();
        JsonNode finished = t.get("uploads").get(1);
        assertThat(finished.get("id").asText()).isEqualTo(id);
        assertThat(finished.get("offset").asLong()).isEqualTo(10);
        assertThat(finished.get("state").asText()).isEqualTo("done");
        assertThat(transfers("?state=done").get("uploads")).extracting(n -> n.get("id").asText()).containsExactly(id);
    }

    /** POST to the tus endpoint with the given headers; the new upload's URL. */
    private URI createUpload(String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> created = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return server.uri("/").resolve(created.headers().firstValue("Location").orElseThrow());
    }

    private void patch(URI upload, long offset, String bytes) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(upload)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes.getBytes(StandardCharsets.US_ASCII)))
                .header("Tus-Resumable", "1.0.0").header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    private static String idOf(URI upload) {
        return upload.getPath().substring(upload.getPath().lastIndexOf('/') + 1);
    }

    @Test
    void theParallelPartsOfAnUploadAreListedUnderTheirFinalUploadAndItsName() throws Exception {
        start(b -> b);
        // As carryon put -x 2 does where concatenation-unfinished is offered: the parts, then at once the final
        // with the file's name, then the parts' bytes.
        URI first = createUpload("Upload-Length", "6", "Upload-Concat", "partial");
        URI second = createUpload("Upload-Length", "4", "Upload-Concat", "partial");
        String metadata = "filename " + Base64.getEncoder().encodeToString("film.mkv".getBytes(StandardCharsets.UTF_8));
        URI whole = createUpload("Upload-Concat", "final;" + first.getPath() + " " + second.getPath(),
                "Upload-Metadata", metadata);
        patch(first, 0, "abc");
        patch(second, 0, "wx");

        JsonNode t = Poll.until(WAIT, this::transfers, v -> v.get("uploads").size() == 1
                && v.get("uploads").get(0).get("offset").asLong() == 5);
        assertThat(t.get("uploads")).as("journal: %s", t).hasSize(1);
        JsonNode u = t.get("uploads").get(0);
        assertThat(u.get("id").asText()).isEqualTo(idOf(whole));
        assertThat(u.get("name").asText()).isEqualTo("film.mkv");
        assertThat(u.get("length").asLong()).isEqualTo(10);
        assertThat(u.get("state").asText()).isEqualTo("active");
        assertThat(u.get("parts")).extracting(p -> p.get("id").asText()).containsExactly(idOf(first), idOf(second));
        assertThat(u.get("parts")).extracting(p -> p.get("offset").asLong()).containsExactly(3L, 2L);
        assertThat(u.get("parts")).extracting(p -> p.get("length").asLong()).containsExactly(6L, 4L);
        assertThat(u.get("parts")).extracting(p -> p.get("state").asText()).containsExactly("active", "active");

        // The last byte of the last part assembles the final: one upload, done, with both parts done.
        patch(first, 3, "def");
        patch(second, 2, "yz");
        t = Poll.until(WAIT, this::transfers, v -> v.get("uploads").size() == 1
                && v.get("uploads").get(0).get("state").asText().equals("done"));
        u = t.get("uploads").get(0);
        assertThat(u.get("state").asText()).as("journal: %s", t).isEqualTo("done");
        assertThat(u.get("offset").asLong()).isEqualTo(10);
        assertThat(u.get("parts")).extracting(p -> p.get("state").asText()).containsExactly("done", "done");
        assertThat(server.root().resolve("film.mkv")).hasContent("abcdefwxyz");
        assertThat(transfers("?state=active").get("uploads")).isEmpty();
    }

    @Test
    void partsWithoutAFinalYetAreListedOnTheirOwnAndGoUnderItOnceItExists() throws Exception {
        start(b -> b);
        // tus-js-client's parallel uploads, and carryon put against a server without concatenation-unfinished,
        // make the final only when the parts are complete.
        URI first = createUpload("Upload-Length", "2", "Upload-Concat", "partial");
        URI second = createUpload("Upload-Length", "2", "Upload-Concat", "partial");
        patch(first, 0, "ab");
        patch(second, 0, "c"); // a part that holds nothing and that no final names is not listed yet
        JsonNode t = Poll.until(WAIT, this::transfers, v -> v.get("uploads").size() == 2);
        assertThat(t.get("uploads")).extracting(u -> u.get("name").isNull()).containsExactly(true, true);

        patch(second, 1, "d");
        String metadata = "filename " + Base64.getEncoder().encodeToString("late.bin".getBytes(StandardCharsets.UTF_8));
        URI whole = createUpload("Upload-Concat", "final;" + first.getPath() + " " + second.getPath(),
                "Upload-Metadata", metadata);
        t = Poll.until(WAIT, this::transfers, v -> v.get("uploads").size() == 1);
        JsonNode u = t.get("uploads").get(0);
        assertThat(u.get("id").asText()).as("journal: %s", t).isEqualTo(idOf(whole));
        assertThat(u.get("name").asText()).isEqualTo("late.bin");
        assertThat(u.get("state").asText()).isEqualTo("done");
        assertThat(u.get("parts")).hasSize(2);
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        out.sort(null);
        return out;
    }

    @Test
    void aRestartStillListsTheSessionAndContinuesIt() throws Exception {
        start(b -> b);
        byte[] content = TestFiles.random(100_000, 3);
        server.file("r.bin", content);
        assertThat(get("/r.bin", "Range", "bytes=0-49999", "User-Agent", "resume/1").statusCode()).isEqualTo(206);
        JsonNode before = awaitDownloads("/r.bin", l -> l.size() == 1);
        String id = downloads(before, "/r.bin").get(0).get("id").asText();

        server.restart();
        JsonNode after = transfers();
        List<JsonNode> listed = downloads(after, "/r.bin");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(id);
        assertThat(listed.get(0).get("coverage").toString()).isEqualTo("[[0,50000]]");
        assertThat(listed.get(0).get("bytesSent").asLong()).isEqualTo(50_000);
        assertThat(listed.get(0).get("userAgent").asText()).isEqualTo("resume/1");

        // The same client resumes within the gap: the same session, now complete.
        assertThat(get("/r.bin", "Range", "bytes=50000-", "User-Agent", "resume/1").statusCode()).isEqualTo(206);
        JsonNode t = awaitDownloads("/r.bin", l -> l.size() == 1 && l.get(0).get("state").asText().equals("done"));
        JsonNode d = downloads(t, "/r.bin").get(0);
        assertThat(d.get("id").asText()).isEqualTo(id);
        assertThat(d.get("requests").asInt()).isEqualTo(2);
        assertThat(d.get("coverage").toString()).isEqualTo("[[0,100000]]");
    }

    @Test
    void retentionAndTheSessionCapPrune() throws Exception {
        start(b -> b.journal(JournalSettings.DEFAULT.withRetention(Duration.ofSeconds(2)).withMaxSessions(2)));
        server.file("p.bin", TestFiles.random(1000, 4));
        for (String ua : List.of("one", "two", "three")) {
            assertThat(get("/p.bin", "User-Agent", ua).statusCode()).isEqualTo(200);
            Thread.sleep(20);
        }
        // The cap keeps the two most recent.
        // (the journal batches: wait for the third session, not just for two)
        JsonNode t = awaitDownloads("/p.bin", l -> l.size() == 2
                && l.stream().anyMatch(n -> n.get("userAgent").asText().equals("three")));
        assertThat(downloads(t, "/p.bin")).extracting(n -> n.get("userAgent").asText()).containsExactly("three", "two");
        // Two seconds after their last activity they are gone, from memory and from the database.
        t = awaitDownloads("/p.bin", List::isEmpty);
        assertThat(downloads(t, "/p.bin")).isEmpty();
        server.restart();
        assertThat(downloads(transfers(), "/p.bin")).isEmpty();
    }

    @Test
    void retentionPrunesStoredSessionsAtStart() throws Exception {
        start(b -> b);
        server.file("s.bin", TestFiles.random(1000, 5));
        assertThat(get("/s.bin").statusCode()).isEqualTo(200);
        awaitDownloads("/s.bin", l -> l.size() == 1);
        server.restart();
        assertThat(downloads(transfers(), "/s.bin")).hasSize(1);
        Thread.sleep(1100);
        server.restart(b -> b.journal(JournalSettings.DEFAULT.withRetention(Duration.ofSeconds(1))));
        assertThat(downloads(transfers(), "/s.bin")).isEmpty();
    }

    @Test
    void aCutResponseCoversOnlyTheBytesSent() throws Exception {
        // Copying (64 KiB chunks), so the bytes that left are known finely.
        start(b -> b.sendfile(ServerConfig.Sendfile.NEVER));
        int size = 32 << 20;
        byte[] content = TestFiles.random(size, 6);
        server.file("cut.bin", content);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setReceiveBufferSize(64 << 10);
            s.getOutputStream().write(("GET /cut.bin HTTP/1.1\r\nHost: x\r\nUser-Agent: cutter/1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1 << 20];
            long read = 0;
            while (read < (1 << 20)) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                read += n;
            }
            s.setSoLinger(true, 0); // reset: the server's next write fails
        }
        JsonNode t = awaitDownloads("/cut.bin", l -> l.size() == 1 && l.get(0).get("requests").asInt() == 1);
        JsonNode d = downloads(t, "/cut.bin").get(0);
        long covered = d.get("covered").asLong();
        assertThat(covered).isBetween(512L << 10, (long) size - 1);
        assertThat(d.get("bytesSent").asLong()).isEqualTo(covered);
        assertThat(d.get("coverage").toString()).isEqualTo("[[0," + covered + "]]");
        assertThat(d.get("state").asText()).isEqualTo("active");
    }

    @Test
    void aClientThatStopsReadingIsCreditedWithWhatItsSystemAcknowledgedNotWithWhatTheSocketTook() throws Exception {
        SendQueues table = new SendQueues();
        assumeTrue(table.available(), "the send queues are read from /proc/net/tcp (Linux)");
        start(b -> b);
        int size = 64 << 20;
        byte[] content = TestFiles.random(size, 8);
        TestFiles.aged(server.file("slow.bin", content)); // aged: sent with sendfile(2), as a real download is
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(128 << 10);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            s.getOutputStream().write(("GET /slow.bin HTTP/1.1\r\nHost: x\r\nUser-Agent: slow/1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1 << 16];
            long read = 0;
            // at full speed first, so that the connection's windows and the server's send buffer grow
            while (read < (8 << 20)) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                read += n;
            }
            long readNow = read;
            // Now the client stops reading. Its system holds at most its receive buffer more than it read; the
            // server's socket took that and what its send queue holds besides.
            JsonNode t = awaitDownloads("/slow.bin", l -> l.size() == 1 && l.get(0).get("covered").asLong() > readNow);
            long covered = downloads(t, "/slow.bin").get(0).get("covered").asLong();
            table.refresh();
            long queued = table.snapshot().queued(server.port(), s.getLocalPort());
            assertThat(queued).as("the server's send queue for this connection").isGreaterThan(256L << 10);
            // Over the next readings of the queue (one a second), it never counts what is still queued.
            long bound = read + 2L * s.getReceiveBufferSize() + (64 << 10);
            long watchUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < watchUntil) {
                covered = downloads(transfers(), "/slow.bin").get(0).get("covered").asLong();
                assertThat(covered).as("covered, with %d bytes read and %d queued at the server", read, queued)
                        .isGreaterThan(read).isLessThanOrEqualTo(bound);
                Thread.sleep(100);
            }

            // The rest, read: all of it covered, and done.
            long body = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                read += n;
                if (read >= size) { // the head's few bytes are in read too
                    body = read;
                    break;
                }
            }
            assertThat(body).isPositive();
            JsonNode done = awaitDownloads("/slow.bin", l -> l.size() == 1 && l.get(0).get("state").asText().equals("done"));
            assertThat(downloads(done, "/slow.bin").get(0).get("covered").asLong()).isEqualTo(size);
        }
    }

    @Test
    void withUploadTokensTheApiNeedsOneAndATokenMakesOneClient() throws Exception {
        start(b -> b.uploads(new UploadSettings("/uploads/", 0, Duration.ofHours(1), false, List.of("s3cret"),
                List.of(), false, 8, Duration.ofSeconds(60), Duration.ofSeconds(3))));
        byte[] content = TestFiles.random(2000, 7);
        server.file("t.bin", content);
        HttpResponse<byte[]> refused = get("/-/api/transfers");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(get("/-/api/transfers", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);

        // Two halves with the same token from two User-Agents: one client, one session.
        get("/t.bin", "Range", "bytes=0-999", "User-Agent", "a/1", "Authorization", "Bearer s3cret");
        get("/t.bin", "Range", "bytes=1000-", "User-Agent", "b/1", "Authorization", "Bearer s3cret");
        JsonNode t = Poll.until(WAIT, () -> {
            try {
                return transfers("", "Authorization", "Bearer s3cret");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, v -> downloads(v, "/t.bin").size() == 1 && downloads(v, "/t.bin").get(0).get("requests").asInt() == 2);
        JsonNode d = downloads(t, "/t.bin").get(0);
        assertThat(d.get("state").asText()).isEqualTo("done");
        assertThat(d.get("userAgent").asText()).isEqualTo("b/1");
    }

    @Test
    void noJournalRecordsNothingAndHasNoApi() throws Exception {
        start(b -> b.journal(null));
        server.file("n.bin", TestFiles.random(1000, 8));
        assertThat(get("/n.bin").statusCode()).isEqualTo(200);
        assertThat(server.server().journal()).isNull();
        assertThat(get("/-/api/transfers").statusCode()).isEqualTo(404);
    }
}
