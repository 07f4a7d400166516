package dev.carryon.client.upload;

import dev.carryon.client.TransferException;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Served;
import dev.carryon.client.testing.SmallFileSystem;
import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.upload.UploadSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A server whose disk fills up for real (a small tmpfs): an upload that the free-space check could not refuse up
 * front (its length deferred) meets the full disk in the middle of a PATCH. The client gets a 507 that says so,
 * every acknowledged byte is kept, and once there is room the same upload resumes and finishes intact; the same
 * when the served root is the full one at completion.
 */
@Timeout(60)
class UploadDiskFullTest {

    static final int MIB = 1 << 20;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;
    CarryonServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    CarryonServer start(Path root, Path state) throws IOException {
        return CarryonServer.start(ServerConfig.builder(root).port(0).accessLog("off")
                .shutdownTimeout(Duration.ofSeconds(1)).uploads(UploadSettings.DEFAULT).stateDir(state).build());
    }

    HttpResponse<String> send(String method, URI uri, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Tus-Resumable", "1.0.0");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI create(String name, String... lengthHeader) throws Exception {
        String[] h = new String[lengthHeader.length + 2];
        h[0] = "Upload-Metadata";
        h[1] = "filename " + java.util.Base64.getEncoder().encodeToString(name.getBytes());
        System.arraycopy(lengthHeader, 0, h, 2, lengthHeader.length);
        HttpResponse<String> r = send("POST", URI.create(server.url() + "uploads/"), null, h);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return URI.create(server.url() + "uploads/").resolve(r.headers().firstValue("Location").orElseThrow());
    }

    HttpResponse<String> patch(URI upload, long offset, byte[] data, String... more) throws Exception {
        String[] h = new String[more.length + 4];
        h[0] = "Upload-Offset";
        h[1] = Long.toString(offset);
        h[2] = "Content-Type";
        h[3] = "application/offset+octet-stream";
        System.arraycopy(more, 0, h, 4, more.length);
        return send("PATCH", upload, data, h);
    }

    long offset(URI upload) throws Exception {
        HttpResponse<String> r = send("HEAD", upload, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
    }

    @Test
    void aPatchThatFillsTheDiskGets507KeepsWhatWasAcknowledgedAndResumesOnceThereIsRoom() throws Exception {
        byte[] data = Served.random(20 * MIB, 71);
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        try (SmallFileSystem fs = SmallFileSystem.mount(state, 12)) {
            server = start(root, state);
            URI upload = create("big.bin", "Upload-Defer-Length", "1");

            HttpResponse<String> first = patch(upload, 0, Arrays.copyOfRange(data, 0, 6 * MIB));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(204);
            HttpResponse<String> full;
            try {
                full = patch(upload, 6 * MIB, Arrays.copyOfRange(data, 6 * MIB, 14 * MIB));
                assertThat(full.statusCode()).as("the PATCH that met the full disk").isEqualTo(507);
                assertThat(full.body()).contains("disk is full").contains("resume later");
            } catch (IOException e) {
                // the server may close the connection before the client finished sending: the HEAD below decides
                full = null;
            }
            // the failed PATCH's last commit may still be under way: read until the offset holds still
            long kept = offset(upload);
            for (long again = -1; again != kept; ) {
                Thread.sleep(300);
                again = kept;
                kept = offset(upload);
            }
            assertThat(kept).as("the acknowledged bytes, and what fitted of the next PATCH").isGreaterThanOrEqualTo(6L * MIB)
                    .isLessThan(14L * MIB);

            fs.resize(64);
            HttpResponse<String> rest = patch(upload, kept, Arrays.copyOfRange(data, (int) kept, data.length),
                    "Upload-Length", Integer.toString(data.length));
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(204);
            assertThat(root.resolve("big.bin")).as("every byte, in order, after the disk filled")
                    .hasBinaryContent(data);
            server.close();
            server = null;
        }
    }

    @Test
    void anUploadThatCannotBeMovedIntoAFullRootIsKeptAndFinishesOnceThereIsRoom() throws Exception {
        byte[] data = Served.random(10 * MIB, 72);
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        try (SmallFileSystem fs = SmallFileSystem.mount(root, 4)) {
            server = start(root, state);
            URI upload = create("report.bin", "Upload-Length", Integer.toString(data.length));

            HttpResponse<String> last = patch(upload, 0, data);
            assertThat(last.statusCode()).as("the data is all there, the root cannot take it").isEqualTo(507);
            assertThat(last.body()).contains("cannot be moved into place");
            assertThat(offset(upload)).as("nothing received is lost").isEqualTo(data.length);
            assertThat(root.resolve("report.bin")).doesNotExist();

            fs.resize(32);
            // the client asks again: an empty PATCH at the end finishes the upload
            HttpResponse<String> again = patch(upload, data.length, new byte[0]);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(204);
            assertThat(root.resolve("report.bin")).hasBinaryContent(data);
            server.close();
            server = null;
        }
    }

    @Test
    void putReportsAFullDiskAndARerunAfterFreeingSpaceResumes() throws Exception {
        byte[] data = Served.random(40 * MIB, 73);
        Path file = Files.write(Files.createDirectories(tmp.resolve("local")).resolve("video.mp4"), data);
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        UploadOptions options = UploadOptions.builder().stateDir(tmp.resolve("put-state")).retries(2).build();
        try (SmallFileSystem fs = SmallFileSystem.mount(state, 64)) {
            server = start(root, state);
            URI endpoint = URI.create(server.url() + "uploads/");
            Path filler = state.resolve("filler");
            AtomicBoolean filled = new AtomicBoolean();
            // once the upload exists (its creation passed the free-space check, and carried the first MiB),
            // something else takes all but 5 MiB of the disk
            UploadListener fill = new UploadListener() {
                @Override
                public void started(Started s) {
                    if (filled.compareAndSet(false, true)) {
                        try {
                            Files.write(filler, new byte[(int) Math.max(0,
                                    Files.getFileStore(state).getUsableSpace() - 5 * MIB)]);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            TransferException e;
            try (Uploader u = Uploader.builder().client(Fixtures.client(Duration.ofSeconds(5))).options(options)
                    .listener(fill).build()) {
                e = catchThrowableOfType(() -> u.upload(file, endpoint), TransferException.class);
            }
            assertThat(e).as("an upload larger than what is left of the disk").isNotNull();
            assertThat(e.kind()).isEqualTo(TransferException.Kind.HTTP);
            // refused before the bytes were sent (each PATCH checks the room for the rest), or cut by the full disk
            assertThat(e.getMessage()).contains("507").containsAnyOf("bytes free", "disk is full");

            Files.delete(filler);
            UploadListener.Started[] started = new UploadListener.Started[1];
            try (Uploader u = Uploader.builder().client(Fixtures.client(Duration.ofSeconds(5))).options(options)
                    .listener(new UploadListener() {
                        @Override
                        public void started(Started s) {
                            started[0] = s;
                        }
                    }).build()) {
                UploadListener.Finished f = u.upload(file, endpoint);
                assertThat(f.alreadyComplete()).isFalse();
            }
            assertThat(started[0].resumed()).as("the same upload, continued").isTrue();
            assertThat(started[0].offset()).as("from what the server kept").isGreaterThan(0);
            assertThat(root.resolve("video.mp4")).hasBinaryContent(data);
            server.close();
            server = null;
        }
    }
}
