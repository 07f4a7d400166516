package dev.carryon.server.upload;

import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
 * The IETF resumable-upload draft (draft-ietf-httpbis-resumable-upload) as carryon serve speaks it, request by
 * request and interop version by interop version (docs/upload-protocols.md §2): creation with
 * {@code Upload-Complete}, the 104 (Upload Resumption Supported) seen on a raw socket, offset retrieval, appends,
 * the 409 problem document, length mismatches, {@code Upload-Limit}, cancellation, refusals, and the finished
 * file in the root.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IetfProtocolTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String MISMATCH = "https://iana.org/assignments/http-problem-types#mismatching-upload-offset";
    static final String COMPLETED = "https://iana.org/assignments/http-problem-types#completed-upload";
    static final String INCONSISTENT = "https://iana.org/assignments/http-problem-types#inconsistent-upload-length";

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

    // ---- creation ----

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {5, 6, 7, 8, 9, 10})
    void anEmptyCreationWithUploadCompleteFalseAnswers201WithLocationAndOffset(int v) throws Exception {
        start();
        HttpResponse<String> c = send(v, "POST", "/uploads/", null, "Upload-Complete", "?0", "Upload-Length", "10");
        assertThat(c.statusCode()).isEqualTo(201);
        String location = c.headers().firstValue("Location").orElseThrow();
        assertThat(location).as("relative by default").startsWith("/uploads/");
        assertThat(location.substring("/uploads/".length())).as("an unguessable id").hasSizeGreaterThanOrEqualTo(22);
        assertThat(c.headers().firstValue("Upload-Complete")).hasValue("?0");
        assertThat(c.headers().firstValue("Upload-Offset")).hasValue("0");
        assertThat(c.headers().firstValue("Upload-Draft-Interop-Version")).hasValue(Integer.toString(v));
        assertThat(c.headers().firstValue("Tus-Resumable")).as("not a tus answer").isEmpty();

        HttpResponse<String> h = send(v, "HEAD", location, null);
        assertThat(h.statusCode()).isIn(200, 204);
        assertThat(h.headers().firstValue("Upload-Offset")).hasValue("0");
        assertThat(h.headers().firstValue("Upload-Complete")).hasValue("?0");
        assertThat(h.headers().firstValue("Upload-Length")).hasValue("10");
        assertThat(h.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(h.headers().firstValue("Upload-Draft-Interop-Version")).hasValue(Integer.toString(v));
    }

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {5, 6, 8, 10})
    void aCompleteCreationStoresTheFileAndAnswers201WithUploadCompleteTrue(int v) throws Exception {
        start();
        byte[] data = random(70_000, v);
        HttpResponse<String> c = send(v, "POST", "/uploads/", data, "Upload-Complete", "?1",
                "Content-Disposition", "attachment; filename=\"whole-" + v + ".bin\"");
        assertThat(c.statusCode()).isEqualTo(201);
        assertThat(c.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(c.headers().firstValue("Upload-Offset")).hasValue("70000");
        assertThat(c.headers().firstValue("Upload-Length")).as("the length is the body's").hasValue("70000");
        assertThat(Files.readAllBytes(server.root().resolve("whole-" + v + ".bin"))).isEqualTo(data);
        HttpResponse<String> h = send(v, "HEAD", c.headers().firstValue("Location").orElseThrow(), null);
        assertThat(h.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(h.headers().firstValue("Upload-Offset")).hasValue("70000");
    }

    @Test
    void aCreationWithPartOfTheDataKeepsItAndSaysSo() throws Exception {
        start();
        byte[] data = random(50_000, 1);
        HttpResponse<String> c = send(6, "POST", "/uploads/", slice(data, 0, 20_000), "Upload-Complete", "?0",
                "Upload-Length", "50000", "Content-Type", "application/partial-upload",
                "Upload-Metadata", "filename " + b64("first-part.bin"));
        assertThat(c.statusCode()).isEqualTo(201);
        assertThat(c.headers().firstValue("Upload-Offset")).hasValue("20000");
        assertThat(c.headers().firstValue("Upload-Complete")).hasValue("?0");
        String u = c.headers().firstValue("Location").orElseThrow();
        assertThat(server.root().resolve("first-part.bin")).as("not published before it is complete").doesNotExist();
        HttpResponse<String> last = patch(6, u, 20_000, slice(data, 20_000, 50_000), true);
        assertThat(last.statusCode()).isEqualTo(201);
        assertThat(last.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(Files.readAllBytes(server.root().resolve("first-part.bin")))
                .as("tus-js-client's Upload-Metadata names the file in IETF mode too").isEqualTo(data);
    }

    @Test
    void aChunkedCompleteCreationCountsTheDecodedBytes() {
        start();
        byte[] data = random(30_000, 2);
        try (RawHttp http = server.raw()) {
            http.send("POST /uploads/ HTTP/1.1\r\nHost: test\r\nUpload-Draft-Interop-Version: 8\r\n"
                    + "Upload-Complete: ?1\r\nUpload-Metadata: filename " + b64("chunked.bin") + "\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            RawHttp.Response info = http.read();
            assertThat(info.status()).isEqualTo(104);
            for (int at = 0; at < data.length; at += 7000) {
                int n = Math.min(7000, data.length - at);
                http.send((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                http.send(slice(data, at, at + n));
                http.send("\r\n");
            }
            http.send("0\r\n\r\n");
            RawHttp.Response done = http.read();
            assertThat(done.status()).isEqualTo(201);
            assertThat(done.header("Upload-Complete")).isEqualTo("?1");
            assertThat(done.header("Upload-Offset")).isEqualTo("30000");
            assertThat(done.header("Upload-Length")).isEqualTo("30000");
        }
        assertThat(read(server.root().resolve("chunked.bin"))).isEqualTo(data);
    }

    @Test
    void aZeroLengthCompleteCreationIsAnEmptyFile() throws Exception {
        start();
        HttpResponse<String> c = send(8, "POST", "/uploads/", new byte[0], "Upload-Complete", "?1",
                "Upload-Metadata", "filename " + b64("empty.txt"));
        assertThat(c.statusCode()).isEqualTo(201);
        assertThat(c.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(Files.size(server.root().resolve("empty.txt"))).isZero();
    }

    // ---- 104 (Upload Resumption Supported), seen on a raw socket ----

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {5, 6, 7, 8, 10})
    void the104ComesBeforeTheBodyWithLocationVersionAndLimits(int v) {
        start(s -> with(s, 1 << 20, s.expiry(), s.tokens()));
        byte[] data = random(4000, 3);
        try (RawHttp http = server.raw()) {
            http.send("POST /uploads/ HTTP/1.1\r\nHost: test\r\nUpload-Draft-Interop-Version: " + v + "\r\n"
                    + "Upload-Complete: ?1\r\nContent-Length: 4000\r\n\r\n");
            RawHttp.Response info = http.read();
            assertThat(info.status()).as("before any byte of the body").isEqualTo(104);
            assertThat(info.statusLine()).contains("Upload Resumption Supported");
            String location = info.header("Location");
            assertThat(location).startsWith("/uploads/");
            assertThat(info.header("Upload-Draft-Interop-Version")).isEqualTo(Integer.toString(v));
            if (v >= 6) {
                assertThat(info.header("Upload-Limit")).contains("max-size=1048576");
            } else {
                assertThat(info.header("Upload-Limit")).as("no Upload-Limit in interop 5").isNull();
            }
            http.send(data);
            RawHttp.Response done = http.read();
            assertThat(done.status()).isEqualTo(201);
            assertThat(done.header("Location")).as("the same as the 104's").isEqualTo(location);
            assertThat(done.header("Upload-Complete")).isEqualTo("?1");
        }
    }

    @Test
    void withExpect100ContinueBoth100And104Come() {
        start();
        try (RawHttp http = server.raw()) {
            http.send("POST /uploads/ HTTP/1.1\r\nHost: test\r\nUpload-Draft-Interop-Version: 6\r\n"
                    + "Upload-Complete: ?1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response a = http.read();
            RawHttp.Response b = http.read();
            assertThat(List.of(a.status(), b.status())).containsExactlyInAnyOrder(100, 104);
            http.send("abc");
            assertThat(http.read().status()).isEqualTo(201);
        }
    }

    @Test
    void aCreationCutShortBeforeItsEndIsResumableFromThe104Location() throws Exception {
        start();
        byte[] data = random(100_000, 4);
        String location;
        try (RawHttp http = server.raw()) {
            http.send("POST /uploads/ HTTP/1.1\r\nHost: test\r\nUpload-Draft-Interop-Version: 8\r\n"
                    + "Upload-Complete: ?1\r\nUpload-Metadata: filename " + b64("resumed.bin") + "\r\n"
                    + "Content-Length: 100000\r\n\r\n");
            RawHttp.Response info = http.read();
            assertThat(info.status()).isEqualTo(104);
            location = info.header("Location");
            http.send(slice(data, 0, 60_000));
            received(location, 60_000);
            http.socket().setSoLinger(true, 0); // a reset, as a dropped network would
        }
        long offset = offsetWhenSettled(8, location);
        assertThat(offset).as("the received prefix is kept").isPositive().isLessThanOrEqualTo(60_000);
        HttpResponse<String> h = send(8, "HEAD", location, null);
        assertThat(h.headers().firstValue("Upload-Complete")).hasValue("?0");
        HttpResponse<String> rest = patch(8, location, offset, slice(data, (int) offset, data.length), true);
        assertThat(rest.statusCode()).isIn(200, 201, 204);
        assertThat(rest.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(Files.readAllBytes(server.root().resolve("resumed.bin"))).isEqualTo(data);
    }

    // ---- appending ----

    @Test
    void interop5AppendsWithoutContentTypeAndAnswers201WithTheOffset() throws Exception {
        start();
        byte[] data = random(9000, 5);
        String u = create(5, "Upload-Length", "9000", "Upload-Metadata", "filename " + b64("v5.bin"));
        HttpResponse<String> first = send(5, "PATCH", u, slice(data, 0, 4000), "Upload-Offset", "0",
                "Upload-Complete", "?0");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Upload-Offset")).hasValue("4000");
        assertThat(first.headers().firstValue("Upload-Complete")).hasValue("?0");
        HttpResponse<String> last = send(5, "PATCH", u, slice(data, 4000, 9000), "Upload-Offset", "4000",
                "Upload-Complete", "?1");
        assertThat(last.statusCode()).isEqualTo(201);
        assertThat(last.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(last.headers().firstValue("Upload-Offset")).hasValue("9000");
        assertThat(Files.readAllBytes(server.root().resolve("v5.bin"))).isEqualTo(data);
    }

    @Test
    void interop6AppendsNeedApplicationPartialUploadAndAnswer201() throws Exception {
        start();
        String u = create(6, "Upload-Length", "10");
        HttpResponse<String> wrong = send(6, "PATCH", u, "12345".getBytes(StandardCharsets.UTF_8),
                "Upload-Offset", "0", "Upload-Complete", "?0", "Content-Type", "application/offset+octet-stream");
        assertThat(wrong.statusCode()).isEqualTo(415);
        assertThat(wrong.body()).contains("application/partial-upload");
        HttpResponse<String> ok = patch(6, u, 0, "12345".getBytes(StandardCharsets.UTF_8), false);
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.headers().firstValue("Upload-Offset")).hasValue("5");
        assertThat(ok.headers().firstValue("Upload-Complete")).hasValue("?0");
    }

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {7, 8, 9, 10})
    void laterInteropVersionsAnswer204UntilDoneThen200(int v) throws Exception {
        start();
        byte[] data = random(3000, v);
        String u = create(v, "Upload-Length", "3000", "Upload-Metadata", "filename " + b64("late-" + v + ".bin"));
        HttpResponse<String> part = patch(v, u, 0, slice(data, 0, 1000), false);
        assertThat(part.statusCode()).isEqualTo(204);
        assertThat(part.headers().firstValue("Upload-Complete")).hasValue("?0");
        assertThat(part.headers().firstValue("Upload-Offset")).hasValue("1000");
        HttpResponse<String> last = patch(v, u, 1000, slice(data, 1000, 3000), true);
        assertThat(last.statusCode()).isEqualTo(200);
        assertThat(last.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(Files.readAllBytes(server.root().resolve("late-" + v + ".bin"))).isEqualTo(data);
    }

    @Test
    void anUploadWithoutDeclaredLengthEndsWithTheAppendThatSaysComplete() throws Exception {
        start();
        byte[] data = random(12_000, 6);
        String u = create(8, "Upload-Metadata", "filename " + b64("open-ended.bin"));
        assertThat(send(8, "HEAD", u, null).headers().firstValue("Upload-Length")).as("not known yet").isEmpty();
        assertThat(patch(8, u, 0, slice(data, 0, 5000), false).statusCode()).isEqualTo(204);
        HttpResponse<String> last = patch(8, u, 5000, slice(data, 5000, 12_000), true);
        assertThat(last.statusCode()).isEqualTo(200);
        assertThat(last.headers().firstValue("Upload-Length")).hasValue("12000");
        assertThat(Files.readAllBytes(server.root().resolve("open-ended.bin"))).isEqualTo(data);
    }

    @Test
    void anEmptyAppendWithUploadCompleteTrueEndsAnUploadOfUnknownLength() throws Exception {
        start();
        String u = create(8, "Upload-Metadata", "filename " + b64("ended-empty.txt"));
        assertThat(patch(8, u, 0, "hello".getBytes(StandardCharsets.UTF_8), false).statusCode()).isEqualTo(204);
        HttpResponse<String> end = patch(8, u, 5, new byte[0], true);
        assertThat(end.statusCode()).isEqualTo(200);
        assertThat(end.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(Files.readString(server.root().resolve("ended-empty.txt"))).isEqualTo("hello");
    }

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {5, 6, 8, 10})
    void aWrongOffsetIs409WithAProblemNamingBothOffsets(int v) throws Exception {
        start();
        String u = create(v, "Upload-Length", "10");
        assertThat(patch(v, u, 0, "abcde".getBytes(StandardCharsets.UTF_8), false).statusCode()).isIn(201, 204);
        HttpResponse<String> r = patch(v, u, 3, "xyz".getBytes(StandardCharsets.UTF_8), false);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("Upload-Offset")).hasValue("5");
        assertThat(r.headers().firstValue("Upload-Complete")).hasValue("?0");
        assertThat(r.body()).contains("\"type\":\"" + MISMATCH + "\"", "\"title\":", "\"status\":409",
                "\"expected-offset\":5", "\"provided-offset\":3");
        assertThat(send(v, "HEAD", u, null).headers().firstValue("Upload-Offset")).as("nothing changed").hasValue("5");
    }

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {6, 7, 8, 9, 10})
    void anAppendToACompletedUploadIsRefusedAsCompleted(int v) throws Exception {
        start();
        String u = create(v, "Upload-Length", "3");
        assertThat(patch(v, u, 0, "abc".getBytes(StandardCharsets.UTF_8), true).statusCode()).isIn(200, 201);
        HttpResponse<String> again = patch(v, u, 3, new byte[0], true);
        // 400 with completed-upload from interop 6; 410 from -10 on (interop 10 here, docs/upload-protocols.md §2.5)
        assertThat(again.statusCode()).isEqualTo(v >= 10 ? 410 : 400);
        assertThat(again.body()).contains(COMPLETED);
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    // ---- lengths ----

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {6, 8})
    void aCreationWhoseBodyIsNotItsUploadLengthIsInconsistent(int v) throws Exception {
        start();
        HttpResponse<String> r = send(v, "POST", "/uploads/", "abcd".getBytes(StandardCharsets.UTF_8),
                "Upload-Complete", "?1", "Upload-Length", "10");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains(INCONSISTENT);
        assertNoUploadData();
    }

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {6, 8, 10})
    void anAppendPastTheLengthIsInconsistentAndKeepsNothing(int v) throws Exception {
        start();
        String u = create(v, "Upload-Length", "10");
        HttpResponse<String> over = patch(v, u, 0, random(11, 7), false);
        assertThat(over.statusCode()).isEqualTo(400);
        assertThat(over.body()).contains(INCONSISTENT);
        HttpResponse<String> otherLength = patch(v, u, 0, random(4, 8), false, "Upload-Length", "12");
        assertThat(otherLength.statusCode()).as("a length cannot change").isEqualTo(400);
        assertThat(otherLength.body()).contains(INCONSISTENT);
        HttpResponse<String> endsShort = patch(v, u, 0, random(4, 9), true);
        assertThat(endsShort.statusCode()).as("complete at 4 of 10").isEqualTo(400);
        assertThat(endsShort.body()).contains(INCONSISTENT);
        assertThat(send(v, "HEAD", u, null).headers().firstValue("Upload-Offset")).hasValue("0");
    }

    @Test
    void anUploadOverTheLimitIsRefusedWith413() throws Exception {
        start(s -> with(s, 1000, s.expiry(), s.tokens()));
        HttpResponse<String> r = send(8, "POST", "/uploads/", null, "Upload-Complete", "?0", "Upload-Length", "1001");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("1000");
    }

    @Test
    void uploadLimitNamesTheLifetimeAsEachVersionDoes() throws Exception {
        start(s -> with(s, 5_000_000, Duration.ofHours(2), s.tokens()));
        HttpResponse<String> v5 = send(5, "POST", "/uploads/", null, "Upload-Complete", "?0");
        assertThat(v5.headers().firstValue("Upload-Limit")).as("interop 5 has no Upload-Limit").isEmpty();
        HttpResponse<String> v6 = send(6, "POST", "/uploads/", null, "Upload-Complete", "?0");
        assertThat(v6.headers().firstValue("Upload-Limit").orElseThrow().split(",\\s*"))
                .contains("max-size=5000000", "expires=7200").doesNotContain("max-age=7200");
        HttpResponse<String> v8 = send(8, "POST", "/uploads/", null, "Upload-Complete", "?0");
        assertThat(v8.headers().firstValue("Upload-Limit").orElseThrow().split(",\\s*"))
                .contains("max-size=5000000", "max-age=7200");
        HttpResponse<String> head = send(8, "HEAD", v8.headers().firstValue("Location").orElseThrow(), null);
        assertThat(head.headers().firstValue("Upload-Limit").orElseThrow()).contains("max-age=7200");
        HttpResponse<String> options = HTTP.send(HttpRequest.newBuilder(url("/uploads/"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), text());
        assertThat(options.headers().firstValue("Upload-Limit").orElseThrow()).contains("max-size=5000000");
    }

    @Test
    void withNoLimitAtAllUploadLimitSaysMinSizeZero() throws Exception {
        start(s -> with(s, 0, Duration.ZERO, s.tokens()));
        HttpResponse<String> c = send(7, "POST", "/uploads/", null, "Upload-Complete", "?0");
        assertThat(c.headers().firstValue("Upload-Limit")).hasValue("min-size=0");
    }

    // ---- offset retrieval and cancellation ----

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {5, 6})
    void interop5And6RefuseProtocolFieldsOnHeadAndDelete(int v) throws Exception {
        start();
        String u = create(v, "Upload-Length", "10");
        assertThat(send(v, "HEAD", u, null, "Upload-Offset", "0").statusCode()).isEqualTo(400);
        assertThat(send(v, "HEAD", u, null, "Upload-Complete", "?0").statusCode()).isEqualTo(400);
        assertThat(send(v, "DELETE", u, null, "Upload-Offset", "0").statusCode()).isEqualTo(400);
        assertThat(send(v, "HEAD", u, null).statusCode()).as("the upload is still there").isIn(200, 204);
    }

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {5, 6, 8, 10})
    void deleteCancelsWith204ThenTheUploadIs404(int v) throws Exception {
        start();
        String u = create(v, "Upload-Length", "10");
        assertThat(patch(v, u, 0, "abc".getBytes(StandardCharsets.UTF_8), false).statusCode()).isIn(201, 204);
        assertThat(send(v, "DELETE", u, null).statusCode()).isEqualTo(204);
        assertThat(send(v, "HEAD", u, null).statusCode()).isEqualTo(404);
        assertThat(patch(v, u, 3, "d".getBytes(StandardCharsets.UTF_8), false).statusCode()).isEqualTo(404);
        assertThat(send(v, "DELETE", u, null).statusCode()).isEqualTo(404);
        try (var files = Files.list(server.state().resolve("uploads"))) {
            assertThat(files).as("its data is gone").isEmpty();
        }
    }

    @Test
    void anUnknownUploadIs404() throws Exception {
        start();
        assertThat(send(8, "HEAD", "/uploads/AAAAAAAAAAAAAAAAAAAAAAAAAA", null).statusCode()).isEqualTo(404);
        assertThat(patch(8, "/uploads/AAAAAAAAAAAAAAAAAAAAAAAAAA", 0, new byte[] {1}, true).statusCode())
                .isEqualTo(404);
    }

    // ---- versions, protocols, tokens ----

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(strings = {"3", "4", "11", "abc", "-1"})
    void anUnsupportedInteropVersionIs400ListingTheSupportedOnesAndNeverA104(String v) {
        start();
        try (RawHttp http = server.raw()) {
            http.send("POST /uploads/ HTTP/1.1\r\nHost: test\r\nUpload-Draft-Interop-Version: " + v + "\r\n"
                    + "Upload-Complete: ?1\r\nContent-Length: 3\r\n\r\nabc");
            RawHttp.Response r = http.read();
            assertThat(r.status()).as("no 104 for a version we do not speak").isEqualTo(400);
            assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(r.bodyText()).contains("5", "6", "7", "8", "9", "10");
        }
        assertNoUploadData();
    }

    @Test
    void aRequestWithBothTusAndIetfFieldsFollowsTheIetfDraft() throws Exception {
        // docs/upload-protocols.md §0: the interop field decides, as tusd does
        start();
        HttpResponse<String> c = send(6, "POST", "/uploads/", null, "Tus-Resumable", "1.0.0",
                "Upload-Complete", "?0", "Upload-Length", "4");
        assertThat(c.statusCode()).isEqualTo(201);
        assertThat(c.headers().firstValue("Upload-Complete")).hasValue("?0");
        assertThat(c.headers().firstValue("Upload-Draft-Interop-Version")).hasValue("6");
        String u = c.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> p = send(6, "PATCH", u, "ab".getBytes(StandardCharsets.UTF_8), "Tus-Resumable", "1.0.0",
                "Upload-Offset", "0", "Upload-Complete", "?0", "Content-Type", "application/partial-upload");
        assertThat(p.statusCode()).as("IETF status, and the tus content type was not demanded").isEqualTo(201);
        HttpResponse<String> bad = send(6, "PATCH", u, "cd".getBytes(StandardCharsets.UTF_8), "Tus-Resumable",
                "1.0.0", "Upload-Offset", "1", "Upload-Complete", "?1", "Content-Type", "application/partial-upload");
        assertThat(bad.statusCode()).isEqualTo(409);
        assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void anUploadIsTheSameWhicheverProtocolTouchesIt() throws Exception {
        start();
        byte[] data = random(6000, 10);
        HttpResponse<String> tus = HTTP.send(HttpRequest.newBuilder(url("/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", "6000").header("Upload-Metadata", "filename " + b64("both.bin")).build(), text());
        assertThat(tus.statusCode()).isEqualTo(201);
        String u = tus.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> tusPatch = HTTP.send(HttpRequest.newBuilder(url(u))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(slice(data, 0, 2500)))
                .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream").build(), text());
        assertThat(tusPatch.statusCode()).isEqualTo(204);
        HttpResponse<String> h = send(8, "HEAD", u, null);
        assertThat(h.headers().firstValue("Upload-Offset")).hasValue("2500");
        assertThat(h.headers().firstValue("Upload-Length")).hasValue("6000");
        assertThat(patch(8, u, 2500, slice(data, 2500, 6000), true).statusCode()).isEqualTo(200);
        assertThat(Files.readAllBytes(server.root().resolve("both.bin"))).isEqualTo(data);
    }

    @Test
    void tokensAreRequiredAndAnUploadBelongsToItsCreatorsToken() throws Exception {
        start(s -> with(s, 0, s.expiry(), List.of("alpha", "beta")));
        HttpResponse<String> anonymous = send(8, "POST", "/uploads/", null, "Upload-Complete", "?0");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        assertThat(send(8, "POST", "/uploads/", null, "Upload-Complete", "?0", "Authorization", "Bearer gamma")
                .statusCode()).isEqualTo(401);
        String u = create(8, "Upload-Length", "3", "Authorization", "Bearer alpha");
        assertThat(send(8, "HEAD", u, null, "Authorization", "Bearer beta").statusCode()).isEqualTo(404);
        assertThat(patch(8, u, 0, "abc".getBytes(StandardCharsets.UTF_8), true, "Authorization", "Bearer beta")
                .statusCode()).isEqualTo(404);
        assertThat(send(8, "DELETE", u, null, "Authorization", "Bearer beta").statusCode()).isEqualTo(404);
        assertThat(send(8, "HEAD", u, null).statusCode()).isEqualTo(401);
        assertThat(patch(8, u, 0, "abc".getBytes(StandardCharsets.UTF_8), true, "Authorization", "Bearer alpha")
                .statusCode()).isEqualTo(200);
    }

    // ---- the finished file ----

    @Test
    void aFileFinishedByIetfIsInTheRootAndDownloadsWithTheRightBytes() throws Exception {
        start();
        byte[] data = random(250_000, 11);
        String u = create(6, "Upload-Length", "250000", "Upload-Metadata", "filename " + b64("ietf report.pdf"));
        assertThat(patch(6, u, 0, slice(data, 0, 100_000), false).statusCode()).isEqualTo(201);
        assertThat(patch(6, u, 100_000, slice(data, 100_000, 250_000), true).statusCode()).isEqualTo(201);
        try (var files = Files.list(server.state().resolve("uploads"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith(u.substring("/uploads/".length()))))
                    .as("moved, not copied").isEmpty();
        }
        HttpResponse<byte[]> get = HTTP.send(HttpRequest.newBuilder(url("/ietf%20report.pdf")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(data);
        String sha = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(get.headers().firstValue("Repr-Digest")).hasValue("sha-256=:" + sha + ":");
        HttpResponse<byte[]> range = HTTP.send(HttpRequest.newBuilder(url("/ietf%20report.pdf"))
                .header("Range", "bytes=99990-100009").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(slice(data, 99_990, 100_010));
    }

    @Test
    void tusJsClientsDraft05QuirksAreAbsorbed() throws Exception {
        // docs/upload-protocols.md §3.3: the last PATCH may say ?0 (the upload still completes at its declared
        // length), and a creation with data is typed application/partial-upload, which is not the file's type.
        start();
        byte[] data = random(8000, 12);
        HttpResponse<String> c = send(6, "POST", "/uploads/", slice(data, 0, 3000), "Upload-Complete", "?0",
                "Upload-Length", "8000", "Content-Type", "application/partial-upload",
                "Upload-Metadata", "filename " + b64("quirks.bin") + ",filetype " + b64("application/octet-stream"));
        assertThat(c.statusCode()).isEqualTo(201);
        String u = c.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> last = patch(6, u, 3000, slice(data, 3000, 8000), false);
        assertThat(last.statusCode()).isEqualTo(201);
        assertThat(last.headers().firstValue("Upload-Complete")).hasValue("?1");
        assertThat(Files.readAllBytes(server.root().resolve("quirks.bin"))).isEqualTo(data);
    }

    // ---- interrupted appends ----

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {6, 8})
    void aPatchCutByAConnectionResetKeepsTheReceivedBytes(int v) throws Exception {
        start();
        byte[] data = random(400_000, 13);
        String u = create(v, "Upload-Length", "400000", "Upload-Metadata", "filename " + b64("cut-" + v + ".bin"));
        try (RawHttp http = server.raw()) {
            http.send("PATCH " + u + " HTTP/1.1\r\nHost: test\r\nUpload-Draft-Interop-Version: " + v + "\r\n"
                    + "Upload-Offset: 0\r\nUpload-Complete: ?1\r\nContent-Type: application/partial-upload\r\n"
                    + "Content-Length: 400000\r\n\r\n");
            http.send(slice(data, 0, 250_000));
            received(u, 250_000);
            http.socket().setSoLinger(true, 0);
        }
        long offset = offsetWhenSettled(v, u);
        assertThat(offset).as("what arrived is kept").isPositive().isLessThanOrEqualTo(250_000);
        byte[] kept = Files.readAllBytes(server.state().resolve("uploads").resolve(u.substring("/uploads/".length())));
        assertThat(slice(kept, 0, (int) offset)).as("and it is the right data").isEqualTo(slice(data, 0, (int) offset));
        HttpResponse<String> rest = patch(v, u, offset, slice(data, (int) offset, data.length), true);
        assertThat(rest.statusCode()).isIn(200, 201);
        assertThat(Files.readAllBytes(server.root().resolve("cut-" + v + ".bin"))).isEqualTo(data);
    }

    // ---- helpers ----

    /** The offset HEAD reports once it stops changing (the cut request's bytes are committed). */
    long offsetWhenSettled(int v, String upload) {
        long[] last = {-1};
        return Poll.until(Duration.ofSeconds(15), () -> {
            try {
                HttpResponse<String> h = send(v, "HEAD", upload, null);
                long now = Long.parseLong(h.headers().firstValue("Upload-Offset").orElse("-1"));
                boolean same = now == last[0] && now > 0;
                last[0] = now;
                return same ? now : -1L;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, o -> o > 0);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpResponse.BodyHandler<String> text() {
        return HttpResponse.BodyHandlers.ofString();
    }

    HttpResponse<String> send(int version, String method, String path, byte[] body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Upload-Draft-Interop-Version", Integer.toString(version));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), text());
    }

    /** An append as the version wants it: application/partial-upload from interop 6 on. */
    HttpResponse<String> patch(int version, String upload, long offset, byte[] data, boolean complete,
                               String... headers) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("Upload-Offset", Long.toString(offset),
                "Upload-Complete", complete ? "?1" : "?0"));
        if (version >= 6) {
            all.addAll(List.of("Content-Type", "application/partial-upload"));
        }
        all.addAll(List.of(headers));
        return send(version, "PATCH", upload, data, all.toArray(String[]::new));
    }

    /** Creates an upload with Upload-Complete: ?0 and no data; its path. */
    String create(int version, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Upload-Complete";
        all[1] = "?0";
        System.arraycopy(headers, 0, all, 2, headers.length);
        HttpResponse<String> r = send(version, "POST", "/uploads/", null, all);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow();
    }

    /** No upload's data exists (the directory is made with the first upload). */
    void assertNoUploadData() {
        java.nio.file.Path dir = server.state().resolve("uploads");
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                assertThat(files).as("no upload was made").isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static byte[] read(java.nio.file.Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    /** Waits until the server has received {@code bytes} of the upload (its data holds them). */
    void received(String upload, long bytes) {
        Path data = server.state().resolve("uploads").resolve(upload.substring(upload.lastIndexOf('/') + 1));
        Poll.until(Duration.ofSeconds(10), () -> data.toFile().length(), n -> n >= bytes);
    }
}
