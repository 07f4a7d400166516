package dev.carryon.client.upload;

import dev.carryon.client.testing.FaultProxy;
import dev.carryon.client.testing.FaultProxy.Fault;
import dev.carryon.client.testing.Served;
import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.upload.UploadSettings;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * tus-java-client 0.5.1, the tus project's own Java client, against carryon serve (through a proxy that records
 * and breaks requests). It sends its PATCHes as POST with {@code X-HTTP-Method-Override: PATCH}, chunked bodies
 * after {@code Expect: 100-continue}, and resumes from a URL store after a HEAD: all of it must work, byte for
 * byte.
 */
@Timeout(60)
class TusJavaClientTest {

    static final int MIB = 1 << 20;
    /** HTTP/1.1: the proxy passes no protocol upgrade on. */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;
    Path root;
    CarryonServer server;
    FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        server = CarryonServer.start(ServerConfig.builder(root).port(0).accessLog("off")
                .shutdownTimeout(Duration.ofSeconds(1)).uploads(UploadSettings.DEFAULT)
                .stateDir(Files.createDirectories(tmp.resolve("state"))).build());
        proxy = FaultProxy.start("127.0.0.1", server.address().getPort());
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    TusClient client(TusURLMemoryStore store) throws IOException {
        TusClient c = new TusClient();
        c.setUploadCreationURL(new URL(proxy.url() + "uploads/"));
        if (store != null) {
            c.enableResuming(store);
        }
        return c;
    }

    Path file(String name, int size, int seed) throws IOException {
        return Files.write(Files.createDirectories(tmp.resolve("local")).resolve(name), Served.random(size, seed));
    }

    /** The PATCHes as tus-java-client sends them: POST with the method override. */
    List<FaultProxy.Exchange> patches() {
        return proxy.exchanges().stream()
                .filter(e -> "PATCH".equals(e.request().header("X-HTTP-Method-Override"))).toList();
    }

    @Test
    void aFileUploadedInChunksArrivesByteForByteAndIsServedWithItsDigest() throws Exception {
        Path f = file("report.pdf", 5 * MIB + 12345, 41);
        TusUploader uploader = client(null).createUpload(new TusUpload(f.toFile()));
        uploader.setChunkSize(64 << 10);
        uploader.setRequestPayloadSize(MIB);
        while (uploader.uploadChunk() > -1) {
            // each call sends up to a chunk within the current request
        }
        uploader.finish();

        byte[] sent = Files.readAllBytes(f);
        assertThat(root.resolve("report.pdf")).as("finished into the root under its metadata filename")
                .hasBinaryContent(sent);
        List<FaultProxy.Exchange> patches = patches();
        assertThat(patches).hasSize(6);
        assertThat(patches).extracting(FaultProxy.Exchange::status).containsOnly(204);
        assertThat(patches).allSatisfy(p -> {
            assertThat(p.request().method()).isEqualTo("POST");
            assertThat(p.request().header("Transfer-Encoding")).isEqualTo("chunked");
        });
        assertThat(patches.get(5).responseHeader("Upload-Offset")).isEqualTo(Long.toString(sent.length));
        assertThat(proxy.requestBodyBytes()).as("no byte sent twice").isEqualTo(sent.length);

        HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "report.pdf"))
                .header("Want-Repr-Digest", "sha-256=1").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(sent);
        String sha256 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(sent));
        assertThat(got.headers().firstValue("Repr-Digest")).hasValue("sha-256=:" + sha256 + ":");
    }

    @Test
    void anUploadCutOnTheWayResumesFromTheServersOffsetNotFromZero() throws Exception {
        Path f = file("video.mp4", 6 * MIB, 42);
        TusURLMemoryStore store = new TusURLMemoryStore();
        AtomicBoolean cut = new AtomicBoolean();
        // the fourth PATCH breaks after half a mebibyte
        proxy.otherwise(r -> "PATCH".equals(r.header("X-HTTP-Method-Override")) && proxy.exchanges().stream()
                .filter(e -> "PATCH".equals(e.request().header("X-HTTP-Method-Override"))).count() == 3
                && cut.compareAndSet(false, true) ? Fault.pass().cutRequestAfter(MIB / 2) : Fault.pass());
        TusUploader first = client(store).resumeOrCreateUpload(new TusUpload(f.toFile()));
        first.setRequestPayloadSize(MIB);
        Throwable broke = catchThrowable(() -> {
            while (first.uploadChunk() > -1) {
                // until the cut
            }
        });
        assertThat(broke).as("the cut request").isInstanceOf(IOException.class);
        URL upload = first.getUploadURL();

        // the server learns of the cut on the PATCH's own connection: ask until it has (a loaded machine is slow)
        long kept = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (kept != 3L * MIB + MIB / 2 && System.nanoTime() < deadline) {
            HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(upload.toURI())
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0").build(),
                    HttpResponse.BodyHandlers.discarding());
            kept = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
            Thread.sleep(20);
        }
        assertThat(kept).as("three whole PATCHes, and what arrived of the cut one").isEqualTo(3L * MIB + MIB / 2);

        // a new client, as after a restart of the program, finds the upload in the store
        TusUploader resumed = client(store).resumeOrCreateUpload(new TusUpload(f.toFile()));
        assertThat(resumed.getUploadURL()).isEqualTo(upload);
        assertThat(resumed.getOffset()).as("resumed at the server's offset").isEqualTo(kept);
        resumed.setRequestPayloadSize(MIB);
        while (resumed.uploadChunk() > -1) {
            // the rest
        }
        resumed.finish();

        assertThat(root.resolve("video.mp4")).hasBinaryContent(Files.readAllBytes(f));
        assertThat(proxy.requestBodyBytes()).as("only what the cut lost was sent again")
                .isLessThanOrEqualTo(Files.size(f) + MIB / 2);
    }
}
