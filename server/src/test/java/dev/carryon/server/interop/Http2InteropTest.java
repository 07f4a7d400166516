package dev.carryon.server.interop;

import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import dev.carryon.server.testing.Tools;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 in each way carryon offers it, driven by real clients: h2c by prior knowledge and by Upgrade (curl and
 * Java's HttpClient, whose default is to try the upgrade), and h2 over TLS by ALPN. Each fetches a range and the
 * whole file and checks the bytes.
 */
class Http2InteropTest {

    static final byte[] CONTENT = TestFiles.random(3 << 20, 7);

    static TestServer plain;
    static TestServer tls;

    @BeforeAll
    static void start() throws Exception {
        plain = TestServer.start();
        TestFiles.aged(plain.file("data.bin", CONTENT));
        X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
                .setIsCertificateAuthority(true).buildSelfSigned();
        Path pem = cert.toTempCertChainPem().toPath();
        Path key = cert.toTempPrivateKeyPem().toPath();
        pem.toFile().deleteOnExit();
        key.toFile().deleteOnExit();
        tls = TestServer.start(b -> b.tls(pem, key));
        TestFiles.aged(tls.file("data.bin", CONTENT));
    }

    @AfterAll
    static void stop() {
        if (plain != null) {
            plain.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    void curlWithPriorKnowledge(@TempDir Path dir) throws Exception {
        curlFetches(plain, dir, "--http2-prior-knowledge");
    }

    @Test
    void curlWithUpgrade(@TempDir Path dir) throws Exception {
        curlFetches(plain, dir, "--http2");
    }

    @Test
    void curlOverTls(@TempDir Path dir) throws Exception {
        curlFetches(tls, dir, "--http2", "-k");
    }

    @Test
    void javaHttpClientWithUpgrade() throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(plain.uri("/data.bin"))
                .header("Range", "bytes=1000-1999").timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("content-range")).hasValue("bytes 1000-1999/" + CONTENT.length);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(CONTENT, 1000, 2000));
        // The first request upgraded the connection; this one is an HTTP/2 stream on it.
        HttpResponse<byte[]> whole = client.send(HttpRequest.newBuilder(plain.uri("/data.bin"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(CONTENT);
    }

    private static void curlFetches(TestServer server, Path dir, String... protocol) throws Exception {
        Path curl = Tools.require("curl");
        Assumptions.assumeTrue(curlSpeaksHttp2(curl), "this curl has no HTTP/2 support, so this test is skipped");
        String url = server.uri("/data.bin").toString();

        Path part = dir.resolve("part");
        assertThat(curl(curl, dir, protocol, "-r", "1000-1999", "-o", part.toString(), url)).isEqualTo("2 206");
        assertThat(Files.readAllBytes(part)).isEqualTo(Arrays.copyOfRange(CONTENT, 1000, 2000));

        Path all = dir.resolve("all");
        assertThat(curl(curl, dir, protocol, "-o", all.toString(), url)).isEqualTo("2 200");
        assertThat(Files.readAllBytes(all)).isEqualTo(CONTENT);
    }

    /** Runs curl; returns "HTTP_VERSION STATUS" as curl saw them. */
    private static String curl(Path curl, Path dir, String[] protocol, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(curl.toString(), "-q", "-sS", "--noproxy", "*",
                "--max-time", "30", "-w", "%{http_version} %{http_code}"));
        command.addAll(List.of(protocol));
        command.addAll(List.of(args));
        Path out = dir.resolve("curl.out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("curl finished").isTrue();
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("curl %s: %s", command, output).isZero();
            return output.strip();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean curlSpeaksHttp2(Path curl) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(curl.toString(), "--version").redirectErrorStream(true).start();
        try {
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return v.contains("HTTP2");
        } finally {
            p.destroyForcibly();
        }
    }
}
