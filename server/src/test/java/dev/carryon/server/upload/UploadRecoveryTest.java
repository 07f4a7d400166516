package dev.carryon.server.upload;

import dev.carryon.core.upload.Upload;
import dev.carryon.server.store.StateStore;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a kill -9 of the server leaves between two steps of completing an upload, and what the restarted server
 * makes of it (the chaos run of issue 18 kills it at random moments; these are its windows, one at a time). The
 * state a kill would leave is made by hand while the server is stopped: a record rewritten, a file moved back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadRecoveryTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(b -> b.uploads(UploadSettings.DEFAULT));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * Killed after the last PATCH's offset was recorded, before the file was moved into the root: a HEAD says the
     * upload has every byte, and a tus client stops there. The upload must then be finished, not left unserved.
     */
    @Test
    void anUploadKilledBetweenItsLastCommitAndItsMoveIsFinishedWhenAskedAbout() throws Exception {
        byte[] data = random(150_000, 1);
        String u = create(data.length, "whole.bin");
        assertThat(patch(u, 0, data).statusCode()).isEqualTo(204);
        String id = id(u);
        server.restart(() -> rewind(id, "whole.bin", false));
        assertThat(server.root().resolve("whole.bin")).as("as the kill left it").doesNotExist();

        HttpResponse<String> h = send("HEAD", u, null);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(data.length));
        assertThat(Files.readAllBytes(server.root().resolve("whole.bin"))).isEqualTo(data);
        assertThat(dataFiles()).as("moved, not copied").isEmpty();
        assertThat(record(id).state()).isEqualTo(Upload.State.COMPLETE);
    }

    /** The same window, then killed after the hard link into the root and before the data file's unlink. */
    @Test
    void anUploadKilledAfterItsLinkIntoTheRootIsNotServedTwice() throws Exception {
        byte[] data = random(90_000, 2);
        String u = create(data.length, "linked.bin");
        assertThat(patch(u, 0, data).statusCode()).isEqualTo(204);
        String id = id(u);
        server.restart(() -> rewind(id, "linked.bin", true));

        HttpResponse<String> h = send("HEAD", u, null);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(Files.readAllBytes(server.root().resolve("linked.bin"))).isEqualTo(data);
        assertThat(served()).as("no second copy under another name").containsExactly("linked.bin");
        assertThat(dataFiles()).isEmpty();
        assertThat(record(id).state()).isEqualTo(Upload.State.COMPLETE);
    }

    /** Killed while a final upload was being assembled from its complete parts: the restart assembles it. */
    @Test
    void aFinalKilledDuringItsAssemblyIsAssembledWhenAskedAbout() throws Exception {
        byte[] a = random(70_000, 3);
        byte[] b = random(50_000, 4);
        String pa = createPartial(a.length);
        String pb = createPartial(b.length);
        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);
        assertThat(patch(pb, 0, b).statusCode()).isEqualTo(204);
        HttpResponse<String> f = send("POST", "/uploads/", null, "Upload-Concat", "final;" + pa + " " + pb,
                "Upload-Metadata", "filename " + b64("joined.bin"));
        assertThat(f.statusCode()).isEqualTo(201);
        String fin = f.headers().firstValue("Location").orElseThrow();
        server.restart(() -> {
            // the final recorded, its parts complete and still on disk, its data half written, nothing served
            try (StateStore store = StateStore.open(server.state())) {
                Upload u = store.uploads().find(id(fin)).orElseThrow();
                store.uploads().update(new Upload(u.id(), u.length(), 0, u.metadata(), u.concat(), u.owner(),
                        u.created(), Instant.now().plusSeconds(3600), Upload.State.ACTIVE, null, null), u.offset(), -1);
                Files.write(store.uploadDataDir().resolve(id(pa)), a);
                Files.write(store.uploadDataDir().resolve(id(pb)), b);
                Files.write(store.uploadDataDir().resolve(u.id()), java.util.Arrays.copyOf(a, 1000));
                Files.delete(server.root().resolve("joined.bin"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        HttpResponse<String> h = send("HEAD", fin, null);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(a.length + b.length));
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        assertThat(Files.readAllBytes(server.root().resolve("joined.bin"))).isEqualTo(joined);
        assertThat(dataFiles()).as("the parts' data goes once the final is served").isEmpty();
    }

    /**
     * Killed between creating an upload's data file and recording it (or, at termination, between deleting the
     * record and the file): a data file no record names, which nothing would ever remove. The sweep does.
     */
    @Test
    void aDataFileNoRecordNamesIsRemovedByTheSweep() throws Exception {
        byte[] data = random(10_000, 5);
        String u = create(data.length, "kept.bin");
        assertThat(patch(u, 0, java.util.Arrays.copyOf(data, 4000)).statusCode()).isEqualTo(204);
        String orphan = UploadIds.newId();
        server.restart(() -> {
            try (StateStore store = StateStore.open(server.state())) {
                Files.write(store.uploadDataDir().resolve(orphan), data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        server.server().uploads().sweepNow();
        assertThat(dataFiles()).as("the orphan goes, the unfinished upload's data stays").containsExactly(id(u));
    }

    // ---- helpers ----

    /**
     * Puts a completed upload back as a kill after its last commit left it: the record active with every byte,
     * the data file in the state directory; when {@code linked}, also still under its name in the root (a kill
     * after the hard link, before the unlink).
     */
    void rewind(String id, String name, boolean linked) {
        try (StateStore store = StateStore.open(server.state())) {
            Upload u = store.uploads().find(id).orElseThrow();
            store.uploads().update(new Upload(u.id(), u.length(), u.offset(), u.metadata(), u.concat(), u.owner(),
                    u.created(), Instant.now().plusSeconds(3600), Upload.State.ACTIVE, null, null), u.offset(), -1);
            Path served = server.root().resolve(name);
            if (linked) {
                Files.createLink(store.uploadDataDir().resolve(id), served);
            } else {
                Files.move(served, store.uploadDataDir().resolve(id));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Upload record(String id) {
        try (StateStore store = StateStore.open(server.state())) {
            return store.uploads().find(id).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    java.util.List<String> dataFiles() throws IOException {
        Path dir = server.state().resolve("uploads");
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    java.util.List<String> served() throws IOException {
        try (Stream<Path> s = Files.list(server.root())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    static String id(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }

    String create(long length, String name) throws Exception {
        HttpResponse<String> r = send("POST", "/uploads/", null, "Upload-Length", Long.toString(length),
                "Upload-Metadata", "filename " + b64(name));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow();
    }

    String createPartial(long length) throws Exception {
        HttpResponse<String> r = send("POST", "/uploads/", null, "Upload-Length", Long.toString(length),
                "Upload-Concat", "partial");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow();
    }

    HttpResponse<String> patch(String upload, long offset, byte[] data) throws Exception {
        return send("PATCH", upload, data, "Upload-Offset", Long.toString(offset),
                "Content-Type", "application/offset+octet-stream");
    }

    HttpResponse<String> send(String method, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Tus-Resumable", "1.0.0");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
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
