package dev.carryon.server.upload;

import dev.carryon.server.testing.Metrics;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the protocol tests leave out: CORS for browser clients (every tus and IETF header exposed), Location
 * behind a proxy (relative unless the proxy is trusted), the cap on uploads written at once, hostile file names
 * in Upload-Metadata, and the upload metrics.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadEdgesTest {

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

    static UploadSettings cors(UploadSettings s, List<String> origins, List<String> tokens) {
        return new UploadSettings(s.path(), s.maxSize(), s.expiry(), s.overwrite(), tokens, origins, s.trustProxy(),
                s.maxConcurrent(), s.bodyTimeout(), s.stallTakeover());
    }

    static UploadSettings trusting(UploadSettings s) {
        return new UploadSettings(s.path(), s.maxSize(), s.expiry(), s.overwrite(), s.tokens(), s.corsOrigins(), true,
                s.maxConcurrent(), s.bodyTimeout(), s.stallTakeover());
    }

    static UploadSettings concurrent(UploadSettings s, int max) {
        return new UploadSettings(s.path(), s.maxSize(), s.expiry(), s.overwrite(), s.tokens(), s.corsOrigins(),
                s.trustProxy(), max, s.bodyTimeout(), s.stallTakeover());
    }

    RawHttp.Response once(String method, String target, String... headers) {
        try (RawHttp http = server.raw()) {
            return method.equals("HEAD") ? http.request(method, target, headers).readHead()
                    : http.request(method, target, headers).read();
        }
    }

    RawHttp.Response create(String... headers) {
        List<String> all = new ArrayList<>(List.of("Tus-Resumable: 1.0.0", "Content-Length: 0"));
        all.addAll(List.of(headers));
        return once("POST", "/uploads/", all.toArray(String[]::new));
    }

    /** Waits until the server has written this many upload bytes in all: a writer holds its upload by then. */
    void awaitUploadBytes(double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Metrics.valueOrZero(Metrics.scrape(server.port()), "carryon_upload_bytes_total") < atLeast) {
            assertThat(System.nanoTime()).as("the server wrote %s upload bytes", atLeast).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    // ---- CORS ----

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredAndEveryProtocolHeaderIsExposed() {
        start(s -> cors(s, List.of("https://app.example"), List.of()));
        RawHttp.Response pre = once("OPTIONS", "/uploads/", "Origin: https://app.example",
                "Access-Control-Request-Method: PATCH",
                "Access-Control-Request-Headers: upload-offset, tus-resumable, upload-draft-interop-version");
        assertThat(pre.status()).isIn(200, 204);
        assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
        assertThat(pre.header("Vary")).contains("Origin");
        assertThat(pre.header("Access-Control-Allow-Methods")).contains("POST", "HEAD", "PATCH", "DELETE");
        assertThat(pre.header("Access-Control-Allow-Headers")).contains("Upload-Offset", "Tus-Resumable",
                "Upload-Draft-Interop-Version", "Upload-Checksum", "Upload-Metadata", "Upload-Complete");

        RawHttp.Response made = create("Origin: https://app.example", "Upload-Length: 5");
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
        assertThat(made.header("Access-Control-Expose-Headers")).contains("Location", "Upload-Offset",
                "Upload-Length", "Upload-Expires", "Tus-Resumable", "Upload-Complete", "Upload-Limit",
                "Upload-Draft-Interop-Version", "Repr-Digest");
    }

    @Test
    void anOriginNotListedGetsNoCorsFields() {
        start(s -> cors(s, List.of("https://app.example"), List.of()));
        RawHttp.Response pre = once("OPTIONS", "/uploads/", "Origin: https://evil.example",
                "Access-Control-Request-Method: PATCH");
        assertThat(pre.header("Access-Control-Allow-Origin")).isNull();
        RawHttp.Response made = create("Origin: https://evil.example", "Upload-Length: 5");
        assertThat(made.header("Access-Control-Allow-Origin")).isNull();
        assertThat(made.header("Access-Control-Expose-Headers")).isNull();
    }

    @Test
    void anyOriginWithTokensEchoesTheOriginRatherThanAStar() {
        start(s -> cors(s, List.of("*"), List.of("s3cret")));
        RawHttp.Response made = create("Origin: https://somewhere.example", "Upload-Length: 5",
                "Authorization: Bearer s3cret");
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.header("Access-Control-Allow-Origin")).isEqualTo("https://somewhere.example");
        assertThat(made.header("Vary")).contains("Origin");
    }

    // ---- Location behind a proxy ----

    @Test
    void locationIsRelativeAndForwardedFieldsAreIgnoredUnlessTheProxyIsTrusted() {
        start(s -> s);
        RawHttp.Response made = create("Upload-Length: 5", "X-Forwarded-Proto: https",
                "X-Forwarded-Host: files.example", "Forwarded: proto=https;host=evil.example");
        assertThat(made.header("Location")).startsWith("/uploads/");
    }

    @Test
    void aTrustedProxyMakesTheLocationAbsolute() {
        start(UploadEdgesTest::trusting);
        RawHttp.Response xf = create("Upload-Length: 5", "X-Forwarded-Proto: https",
                "X-Forwarded-Host: files.example", "X-Forwarded-Prefix: /store/");
        assertThat(xf.header("Location")).matches("https://files\\.example/store/uploads/[a-z0-9]+");
        RawHttp.Response fw = create("Upload-Length: 5", "Forwarded: for=10.0.0.1;proto=https;host=\"cdn.example\"");
        assertThat(fw.header("Location")).matches("https://cdn\\.example/uploads/[a-z0-9]+");
        RawHttp.Response plain = create("Upload-Length: 5");
        assertThat(plain.header("Location")).as("no forwarding fields: the Host").matches("http://test/uploads/[a-z0-9]+");
    }

    // ---- the cap on uploads written at once ----

    @Test
    void uploadsBeyondTheCapAre503WithRetryAfterAndTheWritingOneIsUnharmed() throws Exception {
        start(s -> concurrent(s, 1));
        String first = create("Upload-Length: 100").header("Location");
        String second = create("Upload-Length: 100").header("Location");
        try (RawHttp writing = server.raw()) {
            // a PATCH that has sent half its body holds the only slot
            writing.request("PATCH", first, "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                    "Content-Type: application/offset+octet-stream", "Content-Length: 100");
            writing.send(new byte[50]);
            awaitUploadBytes(50);
            RawHttp.Response refused;
            try (RawHttp other = server.raw()) {
                other.request("PATCH", second, "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                        "Content-Type: application/offset+octet-stream", "Content-Length: 10");
                other.send(new byte[10]);
                refused = other.read();
            }
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.bodyText()).contains("uploads at once");
            writing.send(new byte[50]);
            RawHttp.Response done = writing.read();
            assertThat(done.status()).isEqualTo(204);
            assertThat(done.header("Upload-Offset")).isEqualTo("100");
        }
        RawHttp.Response later = once("HEAD", second, "Tus-Resumable: 1.0.0");
        assertThat(later.header("Upload-Offset")).as("the refused PATCH wrote nothing").isEqualTo("0");
    }

    // ---- hostile file names ----

    @Test
    void hostileFileNamesNeverLeaveTheRoot() throws Exception {
        start(s -> s);
        Path outside = server.root().getParent();
        List<String> names = List.of("../escape.txt", "../../etc/passwd", "/etc/passwd", "a/../../b.txt",
                "..", ".", ".hidden", "nul\u0000byte.txt", "line\r\nbreak.txt", "x".repeat(1000) + ".txt",
                "back\\slash\\..\\..\\win.txt");
        List<String> before;
        try (Stream<Path> s = Files.list(outside)) {
            before = s.map(Path::toString).sorted().toList();
        }
        for (String name : names) {
            String meta = "filename " + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8));
            RawHttp.Response made = create("Upload-Length: 3", "Upload-Metadata: " + meta);
            if (made.status() != 201) {
                assertThat(made.status()).as("refused outright: " + name).isEqualTo(400);
                continue;
            }
            try (RawHttp http = server.raw()) {
                http.request("PATCH", made.header("Location"), "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                        "Content-Type: application/offset+octet-stream", "Content-Length: 3");
                http.send("abc");
                assertThat(http.read().status()).as(name).isEqualTo(204);
            }
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.map(Path::toString).sorted().toList()).as("nothing written beside the root").isEqualTo(before);
        }
        try (Stream<Path> s = Files.walk(server.root())) {
            List<Path> stored = s.filter(Files::isRegularFile).toList();
            assertThat(stored).allSatisfy(p -> {
                assertThat(p.getParent()).isEqualTo(server.root());
                assertThat(p.getFileName().toString()).doesNotStartWith(".").doesNotContain("\u0000", "\r", "\n",
                        "/", "\\");
                assertThat(p.getFileName().toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
                assertThat(Files.readString(p)).isEqualTo("abc");
            });
            assertThat(stored).hasSize(names.size());
        }
    }

    // ---- metrics ----

    @Test
    void theMetricsCountUploadsBytesChecksumFailuresAndTakeovers() throws Exception {
        start(s -> s);
        String a = create("Upload-Length: 6").header("Location");
        try (RawHttp http = server.raw()) {
            http.request("PATCH", a, "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                    "Content-Type: application/offset+octet-stream", "Content-Length: 3",
                    "Upload-Checksum: sha1 " + Base64.getEncoder().encodeToString(new byte[20]));
            http.send("abc");
            assertThat(http.read().status()).isEqualTo(460);
        }
        try (RawHttp http = server.raw()) {
            http.request("PATCH", a, "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                    "Content-Type: application/offset+octet-stream", "Content-Length: 6");
            http.send("abcdef");
            assertThat(http.read().status()).isEqualTo(204);
        }
        String b = create("Upload-Length: 10").header("Location");
        try (RawHttp stalled = server.raw(); RawHttp newer = server.raw()) {
            stalled.request("PATCH", b, "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
                    "Content-Type: application/offset+octet-stream", "Content-Length: 10");
            stalled.send("12345");
            awaitUploadBytes(3 + 6 + 5);
            newer.request("PATCH", b, "Tus-Resumable: 1.0.0", "Upload-Offset: 5",
                    "Content-Type: application/offset+octet-stream", "Content-Length: 5");
            newer.send("67890");
            RawHttp.Response took = newer.read();
            assertThat(took.status()).isIn(204, 409);
        }
        String scrape = Metrics.scrape(server.port());
        assertThat(Metrics.value(scrape, "carryon_uploads_total")).isEqualTo(2.0);
        assertThat(Metrics.value(scrape, "carryon_uploads_completed_total")).isGreaterThanOrEqualTo(1.0);
        assertThat(Metrics.value(scrape, "carryon_upload_checksum_failures_total")).isEqualTo(1.0);
        assertThat(Metrics.value(scrape, "carryon_upload_bytes_total")).isGreaterThanOrEqualTo(6 + 3 + 5);
        assertThat(Metrics.value(scrape, "carryon_upload_takeovers_total")).isGreaterThanOrEqualTo(1.0);
    }
}
