package dev.carryon.server.upload;

import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tus 1.0.0 as carryon serve speaks it, request by request: discovery, creation (with data, deferred length),
 * HEAD, PATCH and every refusal with its status and reason, checksums, termination, concatenation, tokens,
 * expiry, and the finished file in the root with a content-hash ETag.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TusProtocolTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void start(UnaryOperator<UploadSettings> adjust) {
        server = TestServer.start(b -> b.uploads(adjust.apply(UploadSettings.DEFAULT)));
    }

    void start() {
        start(s -> s);
    }

    static UploadSettings with(UploadSettings s, long maxSize, Duration expiry, List<String> tokens) {
        return new UploadSettings(s.path(), maxSize, expiry, s.overwrite(), tokens, s.corsOrigins(), s.trustProxy(),
                s.maxConcurrent(), s.bodyTimeout(), s.stallTakeover());
    }

    // ---- discovery ----

    @Test
    void optionsListsVersionExtensionsAndChecksumAlgorithms() throws Exception {
        start(s -> with(s, 1 << 30, s.expiry(), s.tokens()));
        HttpResponse<String> r = send("OPTIONS", "/uploads/", null);
        assertThat(r.statusCode()).isIn(200, 204);
        assertThat(r.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Tus-Version").orElseThrow()).contains("1.0.0");
        assertThat(r.headers().firstValue("Tus-Extension").orElseThrow().split(",")).contains("creation",
                "creation-with-upload", "creation-defer-length", "expiration", "checksum", "checksum-trailer",
                "termination", "concatenation", "concatenation-unfinished");
        assertThat(r.headers().firstValue("Tus-Checksum-Algorithm").orElseThrow().split(","))
                .contains("sha1", "md5", "sha256", "sha512");
        assertThat(r.headers().firstValue("Tus-Max-Size")).hasValue(Long.toString(1 << 30));
    }

    @Test
    void aRequestWithoutOrWithAnotherTusVersionIsRefusedWith412() throws Exception {
        start();
        HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(url("/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Upload-Length", "5").build(), text());
        assertThat(none.statusCode()).isEqualTo(412);
        HttpResponse<String> old = HTTP.send(HttpRequest.newBuilder(url("/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "0.2.2")
                .header("Upload-Length", "5").build(), text());
        assertThat(old.statusCode()).isEqualTo(412);
        assertThat(old.headers().firstValue("Tus-Version").orElseThrow()).contains("1.0.0");
    }

    // ---- creation ----

    @Test
    void creationAnswers201WithALocationThatHeadDescribes() throws Exception {
        start();
        HttpResponse<String> c = send("POST", "/uploads/", null, "Upload-Length", "10",
                "Upload-Metadata", "filename " + b64("hello.txt"));
        assertThat(c.statusCode()).isEqualTo(201);
        String location = c.headers().firstValue("Location").orElseThrow();
        assertThat(location).as("relative by default").startsWith("/uploads/");
        assertThat(location.substring("/uploads/".length())).as("an unguessable id").hasSizeGreaterThanOrEqualTo(22);
        assertThat(c.headers().firstValue("Upload-Expires")).isPresent();

        HttpResponse<String> h = send("HEAD", location, null);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.headers().firstValue("Upload-Offset")).hasValue("0");
        assertThat(h.headers().firstValue("Upload-Length")).hasValue("10");
        assertThat(h.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(h.headers().firstValue("Upload-Metadata").orElseThrow()).contains("filename " + b64("hello.txt"));
    }

    @Test
    void creationNeedsALengthOrADeferredOne() throws Exception {
        start();
        assertThat(send("POST", "/uploads/", null).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/uploads/", null, "Upload-Length", "-1").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/uploads/", null, "Upload-Length", "abc").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/uploads/", null, "Upload-Defer-Length", "2").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/uploads/", null, "Upload-Metadata", "filename not-base64!!", "Upload-Length", "1")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void anUploadLargerThanTheLimitIsRefusedWith413() throws Exception {
        start(s -> with(s, 1000, s.expiry(), s.tokens()));
        HttpResponse<String> r = send("POST", "/uploads/", null, "Upload-Length", "1001");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).isNotBlank();
    }

    @Test
    void creationWithUploadKeepsItsDataAndAnswersTheOffset() throws Exception {
        start();
        byte[] data = random(5000, 1);
        HttpResponse<String> c = send("POST", "/uploads/", data, "Upload-Length", "5000",
                "Content-Type", "application/offset+octet-stream", "Upload-Metadata", "filename " + b64("one.bin"));
        assertThat(c.statusCode()).isEqualTo(201);
        assertThat(c.headers().firstValue("Upload-Offset")).hasValue("5000");
        assertThat(Files.readAllBytes(server.root().resolve("one.bin"))).isEqualTo(data);
    }

    @Test
    void aDeferredLengthIsSetByALaterPatch() throws Exception {
        start();
        String u = create(null, "Upload-Defer-Length", "1");
        HttpResponse<String> h = send("HEAD", u, null);
        assertThat(h.headers().firstValue("Upload-Defer-Length")).hasValue("1");
        assertThat(h.headers().firstValue("Upload-Length")).isEmpty();
        assertThat(patch(u, 0, "abc".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(204);
        HttpResponse<String> last = patch(u, 3, "de".getBytes(StandardCharsets.UTF_8), "Upload-Length", "5");
        assertThat(last.statusCode()).isEqualTo(204);
        assertThat(send("HEAD", u, null).headers().firstValue("Upload-Length")).hasValue("5");
    }

    // ---- PATCH ----

    @Test
    void patchesAppendAndTheFinishedFileIsServedWithAContentHashETagAndDigest() throws Exception {
        start();
        byte[] data = random(300_000, 2);
        String u = create(null, "Upload-Length", "300000", "Upload-Metadata", "filename " + b64("report.pdf"));
        HttpResponse<String> first = patch(u, 0, slice(data, 0, 100_000));
        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(first.headers().firstValue("Upload-Offset")).hasValue("100000");
        assertThat(patch(u, 100_000, slice(data, 100_000, 300_000)).statusCode()).isEqualTo(204);

        Path done = server.root().resolve("report.pdf");
        assertThat(Files.readAllBytes(done)).isEqualTo(data);
        HttpResponse<byte[]> get = HTTP.send(HttpRequest.newBuilder(url("/report.pdf")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String sha = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(get.body()).isEqualTo(data);
        assertThat(get.headers().firstValue("ETag").orElseThrow()).startsWith("\"sha256-");
        assertThat(get.headers().firstValue("Repr-Digest")).hasValue("sha-256=:" + sha + ":");
        HttpResponse<byte[]> range = HTTP.send(HttpRequest.newBuilder(url("/report.pdf"))
                .header("Range", "bytes=100-199").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(slice(data, 100, 200));
    }

    @Test
    void aFinishedUploadNeverReplacesAFileOfTheSameName() throws Exception {
        start();
        Files.writeString(server.root().resolve("notes.txt"), "mine");
        String u = create(null, "Upload-Length", "3", "Upload-Metadata", "filename " + b64("notes.txt"));
        assertThat(patch(u, 0, "new".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(204);
        assertThat(Files.readString(server.root().resolve("notes.txt"))).isEqualTo("mine");
        assertThat(Files.readString(server.root().resolve("notes (1).txt"))).isEqualTo("new");
        String hostile = create(null, "Upload-Length", "1", "Upload-Metadata", "filename " + b64("../../etc/passwd"));
        assertThat(patch(hostile, 0, new byte[] {1}).statusCode()).isEqualTo(204);
        try (var names = Files.list(server.root())) {
            assertThat(names.map(p -> p.getFileName().toString()))
                    .as("a name from the network is reduced to its last segment").containsExactlyInAnyOrder(
                            "notes.txt", "notes (1).txt", "passwd");
        }
        assertThat(server.root().getParent().resolve("etc")).doesNotExist();
    }

    @Test
    void patchRefusals() throws Exception {
        start();
        String u = create(null, "Upload-Length", "10");
        byte[] five = "12345".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> type = send("PATCH", u, five, "Upload-Offset", "0", "Content-Type", "text/plain");
        assertThat(type.statusCode()).isEqualTo(415);
        assertThat(patch(u, 3, five).statusCode()).as("offset mismatch").isEqualTo(409);
        assertThat(send("PATCH", u, five, "Content-Type", "application/offset+octet-stream").statusCode())
                .as("no Upload-Offset").isEqualTo(400);
        assertThat(patch(u, 0, random(11, 3)).statusCode()).as("past the length").isIn(400, 413);
        assertThat(patch("/uploads/AAAAAAAAAAAAAAAAAAAAAAAAAA", 0, five).statusCode()).isEqualTo(404);
        assertThat(send("HEAD", "/uploads/AAAAAAAAAAAAAAAAAAAAAAAAAA", null).statusCode()).isEqualTo(404);
        assertThat(send("HEAD", u, null).headers().firstValue("Upload-Offset")).as("nothing kept").hasValue("0");
    }

    @Test
    void anEmptyPatchAtTheOffsetOfAFinishedUploadIs204WithTheOffset() throws Exception {
        start();
        byte[] data = random(5000, 12);
        String u = create(null, "Upload-Length", "5000", "Upload-Metadata", "filename " + b64("done.bin"));
        assertThat(patch(u, 0, data).statusCode()).isEqualTo(204);

        // tus compares offsets for a finished upload as for any other: these match, and no byte is sent.
        HttpResponse<String> again = patch(u, 5000, new byte[0]);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(204);
        assertThat(again.headers().firstValue("Upload-Offset")).hasValue("5000");
        assertThat(again.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        HttpResponse<String> sameLength = patch(u, 5000, new byte[0], "Upload-Length", "5000");
        assertThat(sameLength.statusCode()).as(sameLength.body()).isEqualTo(204);
        assertThat(sameLength.headers().firstValue("Upload-Offset")).hasValue("5000");

        HttpResponse<String> more = patch(u, 5000, "x".getBytes(StandardCharsets.UTF_8));
        assertThat(more.statusCode()).as("data for a finished upload, refused as before").isEqualTo(409);
        assertThat(more.body()).contains("already complete");
        assertThat(more.headers().firstValue("Upload-Offset")).hasValue("5000");
        HttpResponse<String> elsewhere = patch(u, 10, new byte[0]);
        assertThat(elsewhere.statusCode()).as("the offsets differ").isEqualTo(409);
        assertThat(elsewhere.headers().firstValue("Upload-Offset")).hasValue("5000");

        assertThat(Files.readAllBytes(server.root().resolve("done.bin"))).isEqualTo(data);
        assertThat(send("HEAD", u, null).headers().firstValue("Upload-Offset")).hasValue("5000");
    }

    @Test
    void checksums() throws Exception {
        start();
        byte[] data = random(4000, 4);
        String u = create(null, "Upload-Length", "8000");
        HttpResponse<String> bad = patch(u, 0, data, "Upload-Checksum", "sha256 " + b64(new byte[32]));
        assertThat(bad.statusCode()).isEqualTo(460);
        assertThat(send("HEAD", u, null).headers().firstValue("Upload-Offset")).hasValue("0");
        HttpResponse<String> unknown = patch(u, 0, data, "Upload-Checksum", "crc32 AAAA");
        assertThat(unknown.statusCode()).isEqualTo(400);
        for (String[] alg : new String[][] {{"sha1", "SHA-1"}, {"md5", "MD5"}}) {
            String v = Base64.getEncoder().encodeToString(MessageDigest.getInstance(alg[1]).digest(slice(data, 0, 2000)));
            long at = alg[0].equals("sha1") ? 0 : 2000;
            HttpResponse<String> ok = patch(u, at, slice(data, (int) at, (int) at + 2000), "Upload-Checksum",
                    alg[0] + " " + (at == 0 ? v : Base64.getEncoder().encodeToString(
                            MessageDigest.getInstance(alg[1]).digest(slice(data, 2000, 4000)))));
            assertThat(ok.statusCode()).as(alg[0]).isEqualTo(204);
        }
        byte[] rest = random(4000, 5);
        String sha512 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(rest));
        assertThat(patch(u, 4000, rest, "Upload-Checksum", "sha512 " + sha512).statusCode()).isEqualTo(204);
    }

    // ---- termination, concatenation ----

    @Test
    void terminationDeletesTheUpload() throws Exception {
        start();
        String u = create(null, "Upload-Length", "10");
        assertThat(patch(u, 0, "abc".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", u, null).statusCode()).isEqualTo(204);
        assertThat(send("HEAD", u, null).statusCode()).isIn(404, 410);
        assertThat(patch(u, 3, "d".getBytes(StandardCharsets.UTF_8)).statusCode()).isIn(404, 410);
        try (var files = Files.list(server.state().resolve("uploads"))) {
            assertThat(files).as("its data is gone").isEmpty();
        }
    }

    @Test
    void partialUploadsConcatenateIntoAFinalOne() throws Exception {
        start();
        byte[] a = random(70_000, 6);
        byte[] b = random(30_000, 7);
        String pa = create(null, "Upload-Length", "70000", "Upload-Concat", "partial");
        String pb = create(null, "Upload-Length", "30000", "Upload-Concat", "partial");
        assertThat(patch(pb, 0, b).statusCode()).isEqualTo(204);
        // concatenation-unfinished: the final may be declared before every part is done
        String fin = create(null, "Upload-Concat", "final;" + pa + " " + pb, "Upload-Metadata",
                "filename " + b64("joined.bin"));
        HttpResponse<String> h = send("HEAD", fin, null);
        assertThat(h.headers().firstValue("Upload-Concat").orElseThrow()).startsWith("final;");
        assertThat(h.headers().firstValue("Upload-Offset")).isEmpty();
        assertThat(patch(fin, 0, a).statusCode()).as("a final takes no PATCH").isEqualTo(403);
        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);
        byte[] joined = new byte[100_000];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        Path out = server.root().resolve("joined.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(out), x -> x);
        assertThat(Files.readAllBytes(out)).isEqualTo(joined);
        assertThat(send("HEAD", fin, null).headers().firstValue("Upload-Offset")).hasValue("100000");
    }

    // ---- tokens and expiry ----

    @Test
    void tokensAreRequiredAndAnUploadBelongsToItsCreatorsToken() throws Exception {
        start(s -> with(s, 0, s.expiry(), List.of("alpha", "beta")));
        HttpResponse<String> anonymous = send("POST", "/uploads/", null, "Upload-Length", "3");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        assertThat(send("POST", "/uploads/", null, "Upload-Length", "3", "Authorization", "Bearer gamma")
                .statusCode()).isEqualTo(401);
        String u = create("alpha", "Upload-Length", "3");
        HttpResponse<String> other = patch(u, 0, "abc".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer beta");
        assertThat(other.statusCode()).isIn(403, 404);
        assertThat(send("HEAD", u, null, "Authorization", "Bearer beta").statusCode()).isIn(403, 404);
        assertThat(send("DELETE", u, null, "Authorization", "Bearer beta").statusCode()).isIn(403, 404);
        assertThat(patch(u, 0, "abc".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer alpha").statusCode())
                .isEqualTo(204);
    }

    @Test
    void anExpiredUploadIsSweptWithItsData() throws Exception {
        start(s -> with(s, 0, Duration.ofMillis(600), s.tokens()));
        String u = create(null, "Upload-Length", "10");
        assertThat(patch(u, 0, "abc".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(204);
        int status = Poll.until(Duration.ofSeconds(20), () -> head(u).statusCode(), st -> st != 200);
        assertThat(status).isIn(404, 410);
        assertThat(patch(u, 3, "d".getBytes(StandardCharsets.UTF_8)).statusCode()).isIn(404, 410);
        boolean empty = Poll.until(Duration.ofSeconds(20), () -> {
            try (var files = Files.list(server.state().resolve("uploads"))) {
                return files.findAny().isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, x -> x);
        assertThat(empty).as("the sweeper deleted the data").isTrue();
    }

    @Test
    void anUploadTheDiskCannotHoldIsRefusedWith507() throws Exception {
        start();
        HttpResponse<String> r = send("POST", "/uploads/", null, "Upload-Length", Long.toString(1L << 60));
        assertThat(r.statusCode()).isEqualTo(507);
        assertThat(r.body()).contains("bytes free");
        try (var files = Files.list(server.state().resolve("uploads"))) {
            assertThat(files).as("no upload was made").isEmpty();
        }
    }

    // ---- helpers ----

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpResponse.BodyHandler<String> text() {
        return HttpResponse.BodyHandlers.ofString();
    }

    HttpResponse<String> send(String method, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (!method.equals("OPTIONS")) {
            b.header("Tus-Resumable", "1.0.0");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), text());
    }

    HttpResponse<String> patch(String upload, long offset, byte[] data, String... headers) throws Exception {
        String[] all = new String[headers.length + 4];
        all[0] = "Upload-Offset";
        all[1] = Long.toString(offset);
        all[2] = "Content-Type";
        all[3] = "application/offset+octet-stream";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return send("PATCH", upload, data, all);
    }

    @Test
    void aMethodOverrideThatNamesNoMethodIs400AndAValidOneIsHonoured() throws Exception {
        // Found by RequestFuzzTest: an empty or non-token override made HttpMethod.valueOf throw, answered 500.
        start();
        String upload = create(null, "Tus-Resumable", "1.0.0", "Upload-Length", "3");
        for (String override : List.of("", " ", "PA TCH", "\u00e9", "PATCH\u0001")) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "POST " + upload + " HTTP/1.1\r\nHost: x\r\n"
                    + "Tus-Resumable: 1.0.0\r\nX-HTTP-Method-Override: " + override + "\r\nConnection: close\r\n\r\n");
            assertThat(r.status()).as("override '%s'", override).isEqualTo(400);
            assertThat(r.bodyText()).contains("X-HTTP-Method-Override");
        }
        RawHttp.Response patched = RawHttp.exchange(server.port(), "POST " + upload + " HTTP/1.1\r\nHost: x\r\n"
                + "Tus-Resumable: 1.0.0\r\nX-HTTP-Method-Override: patch\r\nUpload-Offset: 0\r\n"
                + "Content-Type: application/offset+octet-stream\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
        assertThat(patched.status()).as(patched.statusLine()).isEqualTo(204);
        assertThat(patched.header("Upload-Offset")).isEqualTo("3");
    }

    @Test
    void aCreationWithDataThatFailsIsAnsweredWithItsReason() throws Exception {
        // Found by RequestFuzzTest: when the creation itself failed (here: a final upload naming one that is not
        // partial), the body's callback read the failed future with getNow, which threw; the client got no answer.
        start();
        String notPartial = create(null, "Tus-Resumable", "1.0.0", "Upload-Length", "3");
        try (RawHttp http = server.raw()) {
            http.socket().setSoTimeout(5_000);
            http.send("POST /uploads/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n"
                    + "Upload-Concat: final;" + notPartial + "\r\nContent-Type: application/offset+octet-stream\r\n"
                    + "Content-Length: 5\r\n\r\nhello");
            RawHttp.Response r = http.read();
            // Since a final takes no data, its creation with a body is refused (403) before its parts are looked
            // at; the refusal must reach the client all the same.
            assertThat(r.status()).as(r.bodyText()).isEqualTo(403);
            assertThat(r.bodyText()).contains("takes no data");
        }
    }

    /** Creates an upload (with a token when not null); its path. */
    String create(String token, String... headers) throws Exception {
        String[] all = headers;
        if (token != null) {
            all = new String[headers.length + 2];
            System.arraycopy(headers, 0, all, 0, headers.length);
            all[headers.length] = "Authorization";
            all[headers.length + 1] = "Bearer " + token;
        }
        HttpResponse<String> r = send("POST", "/uploads/", null, all);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    HttpResponse<String> head(String upload) {
        try {
            return send("HEAD", upload, null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
