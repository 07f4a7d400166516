package dev.carryon.server.transport;

import dev.carryon.server.testing.H2Socket;
import dev.carryon.server.testing.H2Wire;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP/2 connection silent for the idle timeout is closed after a GOAWAY (RFC 9113 section 9.1), over h2c and
 * over TLS: the client learns which streams were processed, and that the close was not an error. Found by
 * Http2FuzzTest: the idle close came from a handler before the HTTP/2 codec and sent no GOAWAY.
 */
@Timeout(30)
class Http2IdleTest {

    @Test
    void anIdleH2cConnectionGetsAGoAwayThenTheClose() {
        try (TestServer server = TestServer.start(b -> b.idleTimeout(Duration.ofSeconds(1)))) {
            TestFiles.aged(server.file("small.txt", "small\n".getBytes(StandardCharsets.US_ASCII)));
            try (H2Socket h2 = new H2Socket(server.port(), 1 << 20)) {
                assertAnsweredThenGoAwayAndClose(h2);
            }
        }
    }

    @Test
    void anIdleH2ConnectionOverTlsGetsAGoAwayThenTheClose() throws Exception {
        X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
                .setIsCertificateAuthority(true).ecp256().buildSelfSigned();
        Path dir = Files.createTempDirectory("carryon-idle-");
        try {
            Files.writeString(dir.resolve("cert.pem"), cert.getCertificatePEM());
            Files.writeString(dir.resolve("key.pem"), cert.getPrivateKeyPEM());
            try (TestServer server = TestServer.start(b -> b.idleTimeout(Duration.ofSeconds(1))
                    .tls(dir.resolve("cert.pem"), dir.resolve("key.pem")))) {
                TestFiles.aged(server.file("small.txt", "small\n".getBytes(StandardCharsets.US_ASCII)));
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, new TrustManager[] {cert.toTrustManager()}, null);
                SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", server.port());
                SSLParameters p = socket.getSSLParameters();
                p.setApplicationProtocols(new String[] {"h2"});
                socket.setSSLParameters(p);
                socket.startHandshake();
                assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
                try (H2Socket h2 = new H2Socket(socket, 1 << 20)) {
                    assertAnsweredThenGoAwayAndClose(h2);
                }
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    private static void assertAnsweredThenGoAwayAndClose(H2Socket h2) {
        h2.send(h2.wire().headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority("x")
                .path("/small.txt"), true));
        List<H2Wire.Frame> frames = h2.until(f -> H2Socket.ended(f, 1));
        assertThat(H2Socket.status(frames, 1)).as("%s", frames).isEqualTo(200);
        frames = h2.until(f -> false); // silent now: until the server closes
        assertThat(h2.closedByServer()).as("closed: %s", frames).isTrue();
        H2Wire.Frame last = frames.get(frames.size() - 1);
        assertThat(last.type()).as("the last frame before the close: %s", frames).isEqualTo(H2Wire.GOAWAY);
        assertThat(last.errorCode()).isZero();
        assertThat(last.lastStream()).isEqualTo(1);
    }
}
