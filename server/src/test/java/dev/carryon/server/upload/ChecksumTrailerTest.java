package dev.carryon.server.upload;

import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tus checksum-trailer: a chunk whose checksum follows its body is verified whole, so none of it may be
 * acknowledged before the trailer arrives. A chunk that is cut, or ends without the trailer it announced, is
 * discarded; a wrong trailer discards the whole chunk even when it is larger than the server's commit step.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChecksumTrailerTest {

    static final int MIB = 1 << 20;

    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aCorrectTrailerCommitsTheChunk() throws Exception {
        byte[] data = random(3 * MIB, 1);
        String upload = create(data.length);
        RawHttp.Response r = patchChunked(upload, data, data.length, "sha256 " + sha256(data));
        assertThat(r.status()).as(r.bodyText()).isEqualTo(204);
        assertThat(r.header("Upload-Offset")).isEqualTo(String.valueOf(data.length));
        assertThat(offset(upload)).isEqualTo(data.length);
    }

    @Test
    void aWrongTrailerDiscardsTheWholeChunkEvenBeyondTheCommitStep() throws Exception {
        // Larger than the 16 MiB after which an unverified body would be committed on the way.
        byte[] data = random(20 * MIB, 2);
        String upload = create(data.length);
        RawHttp.Response r = patchChunked(upload, data, data.length, "sha256 " + sha256(new byte[] {1}));
        assertThat(r.status()).as(r.bodyText()).isEqualTo(460);
        assertThat(offset(upload)).isZero();
    }

    @Test
    void aChunkCutBeforeItsAnnouncedTrailerIsDiscarded() throws Exception {
        byte[] data = random(4 * MIB, 3);
        String upload = create(data.length);
        try (RawHttp http = new RawHttp("127.0.0.1", server.port())) {
            http.send(head(upload, true));
            http.send(chunk(data, 2 * MIB));
            http.socket().setSoLinger(true, 0); // a reset, as when a network drops
        }
        // The server learns of the cut asynchronously; the offset must stay 0 once it has.
        String id = upload.substring(upload.lastIndexOf('/') + 1);
        Poll.until(Duration.ofSeconds(10), () -> server.server().uploads().appending(id), busy -> !busy);
        assertThat(offset(upload)).isZero();
        RawHttp.Response again = patchChunked(upload, data, data.length, "sha256 " + sha256(data));
        assertThat(again.status()).as(again.bodyText()).isEqualTo(204);
    }

    @Test
    void aBodyEndingWithoutItsAnnouncedTrailerIsRefusedAndDiscarded() throws Exception {
        byte[] data = random(MIB, 4);
        String upload = create(data.length);
        RawHttp.Response r = patchChunked(upload, data, data.length, null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).contains("without the Upload-Checksum trailer");
        assertThat(offset(upload)).isZero();
    }

    @Test
    void aChecksumAsBothHeaderAndTrailerIsRefused() throws Exception {
        byte[] data = random(1000, 5);
        String upload = create(data.length);
        try (RawHttp http = new RawHttp("127.0.0.1", server.port())) {
            String head = head(upload, true).replace("\r\n\r\n", "\r\nUpload-Checksum: sha256 " + sha256(data) + "\r\n\r\n");
            http.send(head);
            http.send(chunk(data, data.length));
            http.send("0\r\nUpload-Checksum: sha256 " + sha256(data) + "\r\n\r\n");
            RawHttp.Response r = http.read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.bodyText()).contains("both a header and an announced trailer");
        }
        assertThat(offset(upload)).isZero();
    }

    @Test
    void aCutChunkedBodyWithoutAnyChecksumKeepsWhatArrived() throws Exception {
        byte[] data = random(4 * MIB, 6);
        String upload = create(data.length);
        try (RawHttp http = new RawHttp("127.0.0.1", server.port())) {
            http.send(head(upload, false));
            http.send(chunk(data, 2 * MIB));
            received(upload, 2 * MIB); // the bytes reached the server before the reset
            http.socket().setSoLinger(true, 0);
        }
        assertThat(Poll.until(Duration.ofSeconds(10), () -> offset(upload), o -> o == 2L * MIB)).isEqualTo(2L * MIB);
    }

    /** Waits until the server has received {@code bytes} of the upload (its data holds them). */
    void received(String upload, long bytes) {
        Path data = server.state().resolve("uploads").resolve(upload.substring(upload.lastIndexOf('/') + 1));
        Poll.until(Duration.ofSeconds(10), () -> data.toFile().length(), n -> n >= bytes);
    }

    // ---- requests ----

    String create(long length) {
        RawHttp.Response r = RawHttp.once(server.port(), "POST", "/uploads/", "Tus-Resumable: 1.0.0",
                "Upload-Length: " + length, "Content-Length: 0");
        assertThat(r.status()).as(r.bodyText()).isEqualTo(201);
        String location = r.header("Location");
        return location.startsWith("/") ? location : "/uploads/" + location;
    }

    long offset(String upload) {
        RawHttp.Response r = RawHttp.once(server.port(), "HEAD", upload, "Tus-Resumable: 1.0.0");
        assertThat(r.status()).isEqualTo(200);
        return Long.parseLong(r.header("Upload-Offset"));
    }

    static String head(String upload, boolean announceTrailer) {
        return "PATCH " + upload + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                + "Content-Type: application/offset+octet-stream\r\nTransfer-Encoding: chunked\r\n"
                + (announceTrailer ? "Trailer: Upload-Checksum\r\n" : "") + "\r\n";
    }

    /** The first {@code n} bytes of {@code data} as chunks of at most 1 MiB. */
    static byte[] chunk(byte[] data, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 1024);
        for (int at = 0; at < n; at += MIB) {
            int len = Math.min(MIB, n - at);
            out.writeBytes((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, at, len);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** A chunked PATCH that announces a checksum trailer and ends with {@code trailer} (none when null). */
    RawHttp.Response patchChunked(String upload, byte[] data, int n, String trailer) {
        try (RawHttp http = new RawHttp("127.0.0.1", server.port())) {
            http.send(head(upload, true));
            http.send(chunk(data, n));
            http.send("0\r\n" + (trailer == null ? "" : "Upload-Checksum: " + trailer + "\r\n") + "\r\n");
            return http.read();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] data) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
