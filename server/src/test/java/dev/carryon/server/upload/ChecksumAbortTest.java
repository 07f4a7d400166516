package dev.carryon.server.upload;

import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PATCH with a checksum whose connection breaks is discarded at once; an early fsync of its bytes may still be
 * queued then. The chaos run (issue 18) logged "fsync of upload ... failed: null" for one: the data file had been
 * closed under the queued fsync. The discarded chunk needs no fsync, and nothing is to be logged about it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChecksumAbortTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final int LENGTH = 1 << 20;

    @Test
    void aChecksummedPatchCutJustAfterAnEarlyFsyncWasQueuedLogsNothing() throws Exception {
        byte[] data = new byte[LENGTH];
        new Random(7).nextBytes(data);
        String sum = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
        try (TestServer server = TestServer.start(b -> b.uploads(UploadSettings.DEFAULT));
             LogCapture log = LogCapture.start()) {
            for (int round = 0; round < 6; round++) {
                HttpResponse<String> c = HTTP.send(HttpRequest.newBuilder(server.uri("/uploads/"))
                        .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                        .header("Upload-Length", Integer.toString(LENGTH)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(c.statusCode()).isEqualTo(201);
                String upload = c.headers().firstValue("Location").orElseThrow();
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    OutputStream out = s.getOutputStream();
                    out.write(("PATCH " + upload + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\n"
                            + "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                            + "Upload-Checksum: sha256 " + sum + "\r\nContent-Length: " + LENGTH + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(data, 0, 64 << 10);
                    out.flush();
                    // The silence is the stimulus: after a second without bytes, the next piece queues an early
                    // fsync of the chunk; the reset right behind it discards the chunk.
                    Thread.sleep(1100);
                    out.write(data, 64 << 10, 1024);
                    out.flush();
                    s.setSoLinger(true, 0);
                }
                long offset = Poll.until(Duration.ofSeconds(10), () -> offset(server, upload), o -> o == 0);
                assertThat(offset).as("the unverified chunk is discarded").isZero();
            }
            // the data file's fsync, queued or not, is done with before the next request looks at the upload
            assertThat(log.trouble()).as("what the server logged").isEmpty();
        }
    }

    static long offset(TestServer server, String upload) {
        try {
            HttpResponse<Void> h = HTTP.send(HttpRequest.newBuilder(server.uri(upload))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0").build(),
                    HttpResponse.BodyHandlers.discarding());
            return Long.parseLong(h.headers().firstValue("Upload-Offset").orElse("-1"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
