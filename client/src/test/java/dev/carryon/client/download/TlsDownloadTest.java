package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.http.ClientConfig;
import dev.carryon.client.testing.Served;
import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Downloads over TLS: HTTP/2 streams when the server offers h2, HTTP/1.1 otherwise, certificates checked (trust
 * and host name) unless the user says --insecure. Each test reads the server's access log to see what protocol
 * and which requests really carried the bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsDownloadTest {

    static Path dir;
    static byte[] data = Served.random(24 << 20, 77);
    static X509Bundle localhost;
    static X509Bundle otherName;

    @BeforeAll
    static void certificates() throws Exception {
        dir = Files.createTempDirectory("carryon-tls-download-");
        localhost = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        otherName = new CertificateBuilder().subject("CN=elsewhere.test").addSanDnsName("elsewhere.test")
                .setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        for (var e : List.of(new Object[] {"localhost", localhost}, new Object[] {"other", otherName})) {
            X509Bundle b = (X509Bundle) e[1];
            Files.writeString(dir.resolve(e[0] + ".pem"), b.getCertificatePEM());
            Files.writeString(dir.resolve(e[0] + ".key"), b.getPrivateKeyPEM());
        }
        Files.createDirectories(dir.resolve("root"));
        Served.put(dir.resolve("root"), "data.bin", data);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    /** A TLS server over the test root with the named certificate; its access log goes to {@code log}. */
    static CarryonServer server(String cert, Path log) throws Exception {
        return CarryonServer.start(ServerConfig.builder(dir.resolve("root")).port(0).accessLog(log.toString())
                .stateDir(Files.createTempDirectory(dir, "state-"))
                .tls(dir.resolve(cert + ".pem"), dir.resolve(cert + ".key")).build());
    }

    static Downloader downloader(ClientConfig client, int connections) throws Exception {
        return Downloader.builder().client(client)
                .options(DownloadOptions.builder().connections(connections).minSplit(1 << 20).build()).build();
    }

    static List<String> logLines(CarryonServer server, Path log) throws Exception {
        server.close(); // flushes the log
        return Files.readAllLines(log);
    }

    @Test
    void h2StreamsCarryASegmentedDownload(@TempDir Path out) throws Exception {
        Path log = out.resolve("access.log");
        CarryonServer server = server("localhost", log);
        try (Downloader d = downloader(ClientConfig.builder().caCertificates(dir.resolve("localhost.pem")).build(), 4)) {
            URI url = URI.create(server.url().toString().replace("http:", "https:") + "data.bin");
            DownloadListener.Finished f = d.download(url, Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        } finally {
            server.close();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).contains("HTTP/2.0"));
        assertThat(lines).filteredOn(l -> l.contains("\" 206 ")).as("ranged streams").hasSizeGreaterThan(1);
    }

    @Test
    void http11WhenH2IsNotOffered(@TempDir Path out) throws Exception {
        Path log = out.resolve("access.log");
        CarryonServer server = server("localhost", log);
        try (Downloader d = downloader(ClientConfig.builder().caCertificates(dir.resolve("localhost.pem"))
                .http2(false).build(), 3)) {
            URI url = URI.create(server.url().toString().replace("http:", "https:") + "data.bin");
            DownloadListener.Finished f = d.download(url, Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        } finally {
            server.close();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).contains("HTTP/1.1"));
    }

    @Test
    void anUntrustedCertificateIsRefusedUnlessInsecure(@TempDir Path out) throws Exception {
        CarryonServer server = server("localhost", out.resolve("access.log"));
        try {
            URI url = URI.create(server.url().toString().replace("http:", "https:") + "data.bin");
            try (Downloader d = downloader(ClientConfig.builder().build(), 1)) {
                assertThatThrownBy(() -> d.download(url, Destination.directory(out)))
                        .isInstanceOfSatisfying(TransferException.class, e -> {
                            assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
                            assertThat(e.getMessage()).contains("TLS certificate", "--cacert", "--insecure");
                        });
            }
            assertThat(out.resolve("data.bin")).doesNotExist();
            try (Downloader d = downloader(ClientConfig.builder().insecure(true).build(), 2)) {
                DownloadListener.Finished f = d.download(url, Destination.directory(out));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
            }
        } finally {
            server.close();
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedEvenWhenTrusted(@TempDir Path out) throws Exception {
        CarryonServer server = server("other", out.resolve("access.log"));
        try {
            URI url = URI.create(server.url().toString().replace("http:", "https:") + "data.bin");
            try (Downloader d = downloader(ClientConfig.builder().caCertificates(dir.resolve("other.pem")).build(), 1)) {
                assertThatThrownBy(() -> d.download(url, Destination.directory(out)))
                        .isInstanceOf(TransferException.class)
                        .hasMessageContaining("TLS certificate");
            }
            assertThat(out.resolve("data.bin")).doesNotExist();
        } finally {
            server.close();
        }
    }
}
