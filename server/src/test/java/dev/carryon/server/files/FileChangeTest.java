package dev.carryon.server.files;

import dev.carryon.server.ServerConfig;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invariant: a response never mixes two versions of a file. A file changed in place while a slow client
 * reads it ends the response early (the connection closes before Content-Length bytes); a file replaced by a
 * rename keeps being sent, whole, from the version that was opened.
 *
 * <p>Each case runs in each way bytes leave the server: zero-copy with the native transport (sendfile), zero-copy
 * with NIO ({@code FileChannel.transferTo}), and copying (TLS, which reads file bytes into buffers).
 */
class FileChangeTest {

    static final int SIZE = 64 << 20;
    /** What the client reads, slowly, before the file is changed: well inside the first checked span. */
    static final int BEFORE_CHANGE = 2 << 20;
    static final int CLIENT_RECEIVE_BUFFER = 64 << 10;

    static byte[] original;
    static byte[] replacement;
    static X509Bundle certificate;
    static File certFile;
    static File keyFile;

    enum Transport {
        SENDFILE_NATIVE(b -> b.transport("auto").sendfile(ServerConfig.Sendfile.ALWAYS)),
        SENDFILE_NIO(b -> b.transport("nio").sendfile(ServerConfig.Sendfile.ALWAYS)),
        COPY_PLAIN(b -> b.sendfile(ServerConfig.Sendfile.NEVER)),
        COPY_TLS(b -> b.tls(certFile.toPath(), keyFile.toPath()).http2(false));

        boolean copies() {
            return this == COPY_PLAIN || this == COPY_TLS;
        }

        final UnaryOperator<ServerConfig.Builder> config;

        Transport(UnaryOperator<ServerConfig.Builder> config) {
            this.config = config;
        }
    }

