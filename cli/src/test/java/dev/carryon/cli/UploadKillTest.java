package dev.carryon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability promise of uploads, against the real process: kill -9 of {@code carryon serve} in the middle of a
 * PATCH loses no byte the server acknowledged (an offset a HEAD reported), the restarted server resumes the upload
 * from an offset no further than what was sent, and the finished file is the original, byte for byte.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UploadKillTest {

    static final int MIB = 1 << 20;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void killDashNineInAPatchLosesNoAcknowledgedByteAndTheRestartResumes(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path state = tmp.resolve("state");
        byte[] data = GetProcess.random(48 * MIB, 21);
        AtomicLong sent = new AtomicLong();
        long acknowledged = 0;
        String upload;

        try (ServeProcess server = ServeProcess.start(root, "--state", state.toString())) {
            upload = create(server.url, data.length, "big.bin");
            // One PATCH for the whole file, sent slowly on its own thread; the server commits as it goes.
            Thread writer = new Thread(() -> slowPatch(server.url, upload, data, sent), "slow-patch");
            writer.setDaemon(true);
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (sent.get() < 24L * MIB || acknowledged == 0) {
                assertThat(System.nanoTime()).as("sent %d, acknowledged %d", sent.get(), acknowledged)
                        .isLessThan(deadline);
                Thread.sleep(100);
                acknowledged = Math.max(acknowledged, offset(server.url, upload));
            }
            assertThat(acknowledged).as("offsets are acknowledged during a long PATCH").isPositive();
            server.process.destroyForcibly(); // SIGKILL, mid-body
            assertThat(server.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            writer.join(10_000);
        }
        long sentBeforeKill = sent.get();
        assertThat(sentBeforeKill).isLessThan(data.length);

        try (ServeProcess server = ServeProcess.start(root, "--state", state.toString())) {
            long resumed = offset(server.url, upload);
            assertThat(resumed).as("no acknowledged byte lost (%d acknowledged)", acknowledged)
                    .isGreaterThanOrEqualTo(acknowledged);
            assertThat(resumed).as("nothing the client did not send").isLessThanOrEqualTo(sentBeforeKill);
            HttpResponse<String> rest = HTTP.send(HttpRequest.newBuilder(server.url.resolve(upload))
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(
                            Arrays.copyOfRange(data, (int) resumed, data.length)))
                    .header("Tus-Resumable", "1.0.0").header("Upload-Offset", Long.toString(resumed))
                    .header("Content-Type", "application/offset+octet-stream").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(204);
            assertThat(GetProcess.sha256(root.resolve("big.bin"))).isEqualTo(GetProcess.sha256(data));
        }
    }

    static String create(URI base, long length, String name) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(length))
                .header("Upload-Metadata", "filename " + Base64.getEncoder().encodeToString(
                        name.getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow();
    }

    static long offset(URI base, String upload) throws Exception {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(base.resolve(upload))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0").build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(200);
        return Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
    }

    /** PATCHes the whole file in one request at about 8 MiB/s; ends when the server goes away. */
    static void slowPatch(URI base, String upload, byte[] data, AtomicLong sent) {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("PATCH " + upload + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nTus-Resumable: 1.0.0\r\n"
                    + "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: "
                    + data.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            int piece = 256 << 10;
            for (int at = 0; at < data.length; at += piece) {
                out.write(data, at, Math.min(piece, data.length - at));
                out.flush();
                sent.set(at + Math.min(piece, data.length - at));
                Thread.sleep(30);
            }
            InputStream in = s.getInputStream();
            in.read();
        } catch (IOException | InterruptedException e) {
            // the server was killed: what was written is in `sent`
        }
    }
}
