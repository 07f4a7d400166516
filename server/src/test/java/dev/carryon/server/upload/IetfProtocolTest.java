package dev.carryon.server.upload;

import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IETF resumable-upload draft as carryon serve speaks it on the upload endpoint, request by request and over
 * raw sockets (the 104 informational response is part of the protocol): creation with and without the whole
 * body, offset retrieval, appending, completion, cancellation, and each refusal with its status and problem
 * document, in the interop versions where they differ (5: tus-js-client 'ietf-draft-03', 6: 'ietf-draft-05',
 * up to 10, the newest draft read).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IetfProtocolTest {

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void start() {
        server = TestServer.start(b -> b.uploads(UploadSettings.DEFAULT));
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends a request head with a body of {@code body} (Content-Length), on a new connection. */
    RawHttp request(String method, String target, byte[] body, String... headers) {
        RawHttp http = server.raw();
        String[] all = new String[headers.length + (body == null ? 0 : 1)];
        System.arraycopy(headers, 0, all, 0, headers.length);
        if (body != null) {
            all[headers.length] = "Content-Length: " + body.length;
        }
        http.request(method, target, all);
        if (body != null && body.length > 0) {
            http.send(body);
        }
        return http;
    }

    RawHttp.Response once(String method, String target, byte[] body, String... headers) {
        try (RawHttp http = request(method, target, body, headers)) {
            RawHttp.Response r = http.read();
            while (r.status() / 100 == 1) {
                r = http.read();
            }
            return r;
        }
    }

    String path(String location) {
        return location.startsWith("http") ? location.substring(location.indexOf('/', "http://".length())) : location;
    }

    // ---- creation ----

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {5, 6, 8, 10})
    void aCreationWithTheWholeBodyAnswers104ThenCompletes(int version) throws Exception {
        start();
        byte[] data = bytes(100_000, version);
        try (RawHttp http = request("POST", "/uploads/", data, "Upload-Draft-Interop-Version: " + version,
                "Upload-Complete: ?1", "Content-Disposition: attachment; filename=\"report-" + version + ".bin\"")) {
            RawHttp.Response info = http.read();
            assertThat(info.status()).as("Upload Resumption Supported, before the body is read").isEqualTo(104);
            assertThat(info.header("Location")).startsWith("/uploads/");
            assertThat(info.header("Upload-Draft-Interop-Version")).isEqualTo(Integer.toString(version));
            if (version >= 6) {
                assertThat(info.header("Upload-Limit")).as("limits from interop 6").isNotNull();
            } else {
                assertThat(info.header("Upload-Limit")).isNull();
            }
            RawHttp.Response done = http.read();
            assertThat(done.status()).as("complete: a final 200").isEqualTo(200);
            assertThat(done.header("Location")).isEqualTo(info.header("Location"));
            assertThat(done.header("Upload-Offset")).isEqualTo(Integer.toString(data.length));
            assertThat(done.header("Upload-Complete")).isEqualTo("?1");
        }
        assertThat(server.root().resolve("report-" + version + ".bin")).hasBinaryContent(data);
    }

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {5, 6, 8, 10})
    void aPartialCreationIsResumedByHeadAndAppendUntilComplete(int version) throws Exception {
        start();
        byte[] data = bytes(12_000, 10 + version);
        String v = "Upload-Draft-Interop-Version: " + version;
        RawHttp.Response created = once("POST", "/uploads/", java.util.Arrays.copyOf(data, 5_000), v,
                "Upload-Complete: ?0", "Upload-Length: " + data.length);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Upload-Offset")).isEqualTo("5000");
        assertThat(created.header("Upload-Complete")).isEqualTo("?0");
        String upload = path(created.header("Location"));

        try (RawHttp http = request("HEAD", upload, null, v)) {
            RawHttp.Response head = http.readHead();
            assertThat(head.status()).isEqualTo(204);
            assertThat(head.header("Upload-Offset")).isEqualTo("5000");
            assertThat(head.header("Upload-Complete")).isEqualTo("?0");
            assertThat(head.header("Upload-Length")).isEqualTo(Integer.toString(data.length));
            assertThat(head.header("Cache-Control")).isEqualTo("no-store");
        }

        RawHttp.Response appended = once("PATCH", upload, java.util.Arrays.copyOfRange(data, 5_000, data.length), v,
                "Upload-Offset: 5000", "Upload-Complete: ?1", "Content-Type: application/partial-upload");
        assertThat(appended.status()).as("201 up to interop 6, then 200 when complete")
                .isEqualTo(version <= 6 ? 201 : 200);
        assertThat(appended.header("Upload-Offset")).isEqualTo(Integer.toString(data.length));
        assertThat(appended.header("Upload-Complete")).isEqualTo("?1");
        Path stored = server.root().resolve(upload.substring("/uploads/".length()));
        assertThat(stored).as("no filename: the upload's id in the root").hasBinaryContent(data);
    }

    @Test
    void aCompleteUploadWithoutAnyLengthTakesItsBodyAsAll() throws Exception {
        start();
        byte[] data = bytes(70_000, 3);
        try (RawHttp http = server.raw()) {
            http.request("POST", "/uploads/", "Upload-Draft-Interop-Version: 8", "Upload-Complete: ?1",
                    "Transfer-Encoding: chunked");
            http.send(Integer.toHexString(data.length) + "\r\n");
            http.send(data);
            http.send("\r\n0\r\n\r\n");
            RawHttp.Response r = http.read();
            while (r.status() / 100 == 1) {
                r = http.read();
            }
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Upload-Length")).isEqualTo(Integer.toString(data.length));
            assertThat(r.header("Upload-Complete")).isEqualTo("?1");
        }
    }

    @Test
    void aCreationCutOnTheWayKeepsWhatArrivedUnderTheLocationOfIts104() throws Exception {
        start();
        byte[] data = bytes(1 << 20, 4);
        String location;
        try (RawHttp http = request("POST", "/uploads/", null, "Upload-Draft-Interop-Version: 6",
                "Upload-Complete: ?1", "Content-Length: " + data.length)) {
            RawHttp.Response info = http.read();
            assertThat(info.status()).isEqualTo(104);
            location = path(info.header("Location"));
            http.send(java.util.Arrays.copyOf(data, 300_000));
            Thread.sleep(300);
        } // the connection closes in the middle of the body
        long kept = -1;
        for (int i = 0; i < 100 && kept < 300_000; i++) {
            try (RawHttp http = request("HEAD", location, null, "Upload-Draft-Interop-Version: 6")) {
                RawHttp.Response head = http.readHead();
                assertThat(head.status()).isEqualTo(204);
                assertThat(head.header("Upload-Complete")).isEqualTo("?0");
                kept = Long.parseLong(head.header("Upload-Offset"));
            }
            Thread.sleep(50);
        }
        assertThat(kept).as("every byte that arrived").isEqualTo(300_000);
        RawHttp.Response rest = once("PATCH", location, java.util.Arrays.copyOfRange(data, (int) kept, data.length),
                "Upload-Draft-Interop-Version: 6", "Upload-Offset: " + kept, "Upload-Complete: ?1",
                "Content-Type: application/partial-upload");
        assertThat(rest.status()).isEqualTo(201);
        assertThat(rest.header("Upload-Complete")).isEqualTo("?1");
        assertThat(server.root().resolve(location.substring("/uploads/".length()))).hasBinaryContent(data);
    }

    // ---- refusals ----

    String partial(int version, int sent, int length) {
        RawHttp.Response created = once("POST", "/uploads/", bytes(sent, 9), "Upload-Draft-Interop-Version: "
                + version, "Upload-Complete: ?0", "Upload-Length: " + length);
        assertThat(created.status()).isEqualTo(201);
        return path(created.header("Location"));
    }

    @Test
    void aMismatchingOffsetIs409WithAProblemDocumentNamingBothOffsets() throws Exception {
        start();
        String upload = partial(8, 5, 20);
        RawHttp.Response r = once("PATCH", upload, bytes(4, 1), "Upload-Draft-Interop-Version: 8",
                "Upload-Offset: 3", "Upload-Complete: ?0", "Content-Type: application/partial-upload");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.bodyText()).contains("mismatching-upload-offset").contains("\"expected-offset\":5")
                .contains("\"provided-offset\":3");
    }

    @ParameterizedTest(name = "interop {0}")
    @ValueSource(ints = {6, 10})
    void anAppendToACompletedUploadIs400BeforeInterop10And410From10(int version) throws Exception {
        start();
        RawHttp.Response done = once("POST", "/uploads/", bytes(10, 2), "Upload-Draft-Interop-Version: " + version,
                "Upload-Complete: ?1");
        assertThat(done.status()).isEqualTo(200);
        RawHttp.Response r = once("PATCH", path(done.header("Location")), bytes(1, 1),
                "Upload-Draft-Interop-Version: " + version, "Upload-Offset: 10", "Upload-Complete: ?1",
                "Content-Type: application/partial-upload");
        assertThat(r.status()).isEqualTo(version >= 10 ? 410 : 400);
        assertThat(r.bodyText()).contains("completed-upload");
    }

    @Test
    void aBodyPastTheDeclaredLengthIs400InconsistentLength() throws Exception {
        start();
        String upload = partial(8, 2, 4);
        RawHttp.Response r = once("PATCH", upload, bytes(10, 1), "Upload-Draft-Interop-Version: 8",
                "Upload-Offset: 2", "Upload-Complete: ?0", "Content-Type: application/partial-upload");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("inconsistent-upload-length");
    }

    @Test
    void fromInterop6AnAppendNeedsTheMediaTypeOfAPartialUpload() throws Exception {
        start();
        String upload = partial(6, 2, 4);
        RawHttp.Response wrong = once("PATCH", upload, bytes(2, 1), "Upload-Draft-Interop-Version: 6",
                "Upload-Offset: 2", "Upload-Complete: ?1", "Content-Type: application/octet-stream");
        assertThat(wrong.status()).isEqualTo(415);
        assertThat(wrong.bodyText()).contains("application/partial-upload");
        String old = partial(5, 2, 4);
        RawHttp.Response five = once("PATCH", old, bytes(2, 1), "Upload-Draft-Interop-Version: 5",
                "Upload-Offset: 2", "Upload-Complete: ?1", "Content-Type: application/octet-stream");
        assertThat(five.status()).as("interop 5 names no media type").isEqualTo(201);
    }

    @Test
    void anInteropVersionThisServerDoesNotSpeakIs400WithoutA104() throws Exception {
        start();
        try (RawHttp http = request("POST", "/uploads/", bytes(10, 1), "Upload-Draft-Interop-Version: 99",
                "Upload-Complete: ?1")) {
            RawHttp.Response r = http.read();
            assertThat(r.status()).as("no 104 first").isEqualTo(400);
            assertThat(r.bodyText()).contains("Upload-Draft-Interop-Version").contains("99");
        }
        try (var files = Files.list(server.root())) {
            assertThat(files).as("nothing stored").isEmpty();
        }
    }

    @Test
    void anUploadCompleteThatIsNotABooleanIs400() throws Exception {
        start();
        RawHttp.Response r = once("POST", "/uploads/", bytes(3, 1), "Upload-Draft-Interop-Version: 8",
                "Upload-Complete: yes");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("Upload-Complete must be ?0 or ?1");
    }

    @Test
    void deleteCancelsAnUpload() throws Exception {
        start();
        String upload = partial(8, 3, 10);
        RawHttp.Response deleted = once("DELETE", upload, null, "Upload-Draft-Interop-Version: 8");
        assertThat(deleted.status()).isEqualTo(204);
        try (RawHttp http = request("HEAD", upload, null, "Upload-Draft-Interop-Version: 8")) {
            assertThat(http.readHead().status()).isIn(404, 410);
        }
    }

    @Test
    void withBothTusAndInteropHeadersTheDraftsRulesApply() throws Exception {
        start();
        RawHttp.Response r = once("POST", "/uploads/", "hello".getBytes(StandardCharsets.US_ASCII),
                "Upload-Draft-Interop-Version: 8", "Tus-Resumable: 1.0.0", "Upload-Complete: ?1");
        assertThat(r.status()).as("the IETF answer to a complete creation").isEqualTo(200);
        assertThat(r.header("Upload-Complete")).isEqualTo("?1");
        assertThat(r.header("Upload-Draft-Interop-Version")).isEqualTo("8");
    }
}