    @BeforeAll
    static void data() throws Exception {
        original = TestFiles.random(SIZE, 17);
        replacement = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            replacement[i] = (byte) (original[i] ^ 0x5a); // differs from the original at every position
        }
        certificate = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true)
                .addSanDnsName("localhost").addSanIpAddress("127.0.0.1").ecp256().buildSelfSigned();
        certFile = certificate.toTempCertChainPem();
        keyFile = certificate.toTempPrivateKeyPem();
    }

    @AfterAll
    static void cleanUp() {
        certFile.delete();
        keyFile.delete();
        original = null;
        replacement = null;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFileTruncatedWhileSentEndsTheResponseEarlyWithAPrefixOfTheOriginal(Transport transport) throws Exception {
        try (TestServer server = start(transport)) {
            Path file = bigFile(server);
            Received r = download(server, transport, () -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(SIZE / 2);
                }
            });
            assertThat(r.contentLength).isEqualTo(SIZE);
            assertThat(r.complete()).as("the response ends before Content-Length").isFalse();
            assertThat(r.bytes.length).isGreaterThanOrEqualTo(BEFORE_CHANGE).isLessThan(SIZE / 2);
            assertPrefixOfOriginal(r.bytes);
            assertThat(cutResponses(server)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFileRewrittenInPlaceWhileSentEndsTheResponseEarly(Transport transport) throws Exception {
        try (TestServer server = start(transport)) {
            Path file = bigFile(server);
            FileTime before = Files.getLastModifiedTime(file);
            Received r = download(server, transport, () -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ByteBuffer all = ByteBuffer.wrap(replacement);
                    while (all.hasRemaining()) {
                        ch.write(all, all.position());
                    }
                }
                Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(60)));
            });
            assertThat(Files.size(file)).isEqualTo(SIZE);
            assertThat(r.contentLength).isEqualTo(SIZE);
            assertThat(r.complete()).as("the response ends before Content-Length").isFalse();
            assertThat(r.bytes.length).isGreaterThanOrEqualTo(BEFORE_CHANGE).isLessThan(SIZE);
            // What was read before the change is the original's; whatever came after is cut short.
            assertThat(Arrays.equals(r.bytes, 0, BEFORE_CHANGE, original, 0, BEFORE_CHANGE)).isTrue();
            if (transport.copies()) {
                // Copied bytes are checked after every read: nothing of the new version is ever sent.
                assertPrefixOfOriginal(r.bytes);
            } else {
                // sendfile reads the page cache when it sends: bytes of the new version can go out up to the next
                // check (at most FileBody.CHECK_INTERVAL bytes apart), and then the response is cut.
                int firstNew = firstDifference(r.bytes, original);
                for (int i = 0; i < r.bytes.length; i++) {
                    if (r.bytes[i] != original[i] && r.bytes[i] != replacement[i]) {
                        throw new AssertionError("byte " + i + " is of neither version");
                    }
                }
                assertThat(r.bytes.length - (long) Math.max(firstNew, 0)).isLessThanOrEqualTo(FileBody.CHECK_INTERVAL);
            }
            assertThat(cutResponses(server)).isEqualTo(1);
            // The next request sees the new version, whole, under a new validator.
            Received again = download(server, transport, () -> { });
            assertThat(again.complete()).isTrue();
            assertThat(again.bytes).isEqualTo(replacement);
            assertThat(again.etag).isNotEqualTo(r.etag);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFileReplacedByARenameWhileSentIsSentWholeFromTheOldVersion(Transport transport) throws Exception {
        try (TestServer server = start(transport)) {
            Path file = bigFile(server);
            FileTime mtime = Files.getLastModifiedTime(file);
            Received r = download(server, transport, () -> {
                Path tmp = file.resolveSibling("big.bin.part");
                Files.write(tmp, replacement);
                // Same size and modification time as the old version: only its identity tells them apart.
                Files.setLastModifiedTime(tmp, mtime);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            });
            assertThat(r.complete()).as("the response completes").isTrue();
            assertThat(r.bytes).isEqualTo(original);
            assertThat(metric(server, "carryon_responses_cut_total")).isZero();

            Received next = download(server, transport, () -> { });
            assertThat(next.complete()).isTrue();
            assertThat(next.bytes).isEqualTo(replacement);
            assertThat(next.etag).isNotNull().isNotEqualTo(r.etag);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"COPY_PLAIN", "COPY_TLS"})
    void aFileRewrittenInPlaceAfterItsBytesWereHandedToTheKernelIsNeverCompletedMixed(Transport transport)
            throws Exception {
        rewrittenAfterTheServerHasSentEverything(transport, true);
    }

    /**
     * Sendfile queues references to the page cache, so bytes rewritten in place after the server's last check can
     * still reach the client (the limit README's --sendfile documents). By default (--sendfile auto) a file
     * modified within the last minute, whose writer may still be at work, is therefore copied, not sendfile'd.
     */
    @Test
    void byDefaultAFileStillBeingWrittenIsCopiedSoAnInPlaceRewriteNeverCompletesMixed() throws Exception {
        rewrittenAfterTheServerHasSentEverything(Transport.SENDFILE_NATIVE, false);
    }

    /**
     * A file small enough to fit in the socket buffers: the server hands all of it to the kernel (and completes
     * the response) before the client reads a byte; then the file is rewritten in place. The client must get the
     * original whole, or a cut response, never a complete one with bytes of the new version.
     */
    static void rewrittenAfterTheServerHasSentEverything(Transport transport, boolean aged) throws Exception {
        int size = 1 << 20;
        try (TestServer server = aged ? start(transport) : TestServer.start(b -> b)) {
            Path written = server.file("small.bin", Arrays.copyOf(original, size));
            Path file = aged ? TestFiles.aged(written) : written;
            try (RawHttp http = new RawHttp(connect(server, transport))) {
                http.get("/small.bin");
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (metric(server, "carryon_http_requests_total") < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(20); // the response is recorded when its last byte has been handed over
                }
                assertThat(metric(server, "carryon_http_requests_total")).as("the server sent everything").isOne();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ByteBuffer all = ByteBuffer.wrap(replacement, 0, size);
                    while (all.hasRemaining()) {
                        ch.write(all, all.position());
                    }
                }
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(100)));
                RawHttp.Response r = http.read();
                assertThat(r.status()).isEqualTo(200);
                if (r.complete()) {
                    assertThat(firstDifference(r.body(), original)).as("a complete response is the original").isEqualTo(-1);
                } else {
                    assertPrefixOfOriginal(r.body());
                }
            }
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    record Received(long contentLength, byte[] bytes, String etag) {
        boolean complete() {
            return bytes.length == contentLength;
        }
    }

    interface Change {
        void run() throws Exception;
    }

    static TestServer start(Transport transport) {
        if (transport == Transport.SENDFILE_NATIVE) {
            Assumptions.assumeTrue(Epoll.isAvailable(), "the native epoll transport does not load here");
        }
        TestServer server = TestServer.start(b -> transport.config.apply(b.digests(false)));
        if (transport == Transport.SENDFILE_NATIVE || transport == Transport.SENDFILE_NIO) {
            assertThat(server.server().transport()).isEqualTo(transport == Transport.SENDFILE_NATIVE ? "epoll" : "nio");
        }
        return server;
    }

    static Path bigFile(TestServer server) throws IOException {
        Path p = server.file("big.bin", original);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600).plusNanos(123_456_789)));
        return p;
    }

    /**
     * GETs big.bin over a connection with a small receive buffer, reads {@link #BEFORE_CHANGE} bytes in small
     * pieces with pauses, makes the change, then reads on as fast as it can until the server ends the response.
     */
    static Received download(TestServer server, Transport transport, Change change) throws Exception {
        try (RawHttp http = new RawHttp(connect(server, transport))) {
            http.get("/big.bin");
            RawHttp.Response head = http.readHead();
            assertThat(head.status()).isEqualTo(200);
            long length = Long.parseLong(head.header("Content-Length"));
            InputStream in = http.input();
            ByteArrayOutputStream body = new ByteArrayOutputStream(SIZE);
            byte[] buf = new byte[16 << 10];
            while (body.size() < BEFORE_CHANGE) {
                int n = in.read(buf, 0, Math.min(buf.length, BEFORE_CHANGE - body.size()));
                assertThat(n).as("the body before the change").isPositive();
                body.write(buf, 0, n);
                Thread.sleep(1);
            }
            change.run();
            byte[] fast = new byte[1 << 20];
            try {
                int n;
                while (body.size() < length && (n = in.read(fast, 0, (int) Math.min(fast.length, length - body.size()))) > 0) {
                    body.write(fast, 0, n);
                }
            } catch (IOException e) {
                // a reset, or TLS ended without close_notify: the response was cut
            }
            Received r = new Received(length, body.toByteArray(), head.header("ETag"));
            System.out.printf("%s: %d of %d bytes, first byte not the original's at %d%n", transport,
                    r.bytes.length, length, firstDifference(r.bytes, original));
            return r;
        }
    }

    static Socket connect(TestServer server, Transport transport) throws Exception {
        Socket plain = new Socket();
        plain.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
        plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        plain.setSoTimeout(15_000);
        if (transport != Transport.COPY_TLS) {
            return plain;
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {certificate.toTrustManager()}, null);
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", server.port(), true);
        s.startHandshake();
        return s;
    }

    static void assertPrefixOfOriginal(byte[] received) {
        int diff = firstDifference(received, original);
        assertThat(diff).as("first byte that is not the original's").isEqualTo(-1);
    }

    /** The first index where {@code a} differs from {@code b}, or -1 when {@code a} is a prefix of {@code b}. */
    static int firstDifference(byte[] a, byte[] b) {
        int m = Arrays.mismatch(a, 0, a.length, b, 0, Math.min(a.length, b.length));
        return m;
    }

    static long cutResponses(TestServer server) throws InterruptedException {
        // The cut is counted when the server notices the closed connection: give it a moment.
        long deadline = System.nanoTime() + 5_000_000_000L;
        long value;
        do {
            value = metric(server, "carryon_responses_cut_total");
            if (value > 0) {
                return value;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return value;
    }

    /** A counter's value, summed over its labels; 0 before it was first counted. */
    /** A counter's value, summed over its labels; 0 before it was first counted. */
    static long metric(TestServer server, String name) {
        double sum = 0;
        for (String line : server.server().metrics().scrape().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) sum;
    }
}
