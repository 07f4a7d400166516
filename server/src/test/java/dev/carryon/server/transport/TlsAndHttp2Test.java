package dev.carryon.server.transport;

import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.Metrics;
import dev.carryon.server.testing.Multipart;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import dev.carryon.server.testing.Tools;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The same answers over TLS (HTTP/1.1 and h2 by ALPN) and over cleartext HTTP/2 (prior knowledge, upgrade). */
class TlsAndHttp2Test {

    static final byte[] BIG = TestFiles.random(9 << 20, 7);
    static final byte[] SMALL = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    static X509Bundle cert;
    static Path certDir;

    @BeforeAll
    static void certificate() throws Exception {
        cert = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        certDir = Files.createTempDirectory("carryon-tls-");
        Files.writeString(certDir.resolve("cert.pem"), cert.getCertificatePEM());
        Files.writeString(certDir.resolve("key.pem"), cert.getPrivateKeyPEM());
    }

    @AfterAll
    static void cleanUp() {
        TestFiles.deleteRecursively(certDir);
    }

    static TestServer serve(boolean tls, boolean http2) {
        TestServer s = TestServer.start(b -> {
            b.http2(http2);
            return tls ? b.tls(certDir.resolve("cert.pem"), certDir.resolve("key.pem")) : b;
        });
        TestFiles.aged(s.file("big.bin", BIG));
        TestFiles.aged(s.file("small.txt", SMALL));
        return s;
    }

