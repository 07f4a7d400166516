package dev.carryon.client.http;

import dev.carryon.client.testing.Served;
import dev.carryon.client.testing.Tools;
import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's TLS connections: the first request on a fresh h2 connection succeeds (an h2 server sends its
 * SETTINGS right behind the handshake, and the frame codec must already be there to read them), against
 * carryon serve and nginx; OpenSSL by default, the JDK's engine when asked; a segment's requests each get
 * their own connection.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsConnectionTest {

    static Path dir;
    static X509Bundle cert;
    static byte[] data = Served.random(3 << 20, 5);
    static CarryonServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("carryon-tls-connection-");
        cert = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        Files.writeString(dir.resolve("cert.pem"), cert.getCertificatePEM());
        Files.writeString(dir.resolve("key.pem"), cert.getPrivateKeyPEM());
        Files.createDirectories(dir.resolve("root"));
        Served.put(dir.resolve("root"), "data.bin", data);
        server = CarryonServer.start(ServerConfig.builder(dir.resolve("root")).port(0).accessLog("off")
                .stateDir(Files.createTempDirectory(dir, "state-"))
                .tls(dir.resolve("cert.pem"), dir.resolve("key.pem")).build());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        System.clearProperty("carryon.tls");
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    static ClientConfig trusting() {
        return ClientConfig.builder().caCertificates(dir.resolve("cert.pem"))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** One ranged GET on a client of its own (so on a fresh connection): status, protocol, TLS, body bytes. */
    static String[] firstRequest(URI url) throws Exception {
        try (HttpClient client = new HttpClient(trusting());
             Call call = client.send(Request.get(url).with("Range", "bytes=0-99"))) {
            int status = call.head().status();
            String protocol = call.protocol();
            String tls = call.tls();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            BodyPiece b;
            while ((b = call.read()) != null) {
                byte[] bytes = new byte[b.remaining()];
                b.buffer().get(bytes);
                body.write(bytes);
                b.close();
            }
            return new String[] {String.valueOf(status), protocol, tls, String.valueOf(body.size())};
        }
    }

    /** Runs {@code n} first requests, each on a new connection, watching standard error for Netty's warnings. */
    static void everyFirstRequestSucceeds(URI url, int n) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < n; i++) {
                String[] r = firstRequest(url);
                assertThat(r[0]).as("status of attempt %d", i).isEqualTo("206");
                assertThat(r[1]).isEqualTo("HTTP/2");
                assertThat(r[3]).isEqualTo("100");
            }
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Exception", "WARN");
    }

    @Test
    void everyFreshH2ConnectionServesItsFirstRequestFromCarryonServe() throws Exception {
        everyFirstRequestSucceeds(URI.create(server.url() + "data.bin"), 20);
    }

    @Test
    void everyFreshH2ConnectionServesItsFirstRequestFromNginx() throws Exception {
        Path binary = Tools.require("nginx", "nginx-light");
        Path home = Files.createTempDirectory(dir, "nginx-");
        int port = Tools.freePort();
        String conf = ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
                + "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + home.resolve("nginx.pid") + ";\n"
                + "error_log " + home.resolve("error.log") + " warn;\nevents { worker_connections 64; }\n"
                + "http {\n  access_log off;\n"
                + "  client_body_temp_path " + home + "/b; proxy_temp_path " + home + "/p; fastcgi_temp_path "
                + home + "/f; uwsgi_temp_path " + home + "/u; scgi_temp_path " + home + "/s;\n"
                + "  server {\n    listen 127.0.0.1:" + port + " ssl http2;\n"
                + "    ssl_certificate " + dir.resolve("cert.pem") + ";\n"
                + "    ssl_certificate_key " + dir.resolve("key.pem") + ";\n"
                + "    location / { root " + dir.resolve("root") + "; }\n  }\n}\n";
        Path confFile = Files.writeString(home.resolve("nginx.conf"), conf);
        Process nginx = new ProcessBuilder(binary.toString(), "-p", home.toString(), "-c", confFile.toString(),
                "-e", home.resolve("error.log").toString()).redirectErrorStream(true)
                .redirectOutput(home.resolve("nginx.out").toFile()).start();
        try {
            assertThat(Tools.awaitPort(port, nginx, Duration.ofSeconds(10)))
                    .as("nginx started: %s", Files.readString(home.resolve("nginx.out"))).isTrue();
            everyFirstRequestSucceeds(URI.create("https://127.0.0.1:" + port + "/data.bin"), 20);
        } finally {
            Tools.stop(nginx);
        }
    }

    @Test
    void openSslCarriesTheConnectionWhereItLoadsAndTheJdkWhenAsked() throws Exception {
        URI url = URI.create(server.url() + "data.bin");
        assertThat(firstRequest(url)[2]).startsWith("TLSv1.3, ").endsWith(", OpenSSL (BoringSSL)");
        System.setProperty("carryon.tls", "jdk");
        try {
            String[] jdk = firstRequest(url);
            assertThat(jdk[0]).isEqualTo("206");
            assertThat(jdk[2]).startsWith("TLSv1.3, ").endsWith(", JDK");
        } finally {
            System.clearProperty("carryon.tls");
        }
    }

    @Test
    void aCaBundleOfSeveralCertificatesIsTrustedWhole() throws Exception {
        X509Bundle other = new CertificateBuilder().subject("CN=some other authority").setIsCertificateAuthority(true)
                .ecp256().buildSelfSigned();
        Path bundle = Files.writeString(dir.resolve("bundle.pem"), other.getCertificatePEM() + cert.getCertificatePEM());
        try (HttpClient client = new HttpClient(ClientConfig.builder().caCertificates(bundle).build());
             Call call = client.send(Request.get(URI.create(server.url() + "data.bin")).with("Range", "bytes=0-0"))) {
            assertThat(call.head().status()).isEqualTo(206);
        }
    }

    @Test
    void concurrentRequestsEachHaveAConnectionOfTheirOwn() throws Exception {
        URI url = URI.create(server.url() + "data.bin");
        try (HttpClient client = new HttpClient(trusting());
             Call a = client.send(Request.get(url).with("Range", "bytes=0-99"));
             Call b = client.send(Request.get(url).with("Range", "bytes=100-199"))) {
            assertThat(a.head().status()).isEqualTo(206);
            assertThat(b.head().status()).isEqualTo(206);
            assertThat(a.protocol()).isEqualTo("HTTP/2");
            assertThat(a.channel().parent()).isNotSameAs(b.channel().parent());
        }
    }
}
