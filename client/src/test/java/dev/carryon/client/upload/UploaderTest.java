package dev.carryon.client.upload;

import dev.carryon.client.TransferException;
import dev.carryon.client.testing.FaultProxy;
import dev.carryon.client.testing.FaultProxy.Fault;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Served;
import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.upload.UploadSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Uploader library against an in-process carryon server (tus on /uploads/), with a fault-injecting proxy
 * in between where a test needs to see or break requests: bytes arrive identical, creation-with-upload, chunk
 * sizes, per-chunk checksums that the server verifies, parallel parts joined by concatenation, a connection cut
 * in the middle of a PATCH, resuming in a later run, HTTP errors as TransferException kinds, listener events.
 */
@Timeout(60)
class UploaderTest {

    static final int MIB = 1 << 20;

    @TempDir
    Path tmp;
    Path root;
    Path local;
    CarryonServer server;
    FaultProxy proxy;
    final Events events = new Events();

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        local = Files.createDirectories(tmp.resolve("local"));
        server = server(UploadSettings.DEFAULT);
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

    CarryonServer server(UploadSettings uploads) throws IOException {
        return CarryonServer.start(ServerConfig.builder(root).port(0).accessLog("off").digests(false)
                .shutdownTimeout(Duration.ofSeconds(1)).uploads(uploads)
                .stateDir(Files.createTempDirectory(tmp, "state-")).build());
    }

    /** Everything the listener was told, in order. */
    static final class Events implements UploadListener {
        final List<Object> all = new CopyOnWriteArrayList<>();
        final List<String> notices = new CopyOnWriteArrayList<>();
        final List<String> retries = new CopyOnWriteArrayList<>();
        final List<Progress> progress = new CopyOnWriteArrayList<>();

        @Override
        public void started(Started s) {
            all.add(s);
        }

        @Override
        public void progress(Progress p) {
            progress.add(p);
            all.add(p);
        }

        @Override
        public void notice(Path file, String message) {
            notices.add(message);
            all.add("notice " + message);
        }

        @Override
        public void retrying(Path file, String reason, Duration delay, int failures) {
            retries.add(reason);
            all.add("retry " + reason);
        }

        @Override
        public void finished(Finished f) {
            all.add(f);
        }

        @Override
        public void failed(Path file, TransferException e) {
            all.add(e);
        }

        <T> List<T> of(Class<T> type) {
            return all.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    UploadOptions.Builder options() {
        return UploadOptions.builder().stateDir(tmp.resolve("put-state")).retries(4);
    }

    Uploader uploader(UploadOptions options) throws IOException {
        return Uploader.builder().client(Fixtures.client(Duration.ofSeconds(3))).options(options).listener(events)
                .build();
    }

    UploadListener.Finished upload(Path file, String base, UploadOptions options) throws IOException {
        try (Uploader u = uploader(options)) {
            return u.upload(file, URI.create(base + "uploads/"));
        }
    }

    /**
     * Asks the server itself (not through the proxy) until an upload reaches an offset, for up to 10 s; the last
     * offset it answered. It runs on the proxy's thread, where a failure would only look like a network error to
     * the client: the caller asserts on the answer instead.
     */
    long awaitOffset(String target, long offset) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long seen = -1;
        try {
            while (System.nanoTime() < deadline) {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.address().getPort() + target))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0").build(),
                        HttpResponse.BodyHandlers.discarding());
                seen = r.headers().firstValue("Upload-Offset").map(Long::parseLong).orElse(-1L);
                if (seen == offset) {
                    return seen;
                }
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return seen;
    }

    Path file(String name, int size, long seed) throws IOException {
        Path f = local.resolve(name);
        Files.write(f, Served.random(size, seed));
        return f;
    }

    /** The served root's copy of an upload named {@code name}, whose bytes must equal {@code file}'s. */
    void assertArrived(String name, Path file) throws IOException {
        Path got = root.resolve(name);
        assertThat(got).as("the completed upload in the served root").exists();
        assertThat(Served.sha256(got)).as("sha-256 of the uploaded bytes").isEqualTo(Served.sha256(file));
        try (Stream<Path> s = Files.list(root)) {
            assertThat(s.filter(p -> !p.getFileName().toString().startsWith(".")).toList())
                    .as("files in the served root").containsExactly(got);
        }
    }

