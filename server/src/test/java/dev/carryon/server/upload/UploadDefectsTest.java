package dev.carryon.server.upload;

import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defects found from outside, each with the answer decided: a partial is the part of one final only; a final
 * waiting for its parts is still assembled after a restart; a finished upload is exactly its bytes, never a tail
 * that a discarded chunk left behind; offsets are acknowledged during a long PATCH; a failure that is the
 * server's is answered and explained in the log, so that a 500 always has a cause someone can read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadDefectsTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void start() {
        server = TestServer.start(b -> b.uploads(UploadSettings.DEFAULT));
    }

    @Test
    void aPartialAlreadyPartOfAFinalIsRefusedToAnother() throws Exception {
        start();
        byte[] a = random(30_000, 1);
        String pa = create("Upload-Length", "30000", "Upload-Concat", "partial");
        String pb = create("Upload-Length", "10", "Upload-Concat", "partial");
        String waiting = create("Upload-Concat", "final;" + pb, "Upload-Metadata", "filename " + b64("w.bin"));
        HttpResponse<String> second = tus("POST", "/uploads/", null, "Upload-Concat", "final;" + pb);
        assertThat(second.statusCode()).as("its final is still waiting for it").isEqualTo(400);
        assertThat(second.body()).contains(waiting.substring(waiting.lastIndexOf('/') + 1));

        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);
        create("Upload-Concat", "final;" + pa, "Upload-Metadata", "filename " + b64("first.bin"));
        Path first = server.root().resolve("first.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(first), x -> x);
        assertThat(Files.readAllBytes(first)).isEqualTo(a);

        HttpResponse<String> again = tus("POST", "/uploads/", null, "Upload-Concat", "final;" + pa,
                "Upload-Metadata", "filename " + b64("again.bin"));
        assertThat(again.statusCode()).as("the partial's data is the first final's now").isEqualTo(400);
        assertThat(again.body()).contains("part of the final upload");
        assertThat(again.headers().firstValue("Location")).isEmpty();
        assertThat(server.root().resolve("again.bin")).doesNotExist();
    }

    @Test
    void aFinalWaitingForItsPartsIsAssembledAfterARestart() throws Exception {
        start();
        byte[] a = random(20_000, 2);
        byte[] b = random(15_000, 3);
        String pa = create("Upload-Length", "20000", "Upload-Concat", "partial");
        String pb = create("Upload-Length", "15000", "Upload-Concat", "partial");
        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);
        String fin = create("Upload-Concat", "final;" + pa + " " + pb, "Upload-Metadata",
                "filename " + b64("after-restart.bin"));

        server.restart();
        assertThat(patch(pb, 0, b).statusCode()).isEqualTo(204);

        Path out = server.root().resolve("after-restart.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(out), x -> x);
        byte[] joined = new byte[35_000];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        assertThat(Files.readAllBytes(out)).isEqualTo(joined);
        assertThat(tus("HEAD", fin, null).headers().firstValue("Upload-Offset")).hasValue("35000");
    }

    @Test
    void aDeferredUploadFinishedShorterThanADiscardedChunkIsExactlyItsBytes() throws Exception {
        start();
        byte[] junk = random(5_000, 4);
        byte[] good = random(3_000, 5);
        String u = create("Upload-Defer-Length", "1", "Upload-Metadata", "filename " + b64("exact.bin"));
        String wrong = "sha256 " + Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(patch(u, 0, junk, "Upload-Checksum", wrong).statusCode()).as("discarded").isEqualTo(460);
        assertThat(patch(u, 0, good, "Upload-Length", "3000").statusCode()).isEqualTo(204);

        Path out = server.root().resolve("exact.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(out), x -> x);
        assertThat(Files.size(out)).isEqualTo(3000);
        assertThat(Files.readAllBytes(out)).isEqualTo(good);
        String sha = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(good));
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(url("/exact.bin"))
                .header("Want-Repr-Digest", "sha-256=10").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.headers().firstValue("Repr-Digest")).hasValue("sha-256=:" + sha + ":");
    }

    @Test
    void offsetsAreAcknowledgedWhileALongPatchIsStillArriving() throws Exception {
        start();
        int length = 24 << 20;
        byte[] data = random(length, 6);
        String u = create("Upload-Length", Integer.toString(length), "Upload-Metadata", "filename " + b64("long.bin"));
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        long acknowledged;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + u + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                    + "Content-Type: application/offset+octet-stream\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                try {
                    // About 8 MiB/s: some three seconds of body, in which commits (every second) are acknowledged.
                    for (int at = 0; at < length; at += 256 << 10) {
                        out.write(data, at, Math.min(256 << 10, length - at));
                        out.flush();
                        sent.set(at + Math.min(256 << 10, length - at));
                        Thread.sleep(30);
                    }
                } catch (Exception e) {
                    // the test is over
                }
            });
            writer.setDaemon(true);
            writer.start();
            acknowledged = Poll.until(Duration.ofSeconds(20), () -> {
                try {
                    return Long.parseLong(tus("HEAD", u, null).headers().firstValue("Upload-Offset").orElse("0"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, o -> o > 0 || sent.get() == length);
            long sentThen = sent.get();
            assertThat(acknowledged).as("an offset acknowledged while the body arrives").isPositive();
            assertThat(sentThen).as("before it had all arrived").isLessThan(length);
            writer.join(20_000);
        }
    }

    @Test
    void aPatchWhoseDataIsGoneIsAnswered500AndTheCauseIsLogged() throws Exception {
        start();
        String location = create("Upload-Length", "10");
        String id = location.substring(location.lastIndexOf('/') + 1);
        // The local store keeps an unfinished upload's bytes in STATE/uploads/ID; someone removed it.
        Path data = server.state().resolve("uploads").resolve(id);
        assertThat(data).exists();
        Files.delete(data);

        try (LogCapture log = LogCapture.start()) {
            HttpResponse<String> r = patch(location, 0, "0123456789".getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("cannot be opened");
            assertThat(log.trouble()).as("the 500 is explained in the log")
                    .anySatisfy(l -> assertThat(l).contains("WARN").contains(id));
        }
    }

    // ---- helpers ----

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> tus(String method, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Tus-Resumable", "1.0.0");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> patch(String upload, long offset, byte[] data, String... headers) throws Exception {
        String[] all = new String[headers.length + 4];
        all[0] = "Upload-Offset";
        all[1] = Long.toString(offset);
        all[2] = "Content-Type";
        all[3] = "application/offset+octet-stream";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return tus("PATCH", upload, data, all);
    }

    String create(String... headers) throws Exception {
        HttpResponse<String> r = tus("POST", "/uploads/", null, headers);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