    static HttpClient client(HttpClient.Version version) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {cert.toTrustManager()}, null);
        return HttpClient.newBuilder().version(version).sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static HttpResponse<byte[]> get(HttpClient client, URI uri, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The assertions every protocol must pass identically. */
    static void sameAnswers(HttpClient client, TestServer s, HttpClient.Version expected) throws Exception {
        HttpResponse<byte[]> whole = get(client, s.uri("/big.bin"));
        assertThat(whole.version()).isEqualTo(expected);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("content-length")).hasValue(Integer.toString(BIG.length));
        assertThat(sha256(whole.body())).isEqualTo(sha256(BIG));
        String etag = whole.headers().firstValue("etag").orElseThrow();

        HttpResponse<byte[]> range = get(client, s.uri("/big.bin"), "Range", "bytes=1000000-1999999", "If-Range", etag);
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("content-range")).hasValue("bytes 1000000-1999999/" + BIG.length);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(BIG, 1_000_000, 2_000_000));

        HttpResponse<byte[]> multi = get(client, s.uri("/big.bin"), "Range", "bytes=5000000-5000009,0-2");
        assertThat(multi.statusCode()).isEqualTo(206);
        List<Multipart.Part> parts = Multipart.parse(multi.headers().firstValue("content-type").orElseThrow(), multi.body());
        assertThat(parts).extracting(Multipart.Part::contentRange)
                .containsExactly("bytes 5000000-5000009/" + BIG.length, "bytes 0-2/" + BIG.length);
        assertThat(parts.get(0).body()).isEqualTo(Arrays.copyOfRange(BIG, 5_000_000, 5_000_010));
        assertThat(parts.get(1).body()).isEqualTo(Arrays.copyOfRange(BIG, 0, 3));

        HttpResponse<byte[]> unsatisfiable = get(client, s.uri("/small.txt"), "Range", "bytes=36-");
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("content-range")).hasValue("bytes */36");

        HttpResponse<byte[]> notModified = get(client, s.uri("/big.bin"), "If-None-Match", etag);
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();

        HttpResponse<byte[]> missing = get(client, s.uri("/nope"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("no such file");

        HttpResponse<Void> head = client.send(HttpRequest.newBuilder(s.uri("/big.bin"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-length")).hasValue(Integer.toString(BIG.length));
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverTls {
        TestServer server = serve(true, true);

        @AfterAll
        void stop() {
            server.close();
        }

        @Test
        void http2IsNegotiatedByAlpn() throws Exception {
            sameAnswers(client(HttpClient.Version.HTTP_2), server, HttpClient.Version.HTTP_2);
        }

        @Test
        void http11OverTls() throws Exception {
            sameAnswers(client(HttpClient.Version.HTTP_1_1), server, HttpClient.Version.HTTP_1_1);
        }

        @Test
        void theUrlSaysHttps() {
            assertThat(server.server().url()).startsWith("https://127.0.0.1:");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverTlsWithoutHttp2 {
        TestServer server = serve(true, false);

        @AfterAll
        void stop() {
            server.close();
        }

        @Test
        void alpnOffersOnlyHttp11() throws Exception {
            sameAnswers(client(HttpClient.Version.HTTP_2), server, HttpClient.Version.HTTP_1_1);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Cleartext {
        TestServer server = serve(false, true);

        @AfterAll
        void stop() {
            server.close();
        }

        @Test
        void h2cByUpgrade() throws Exception {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            // The JDK client upgrades on its first request and then stays on HTTP/2.
            get(client, server.uri("/small.txt"));
            sameAnswers(client, server, HttpClient.Version.HTTP_2);
        }

        @Test
        void http11StillWorksBesideH2c() throws Exception {
            sameAnswers(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), server,
                    HttpClient.Version.HTTP_1_1);
        }

        // The three below were found by RequestFuzzTest: each logged a stack trace (anyone could fill the log), and
        // the CONNECT was answered 101 and then nothing.

        @ParameterizedTest(name = "HTTP2-Settings: {0}")
        @ValueSource(strings = {"a:b", "AAM", "AAIAAAAC", "AAQAAAAA/w", "AAMAAABk,AAMAAABk"})
        void anUpgradeWithBrokenSettingsIsAnsweredInHttp11AndLogsNothing(String settings) {
            try (LogCapture log = LogCapture.start(); RawHttp http = server.raw()) {
                RawHttp.Response r = http.send("GET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                        + "Upgrade: h2c\r\nHTTP2-Settings: " + settings + "\r\n\r\n").read();
                assertThat(r.statusLine()).startsWith("HTTP/1.1 200");
                assertThat(r.body()).isEqualTo(SMALL);
                assertThat(log.trouble()).isEmpty();
            }
        }

        @Test
        void anUpgradeOfAConnectToAPathIsNotSwitchedAndLogsNothing() {
            try (LogCapture log = LogCapture.start(); RawHttp http = server.raw()) {
                RawHttp.Response r = http.send("CONNECT /small.txt HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n").read();
                assertThat(r.status()).isBetween(400, 499);
                assertThat(log.trouble()).isEmpty();
            }
        }

        @Test
        void aClientThatClosesInsideTheBodyOfAnUpgradeRequestLogsNothing() throws Exception {
            try (LogCapture log = LogCapture.start(); RawHttp http = server.raw()) {
                http.send("POST /small.txt HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\nContent-Length: 10\r\n\r\nabc");
                http.socket().shutdownOutput();
                assertThat(http.closedByPeer()).isTrue();
                // The close is handled on the event loop after the client sees it: wait for the connection to go.
                Poll.until(Duration.ofSeconds(5), () -> Metrics.value(Metrics.scrape(server.port()), "carryon_connections_open"),
                        n -> n == 1.0);
                assertThat(log.trouble()).isEmpty();
            }
        }

        static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

        // Found by RequestFuzzTest: the frame codec passes a client's protocol error down the pipeline after its
        // GOAWAY, and it reached the tail as a warning with a stack trace.
        @Test
        void aFirstFrameThatIsNotSettingsClosesTheConnectionAndLogsNothing() throws Exception {
            try (LogCapture log = LogCapture.start(); RawHttp http = server.raw()) {
                http.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\u0000\u0000\u0008\u0006\u0000\u0000\u0000\u0000\u0000"
                        + "12345678"); // a PING where SETTINGS must come
                assertGoAwayAndClose(http, log);
            }
        }

        @Test
        void anUpgradeFollowedByNoPrefaceClosesTheConnectionAndLogsNothing() throws Exception {
            try (LogCapture log = LogCapture.start(); RawHttp http = server.raw()) {
                RawHttp.Response switched = http.send("GET /small.txt HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n").readHead();
                assertThat(switched.status()).isEqualTo(101);
                http.send("GET /-/health HTTP/1.1\r\nHost: x\r\n\r\n"); // HTTP/1.1 where the preface must come
                assertGoAwayAndClose(http, log);
            }
        }

        // Found by RequestFuzzTest: the codec decodes what is left of its input after the first answer closed the
        // connection; the upgrade of that request, on a closed channel, ended in a NullPointerException (a WARN).
        @Test
        void anUpgradePipelinedAfterAConnectionCloseIsNotAttemptedAndLogsNothing() throws Exception {
            try (LogCapture log = LogCapture.start(); RawHttp http = server.raw()) {
                http.send("GET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        + "GET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n");
                RawHttp.Response r = http.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(http.closedByPeer()).as("nothing after the answer that closes").isTrue();
                Poll.until(Duration.ofSeconds(5), () -> Metrics.value(Metrics.scrape(server.port()), "carryon_connections_open"),
                        n -> n == 1.0);
                assertThat(log.trouble()).isEmpty();
            }
        }

        private void assertGoAwayAndClose(RawHttp http, LogCapture log) throws Exception {
            byte[] got = http.input().readAllBytes();
            assertThat(got).as("frames, a GOAWAY last, then the close").isNotEmpty();
            // The log line, if any, is written on the event loop as the connection closes: wait for it to be gone.
            Poll.until(Duration.ofSeconds(5), () -> Metrics.value(Metrics.scrape(server.port()), "carryon_connections_open"),
                    n -> n == 1.0);
            assertThat(log.trouble()).isEmpty();
        }

        @Test
        void h2cWithPriorKnowledgeByCurl() throws Exception {
            Path curl = Tools.require("curl");
            Path out = Files.createTempFile("carryon-h2c-", ".bin");
            try {
                Process p = new ProcessBuilder(curl.toString(), "-s", "--http2-prior-knowledge", "-o", out.toString(),
                        "-w", "%{http_version} %{http_code}", "-r", "4096-1052671", server.uri("/big.bin").toString())
                        .redirectErrorStream(true).start();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String written = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertThat(written).isEqualTo("2 206");
                assertThat(Files.readAllBytes(out)).isEqualTo(Arrays.copyOfRange(BIG, 4096, 1_052_672));
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

}
