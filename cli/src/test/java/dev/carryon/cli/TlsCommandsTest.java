package dev.carryon.cli;

import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * probe, get and put as processes over HTTPS with h2 against carryon serve: each succeeds at its first try, with
 * nothing on standard error (the first h2 connection used to fail, with a Netty warning and a stack trace, and
 * be retried), over OpenSSL.
 */
@Timeout(120)
class TlsCommandsTest {

    static Path dir;
    static Path root;
    static Path cert;
    static CarryonServer server;
    static byte[] data;

    @BeforeAll
    static void serve() throws Exception {
        dir = Files.createTempDirectory("carryon-tls-commands-");
        root = Files.createDirectories(dir.resolve("root"));
        X509Bundle b = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        cert = Files.writeString(dir.resolve("cert.pem"), b.getCertificatePEM());
        Path key = Files.writeString(dir.resolve("key.pem"), b.getPrivateKeyPEM());
        data = GetProcess.random(6 << 20, 17);
        GetProcess.put(root, "file.bin", data);
        server = CarryonServer.start(ServerConfig.builder(root).port(0).accessLog("off")
                .shutdownTimeout(Duration.ofSeconds(1)).tls(cert, key)
                .stateDir(Files.createTempDirectory(dir, "state-")).build());
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        try (var all = Files.walk(dir)) {
            for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    static GetProcess.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--cacert", cert.toString()));
        try (GetProcess p = GetProcess.command(dir.resolve("logs"), Map.of("XDG_STATE_HOME",
                dir.resolve("xdg").toString(), "CARRYON_TOKEN", ""), all)) {
            return p.await(Duration.ofSeconds(60));
        }
    }

    @Test
    void probeSucceedsAtOnceAndSaysWhichTls() {
        for (int i = 0; i < 3; i++) {
            GetProcess.Result r = run("probe", server.url() + "file.bin");
            assertThat(r.exitCode()).as("exit of probe %d: %s", i, r.stderr()).isZero();
            assertThat(r.stderr()).isEmpty();
            assertThat(ProbeCommandTest.row(r.stdout(), "Protocol")).isEqualTo("HTTP/2");
            assertThat(ProbeCommandTest.row(r.stdout(), "TLS")).startsWith("TLSv1.3, ").endsWith(", OpenSSL (BoringSSL)");
        }
    }

    @Test
    void getOverH2SucceedsAtOnce() throws IOException {
        Path out = dir.resolve("got.bin");
        GetProcess.Result r = run("get", "--json", "-x", "4", "-o", out.toString(), server.url() + "file.bin");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.events()).noneMatch(e -> "retry".equals(e.get("event")));
        assertThat(Files.readAllBytes(out)).isEqualTo(data);
    }

    @Test
    void putOverH2SucceedsAtOnce() throws IOException {
        Path local = Files.write(dir.resolve("up.bin"), GetProcess.random(3 << 20, 18));
        GetProcess.Result r = run("put", "--json", "--state", dir.resolve("put-state").toString(), local.toString(),
                server.url() + "uploads/");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.events()).noneMatch(e -> "retry".equals(e.get("event")));
        assertThat(Files.readAllBytes(root.resolve("up.bin"))).isEqualTo(Files.readAllBytes(local));
    }
}