    List<FaultProxy.Exchange> requests(String method) {
        return proxy.exchanges().stream().filter(e -> e.request().method().equals(method)).toList();
    }

    static double metric(CarryonServer server, String series) {
        for (String line : server.metrics().scrape().split("\n")) {
            if (line.startsWith(series + " ") || line.startsWith(series + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void theBytesArriveIdenticalWithTheFirstMebibyteOnTheCreation() throws Exception {
        Path f = file("plain.bin", 3 * MIB + 123, 1);
        UploadListener.Finished done = upload(f, proxy.url(), options().build());

        assertArrived("plain.bin", f);
        assertThat(done.length()).isEqualTo(Files.size(f));
        assertThat(done.sent()).isEqualTo(Files.size(f));
        assertThat(done.alreadyComplete()).isFalse();
        assertThat(done.upload().toString()).startsWith(proxy.url() + "uploads/");
        assertThat(requests("OPTIONS")).hasSize(1);
        // creation-with-upload: the POST carries the first MiB (at most: until its answer, nothing can resume)
        List<FaultProxy.Exchange> posts = requests("POST");
        assertThat(posts).hasSize(1);
        assertThat(posts.get(0).status()).isEqualTo(201);
        assertThat(posts.get(0).request().header("Upload-Length")).isEqualTo(Long.toString(Files.size(f)));
        assertThat(posts.get(0).request().header("Content-Type")).isEqualTo("application/offset+octet-stream");
        assertThat(posts.get(0).request().header("Tus-Resumable")).isEqualTo("1.0.0");
        assertThat(posts.get(0).request().header("Upload-Metadata")).isEqualTo("filename cGxhaW4uYmlu");
        assertThat(posts.get(0).responseHeader("Upload-Offset")).isEqualTo(Long.toString(MIB));
        // then the rest in one PATCH (no chunk size given)
        assertThat(requests("PATCH")).singleElement().satisfies(p -> {
            assertThat(p.request().header("Upload-Offset")).isEqualTo(Long.toString(MIB));
            assertThat(p.status()).isEqualTo(204);
            assertThat(p.responseHeader("Upload-Offset")).isEqualTo(Long.toString(Files.size(f)));
        });
        assertThat(proxy.requestBodyBytes()).isEqualTo(Files.size(f));
        assertThat(metric(server, "carryon_uploads_completed_total")).isEqualTo(1.0);
    }

    @Test
    void aSmallFileGoesInOneRequest() throws Exception {
        Path f = file("small.bin", 200_000, 20);
        upload(f, proxy.url(), options().build());

        assertArrived("small.bin", f);
        assertThat(proxy.exchanges()).extracting(e -> e.request().method()).containsExactly("OPTIONS", "POST");
        assertThat(requests("POST").get(0).responseHeader("Upload-Offset")).isEqualTo("200000");
    }

    @Test
    void chunksOfTheGivenSizeEachAtTheServersOffset() throws Exception {
        Path f = file("chunks.bin", 3 * MIB + MIB / 2, 2);
        upload(f, proxy.url(), options().chunkSize(MIB).metadata("owner", "ops team").build());

        assertArrived("chunks.bin", f);
        List<FaultProxy.Exchange> posts = requests("POST");
        assertThat(posts).hasSize(1);
        assertThat(posts.get(0).responseHeader("Upload-Offset")).isEqualTo(Long.toString(MIB));
        // the metadata pairs: filename first, then the given ones, values base64
        assertThat(posts.get(0).request().header("Upload-Metadata"))
                .isEqualTo("filename Y2h1bmtzLmJpbg==,owner b3BzIHRlYW0=");
        List<FaultProxy.Exchange> patches = requests("PATCH");
        assertThat(patches).extracting(e -> e.request().header("Upload-Offset"))
                .containsExactly(Long.toString(MIB), Long.toString(2L * MIB), Long.toString(3L * MIB));
        assertThat(patches).extracting(FaultProxy.Exchange::status).containsOnly(204);
        assertThat(patches).extracting(e -> e.responseHeader("Upload-Offset"))
                .containsExactly(Long.toString(2L * MIB), Long.toString(3L * MIB), Long.toString(Files.size(f)));
        assertThat(proxy.requestBodyBytes()).isEqualTo(Files.size(f));
    }

    @Test
    void aChunkCorruptedOnTheWayIsRefusedByItsChecksumAndSentAgain() throws Exception {
        Path f = file("trailer.bin", 4 * MIB, 3);
        AtomicBoolean once = new AtomicBoolean();
        proxy.otherwise(r -> r.method().equals("PATCH") && once.compareAndSet(false, true)
                ? Fault.pass().corruptRequestAt(MIB / 2 + 7) : Fault.pass());
        upload(f, proxy.url(), options().chunkSize(MIB).build());

        assertArrived("trailer.bin", f);
        List<FaultProxy.Exchange> patches = requests("PATCH");
        // each chunk's checksum was computed while the chunk before it travelled: a header, and a body of known
        // length (which can go with sendfile)
        assertThat(patches).allSatisfy(p -> {
            assertThat(p.request().header("Upload-Checksum")).startsWith("sha256 ");
            assertThat(p.request().header("Transfer-Encoding")).isNull();
            assertThat(p.request().header("Content-Length")).isEqualTo(Long.toString(MIB));
        });
        assertThat(patches.get(0).status()).as("the corrupted chunk").isEqualTo(460);
        assertThat(patches.get(1).request().header("Upload-Offset")).as("the same chunk again")
                .isEqualTo(patches.get(0).request().header("Upload-Offset"));
        assertThat(patches.get(1).status()).isEqualTo(204);
        assertThat(patches).hasSize(4);
        assertThat(metric(server, "carryon_upload_checksum_failures_total")).isEqualTo(1.0);
        assertThat(events.retries).anySatisfy(r -> assertThat(r).contains("checksum mismatch"));
    }

    @Test
    void checksummedChunksGrowFrom4MiBToAboutTwoSecondsOfTransfer() throws Exception {
        Path f = file("grow.bin", 80 * MIB, 23);
        upload(f, proxy.url(), options().build());

        assertArrived("grow.bin", f);
        List<Long> sizes = requests("PATCH").stream()
                .map(p -> Long.parseLong(p.request().header("Content-Length"))).toList();
        // after the 1 MiB of the creation: two chunks of 4 MiB (the second is planned, and hashed, while the first
        // travels), then what 4 MiB on loopback says: larger chunks, up to the rest of the file in one
        assertThat(sizes.subList(0, 2)).containsExactly(4L * MIB, 4L * MIB);
        assertThat(sizes).hasSizeGreaterThanOrEqualTo(3);
        assertThat(sizes.get(2)).isGreaterThan(4L * MIB);
        assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(79L * MIB);
    }

    @Test
    void withoutTrailersTheChecksumIsAHeaderAndTheDataWaitsForThePatch() throws Exception {
        Path f = file("header.bin", 2 * MIB + 5, 4);
        AtomicBoolean once = new AtomicBoolean();
        proxy.otherwise(r -> {
            if (r.method().equals("OPTIONS")) { // a server that offers checksums but not as trailers
                return Fault.pass().header("Tus-Extension", "creation,creation-with-upload,checksum,termination");
            }
            return r.method().equals("PATCH") && once.compareAndSet(false, true)
                    ? Fault.pass().corruptRequestAt(3) : Fault.pass();
        });
        upload(f, proxy.url(), options().chunkSize(MIB).build());

        assertArrived("header.bin", f);
        // no data on the POST: a checksum header must precede data, and a POST cannot carry one for its body here
        assertThat(requests("POST")).singleElement()
                .satisfies(p -> assertThat(p.request().header("Content-Length")).isIn(null, "0"));
        List<FaultProxy.Exchange> patches = requests("PATCH");
        assertThat(patches).allSatisfy(p -> {
            assertThat(p.request().header("Upload-Checksum")).startsWith("sha256 ");
            assertThat(p.request().header("Transfer-Encoding")).isNull();
        });
        assertThat(patches).extracting(FaultProxy.Exchange::status).containsExactly(460, 204, 204, 204);
        assertThat(patches).extracting(e -> e.request().header("Upload-Offset"))
                .containsExactly("0", "0", Long.toString(MIB), Long.toString(2L * MIB));
        assertThat(metric(server, "carryon_upload_checksum_failures_total")).isEqualTo(1.0);
    }

    @Test
    void noChecksumsWhenTurnedOff() throws Exception {
        Path f = file("nosum.bin", 2 * MIB, 5);
        upload(f, proxy.url(), options().chunkSize(MIB).checksums(false).build());

        assertArrived("nosum.bin", f);
        assertThat(proxy.exchanges()).allSatisfy(e -> {
            assertThat(e.request().header("Upload-Checksum")).isNull();
            assertThat(e.request().header("Transfer-Encoding")).isNull();
        });
        assertThat(requests("PATCH")).hasSize(1);
    }

    @Test
    void threePartsJoinedByConcatenationGiveTheSameBytes() throws Exception {
        Path f = file("parts.bin", 25 * MIB + 3, 6);
        UploadListener.Finished done = upload(f, proxy.url(), options().connections(3).build());

        assertArrived("parts.bin", f);
        assertThat(events.of(UploadListener.Started.class)).singleElement()
                .satisfies(s -> assertThat(s.parts()).isEqualTo(3));
        List<FaultProxy.Exchange> posts = requests("POST");
        assertThat(posts).hasSize(4);
        assertThat(posts.subList(0, 3)).allSatisfy(p -> {
            assertThat(p.request().header("Upload-Concat")).isEqualTo("partial");
            assertThat(p.status()).isEqualTo(201);
        });
        assertThat(posts.subList(0, 3)).extracting(p -> Long.parseLong(p.request().header("Upload-Length")))
                .containsExactlyInAnyOrder(f.toFile().length() / 3, f.toFile().length() / 3,
                        f.toFile().length() - 2 * (f.toFile().length() / 3));
        FaultProxy.Exchange fin = posts.get(3);
        assertThat(fin.request().header("Upload-Concat")).startsWith("final;");
        assertThat(fin.status()).isEqualTo(201);
        assertThat(done.upload()).isEqualTo(URI.create(proxy.url()).resolve(fin.responseHeader("Location")));
        assertThat(done.sent()).isEqualTo(Files.size(f));
        // each part of 8.3 MiB in chunks of 4 MiB, 4 MiB (planned while the first travels) and the rest
        assertThat(requests("PATCH")).hasSize(9);
        assertThat(proxy.requestBodyBytes()).isEqualTo(Files.size(f));
    }

    @Test
    void withChecksumsACutChunkIsSentAgainFromItsStartAndNothingElse() throws Exception {
        Path f = file("cutsum.bin", 6 * MIB, 17);
        AtomicBoolean once = new AtomicBoolean();
        proxy.otherwise(r -> r.method().equals("PATCH") && once.compareAndSet(false, true)
                ? Fault.pass().cutRequestAfter(MIB + 4321) : Fault.pass());
        upload(f, proxy.url(), options().chunkSize(2 * MIB).build());

        assertArrived("cutsum.bin", f);
        List<FaultProxy.Exchange> patches = requests("PATCH");
        // the server cannot verify a cut chunk, so it keeps none of it: the chunk is sent again whole
        assertThat(patches.get(0).request().header("Upload-Offset")).isEqualTo(Long.toString(MIB));
        assertThat(patches.get(1).request().header("Upload-Offset")).isEqualTo(Long.toString(MIB));
        assertThat(proxy.requestBodyBytes()).as("only the cut part of one chunk twice")
                .isEqualTo(Files.size(f) + MIB + 4321);
    }

    @Test
    void withoutChecksumsACutPatchResumesAtTheServersOffsetWithoutResendingAByte() throws Exception {
        Path f = file("cut.bin", 6 * MIB, 7);
        AtomicBoolean once = new AtomicBoolean();
        AtomicBoolean settled = new AtomicBoolean();
        AtomicLong kept = new AtomicLong(-1);
        proxy.otherwise(r -> {
            if (r.method().equals("PATCH") && once.compareAndSet(false, true)) {
                return Fault.pass().cutRequestAfter(MIB + 4321);
            }
            if (r.method().equals("HEAD") && once.get() && settled.compareAndSet(false, true)) {
                // The server learns of the cut on the PATCH's connection, the client asks on another one: on a
                // loaded machine the question can overtake the cut. Let the server see the cut first.
                return Fault.pass().onRequest(() -> kept.set(awaitOffset(r.target(), 2L * MIB + 4321)));
            }
            return Fault.pass();
        });
        upload(f, proxy.url(), options().chunkSize(2 * MIB).checksums(false).build());

        assertArrived("cut.bin", f);
        assertThat(kept.get()).as("the server's offset once it saw the cut: every byte that reached it kept")
                .isEqualTo(2L * MIB + 4321);
        List<FaultProxy.Exchange> patches = requests("PATCH");
        // the POST carried 1 MiB; the first PATCH (2 MiB) is cut after 1 MiB + 4321 bytes
        assertThat(patches.get(0).request().header("Upload-Offset")).isEqualTo(Long.toString(MIB));
        // the server kept what arrived of the cut PATCH, and the next one starts right there
        assertThat(patches.get(1).request().header("Upload-Offset")).isEqualTo(Long.toString(2L * MIB + 4321));
        int cut = proxy.exchanges().indexOf(patches.get(0));
        assertThat(proxy.exchanges().get(cut + 1).request().method()).as("asks the offset after the cut").isEqualTo("HEAD");
        assertThat(proxy.requestBodyBytes()).as("no byte sent twice").isEqualTo(Files.size(f));
        assertThat(events.retries).hasSize(1);
    }

    @Test
    void aCutPartOfAParallelUploadResumesAndTheJoinedFileIsIdentical() throws Exception {
        Path f = file("partcut.bin", 24 * MIB, 8);
        AtomicBoolean once = new AtomicBoolean();
        proxy.otherwise(r -> r.method().equals("PATCH") && once.compareAndSet(false, true)
                ? Fault.pass().cutRequestAfter(3 * MIB) : Fault.pass());
        upload(f, proxy.url(), options().connections(3).build());

        assertArrived("partcut.bin", f);
        // with checksums the cut chunk is discarded by the server and sent again: those 3 MiB, nothing more
        assertThat(proxy.requestBodyBytes()).isEqualTo(Files.size(f) + 3L * MIB);
        // each part of 8 MiB in two chunks of 4 MiB, and the cut one again
        assertThat(requests("PATCH")).hasSize(7);
        assertThat(requests("PATCH")).filteredOn(p -> p.request().header("Upload-Offset").equals("0")).hasSize(4);
    }

    @Test
    void aLaterRunResumesTheUploadAnEarlierRunLeftAndSaysSo() throws Exception {
        Path f = file("later.bin", 4 * MIB, 9);
        proxy.otherwise(r -> r.method().equals("PATCH") ? Fault.pass().cutRequestAfter(MIB / 2) : Fault.pass());
        TransferException e = catchThrowableOfType(
                () -> upload(f, proxy.url(), options().chunkSize(MIB).retries(0).build()), TransferException.class);
        assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
        assertThat(e.getMessage()).contains("rerun the same command to resume");
        assertThat(root.resolve("later.bin")).doesNotExist();
        URI first = events.of(UploadListener.Started.class).get(0).upload();

        proxy.clear();
        long before = proxy.requestBodyBytes();
        events.all.clear();
        UploadListener.Finished done = upload(f, proxy.url(), options().chunkSize(MIB).build());

        assertArrived("later.bin", f);
        UploadListener.Started s = events.of(UploadListener.Started.class).get(0);
        assertThat(s.resumed()).isTrue();
        assertThat(s.upload()).isEqualTo(first);
        // the POST's 1 MiB was kept; the cut half chunk, unverifiable, was not
        assertThat(s.offset()).isEqualTo(MIB);
        assertThat(events.notices).anySatisfy(n -> assertThat(n).startsWith("resuming " + first + " at " + MIB));
        assertThat(done.sent()).isEqualTo(Files.size(f) - MIB);
        assertThat(proxy.requestBodyBytes() - before).isEqualTo(Files.size(f) - MIB);
        assertThat(requests("POST")).as("no second upload was created").hasSize(1);
    }

    @Test
    void aFileChangedBetweenRunsStartsANewUploadAndSaysSo() throws Exception {
        Path f = file("changed.bin", 3 * MIB, 10);
        proxy.otherwise(r -> r.method().equals("PATCH") ? Fault.pass().cutRequestAfter(MIB / 2) : Fault.pass());
        assertThatThrownBy(() -> upload(f, proxy.url(), options().chunkSize(MIB).retries(0).build()))
                .isInstanceOf(TransferException.class);
        proxy.clear();
        Files.write(f, Served.random(3 * MIB, 11));
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        events.all.clear();
        upload(f, proxy.url(), options().chunkSize(MIB).build());

        assertArrived("changed.bin", f);
        assertThat(events.notices).anySatisfy(n -> assertThat(n).contains("changed since the last run")
                .contains("new upload"));
        assertThat(events.of(UploadListener.Started.class).get(0).resumed()).isFalse();
        assertThat(requests("POST")).hasSize(2);
    }

    @Test
    void aRerunOfAFinishedUploadSendsNothing() throws Exception {
        Path f = file("twice.bin", 2 * MIB, 12);
        UploadListener.Finished first = upload(f, proxy.url(), options().build());
        long bytes = proxy.requestBodyBytes();
        events.all.clear();

        UploadListener.Finished again = upload(f, proxy.url(), options().build());

        assertThat(again.alreadyComplete()).isTrue();
        assertThat(again.sent()).isZero();
        assertThat(again.upload()).isEqualTo(first.upload());
        assertThat(proxy.requestBodyBytes()).isEqualTo(bytes);
        assertThat(requests("POST")).hasSize(1);
        assertArrived("twice.bin", f); // and no second copy next to it
        assertThat(events.notices).anySatisfy(n -> assertThat(n).isEqualTo("already uploaded to " + first.upload()
                + ": nothing to send"));

        // once the server no longer has it, the rerun uploads again, saying so
        proxy.otherwise(r -> r.method().equals("HEAD") ? Fault.pass().answer(404) : Fault.pass());
        UploadListener.Finished third = upload(f, proxy.url(), options().build());
        assertThat(third.alreadyComplete()).isFalse();
        assertThat(third.sent()).isEqualTo(Files.size(f));
        assertThat(third.upload()).isNotEqualTo(first.upload());
        assertThat(events.notices).anySatisfy(n -> assertThat(n).isEqualTo("the finished upload " + first.upload()
                + " is gone from the server: uploading again"));
    }

    @Test
    void aRerunOfAFinishedParallelUploadSendsNothingEither() throws Exception {
        Path f = file("twice-parts.bin", 17 * MIB, 18);
        UploadListener.Finished first = upload(f, proxy.url(), options().connections(2).build());
        assertThat(events.of(UploadListener.Started.class).get(0).parts()).isEqualTo(2);
        long bytes = proxy.requestBodyBytes();

        UploadListener.Finished again = upload(f, proxy.url(), options().connections(2).build());

        assertThat(again.alreadyComplete()).isTrue();
        assertThat(again.upload()).isEqualTo(first.upload());
        assertThat(proxy.requestBodyBytes()).isEqualTo(bytes);
        assertThat(requests("POST")).hasSize(3);
        assertArrived("twice-parts.bin", f);
    }

    @Test
    void withoutConcatenationParallelPartsBecomeOneUploadAndItSaysSo() throws Exception {
        Path f = file("one.bin", 17 * MIB, 19);
        proxy.otherwise(r -> r.method().equals("OPTIONS")
                ? Fault.pass().header("Tus-Extension", "creation,creation-with-upload,termination") : Fault.pass());
        upload(f, proxy.url(), options().connections(4).build());

        assertArrived("one.bin", f);
        assertThat(events.notices).anySatisfy(n -> assertThat(n).contains("does not offer concatenation")
                .contains("one upload instead of 4 parallel parts"));
        assertThat(events.of(UploadListener.Started.class).get(0).parts()).isEqualTo(1);
        assertThat(requests("POST")).singleElement()
                .satisfies(p -> assertThat(p.request().header("Upload-Concat")).isNull());
    }

    @Test
    void httpErrorsAreTransferExceptionsOfTheirKind() throws Exception {
        Path f = file("refused.bin", MIB, 13);
        server.close();
        proxy.close();
        server = server(new UploadSettings("/uploads/", 100_000, Duration.ofHours(1), false, List.of("s3cret"),
                List.of(), false, 8, Duration.ofSeconds(30), Duration.ofSeconds(3)));
        proxy = FaultProxy.start("127.0.0.1", server.address().getPort());

        Path small = file("small.bin", 50_000, 14);
        TransferException noToken = catchThrowableOfType(() -> upload(small, proxy.url(), options().build()),
                TransferException.class);
        assertThat(noToken.kind()).isEqualTo(TransferException.Kind.HTTP);
        assertThat(noToken.getMessage()).contains("401");
        TransferException wrong = catchThrowableOfType(() -> upload(small, proxy.url(), options().token("nope").build()),
                TransferException.class);
        assertThat(wrong.kind()).isEqualTo(TransferException.Kind.HTTP);
        assertThat(wrong.getMessage()).containsAnyOf("401", "403");
        // the server's Tus-Max-Size is known from OPTIONS: nothing is sent
        long sent = proxy.requestBodyBytes();
        TransferException big = catchThrowableOfType(() -> upload(f, proxy.url(), options().token("s3cret").build()),
                TransferException.class);
        assertThat(big.kind()).isEqualTo(TransferException.Kind.HTTP);
        assertThat(big.getMessage()).contains("at most 100000");
        assertThat(proxy.requestBodyBytes()).isEqualTo(sent);
        upload(small, proxy.url(), options().token("s3cret").build());
        assertThat(Served.sha256(root.resolve("small.bin"))).isEqualTo(Served.sha256(small));
        assertThat(proxy.exchanges()).filteredOn(e -> e.request().method().equals("POST"))
                .extracting(e -> e.request().header("Authorization")).contains("Bearer s3cret");
        assertThat(events.of(TransferException.class)).as("failed() told each time").hasSize(3);

        TransferException missing = catchThrowableOfType(() -> upload(local.resolve("absent.bin"), proxy.url(),
                options().build()), TransferException.class);
        assertThat(missing.kind()).isEqualTo(TransferException.Kind.USAGE);
        assertThat(missing.getMessage()).contains("absent.bin").contains("does not exist");

        TransferException scheme = catchThrowableOfType(() -> {
            try (Uploader u = uploader(options().build())) {
                u.upload(small, URI.create("ftp://127.0.0.1/uploads/"));
            }
        }, TransferException.class);
        assertThat(scheme.kind()).isEqualTo(TransferException.Kind.USAGE);
    }

    @Test
    void anUnreachableServerIsANetworkFailureAfterTheRetries() throws Exception {
        Path f = file("nowhere.bin", 1000, 15);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TransferException e = catchThrowableOfType(
                () -> upload(f, "http://127.0.0.1:" + port + "/", options().retries(1).build()),
                TransferException.class);
        assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
        assertThat(e.getMessage()).contains("gave up after 1 failed attempts");
        assertThat(events.retries).hasSize(1);
    }

    @Test
    void aServerErrorIsRetriedWithBackoff() throws Exception {
        Path f = file("busy.bin", MIB, 16);
        proxy.script(Fault.pass(), Fault.unavailable(1));
        upload(f, proxy.url(), options().build());

        assertArrived("busy.bin", f);
        assertThat(requests("POST")).extracting(FaultProxy.Exchange::status).containsExactly(503, 201);
        assertThat(events.retries).singleElement().satisfies(r -> assertThat(r).contains("503"));
    }

    @Test
    void theListenerHearsStartProgressAndTheEndInOrder() throws Exception {
        Path f = file("events.bin", 2 * MIB, 17);
        upload(f, server.url(), options().chunkSize(256 << 10).limitRate(2 * MIB).build());

        assertArrived("events.bin", f);
        List<Object> all = new ArrayList<>(events.all);
        assertThat(all.get(0)).isInstanceOf(UploadListener.Started.class);
        UploadListener.Started s = (UploadListener.Started) all.get(0);
        assertThat(s.file()).isEqualTo(f);
        assertThat(s.length()).isEqualTo(2L * MIB);
        assertThat(s.offset()).isEqualTo(256 << 10);
        assertThat(s.resumed()).isFalse();
        assertThat(s.parts()).isEqualTo(1);
        assertThat(all.get(all.size() - 1)).isInstanceOf(UploadListener.Finished.class);
        assertThat(events.progress).hasSizeGreaterThan(2); // about a second at 2 MiB/s, a tick every 200 ms
        long last = -1;
        for (UploadListener.Progress p : events.progress) {
            assertThat(p.acknowledged()).isGreaterThanOrEqualTo(last).isLessThanOrEqualTo(p.length());
            assertThat(p.length()).isEqualTo(2L * MIB);
            last = p.acknowledged();
        }
        assertThat(events.progress).anySatisfy(p -> assertThat(p.acknowledged()).isBetween(1L, 2L * MIB - 1));
        UploadListener.Finished done = (UploadListener.Finished) all.get(all.size() - 1);
        assertThat(done.elapsed()).isGreaterThan(Duration.ofMillis(600)); // the rate limit held
    }
}
