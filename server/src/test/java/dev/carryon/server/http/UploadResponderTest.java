package dev.carryon.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carryon.core.upload.Upload;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.files.FileBody;
import dev.carryon.server.files.LocalDirectory;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.LocalUploadData;
import dev.carryon.server.store.StateStore;
import dev.carryon.server.store.UploadData;
import dev.carryon.server.store.UploadStore;
import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.upload.UploadEndpoint;
import dev.carryon.server.upload.UploadService;
import dev.carryon.server.upload.UploadSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upload responders on Netty's {@link EmbeddedChannel}: requests as objects in, responses as objects out, no
 * socket. Fast and deterministic: each step runs the channels' event loops until what it waits for is there.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UploadResponderTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    StateStore state;
    UploadService service;
    ServerContext context;
    final List<EmbeddedChannel> channels = new ArrayList<>();

    void start(UnaryOperator<UploadStore> storeAdjust) throws Exception {
        start(storeAdjust, d -> d);
    }

    void start(UnaryOperator<UploadStore> storeAdjust, UnaryOperator<UploadData> dataAdjust) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        state = StateStore.open(dir.resolve("state"));
        ServerMetrics metrics = new ServerMetrics();
        UploadSettings settings = UploadSettings.DEFAULT;
        service = new UploadService(storeAdjust.apply(state.uploads()), dataAdjust.apply(new LocalUploadData(
                state.uploadDataDir(), root, false, null)), settings, metrics);
        ServerConfig config = ServerConfig.builder(root).stateDir(dir.resolve("state")).uploads(settings).build();
        context = new ServerContext(config, new LocalDirectory(root, dir.resolve("state"), false, false), null, metrics,
                null, new UploadEndpoint(service), null);
    }

    void start() throws Exception {
        start(s -> s);
    }

    @AfterEach
    void stop() {
        channels.forEach(c -> c.finishAndReleaseAll());
        if (service != null) {
            service.close();
        }
        if (state != null) {
            state.close();
        }
    }

    EmbeddedChannel connection() {
        EmbeddedChannel c = new EmbeddedChannel(new HttpHandler(context, FileBody.Mode.COPY, false));
        channels.add(c);
        return c;
    }

    static HttpRequest request(HttpMethod method, String uri, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        r.headers().set("Host", "localhost");
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().set(headers[i], headers[i + 1]);
        }
        return r;
    }

    /** Runs every channel's event loop until {@code done} holds. */
    void until(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done in 20 s");
            }
            channels.forEach(EmbeddedChannel::runPendingTasks);
            Thread.onSpinWait();
            Thread.sleep(1); // the upload service's threads do the work in between
        }
    }

    /** The next response the channel writes, with its body: everything up to its last content. */
    Answer answer(EmbeddedChannel c) throws InterruptedException {
        HttpResponse[] head = new HttpResponse[1];
        StringBuilder body = new StringBuilder();
        until(() -> {
            Object o;
            while ((o = c.readOutbound()) != null) {
                try {
                    if (o instanceof HttpResponse r && r.status().code() >= 200) {
                        head[0] = r;
                    }
                    if (o instanceof HttpContent content) {
                        body.append(content.content().toString(StandardCharsets.UTF_8));
                        if (content instanceof LastHttpContent) {
                            return true;
                        }
                    }
                    if (o instanceof ByteBuf b) {
                        body.append(b.toString(StandardCharsets.UTF_8));
                    }
                } finally {
                    ReferenceCountUtil.release(o);
                }
            }
            return false;
        });
        return new Answer(head[0], body.toString());
    }

    record Answer(HttpResponse head, String body) {
        int status() {
            return head.status().code();
        }

        String header(String name) {
            return head.headers().get(name);
        }
    }

    static HttpContent piece(String s) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    static HttpContent last(String s) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    String create(EmbeddedChannel c, String length) throws InterruptedException {
        c.writeInbound(request(HttpMethod.POST, "/uploads/", "Tus-Resumable", "1.0.0", "Upload-Length", length,
                "Upload-Metadata", "filename aGVsbG8udHh0"), LastHttpContent.EMPTY_LAST_CONTENT);
        Answer a = answer(c);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.header("Location");
    }

    @Test
    void aTusUploadIsCreatedAppendedInPiecesAndPublished() throws Exception {
        start();
        EmbeddedChannel c = connection();
        String location = create(c, "11");
        assertThat(location).startsWith("/uploads/");

        c.writeInbound(request(HttpMethod.PATCH, location, "Tus-Resumable", "1.0.0", "Upload-Offset", "0",
                "Content-Type", "application/offset+octet-stream", "Content-Length", "11"));
        c.writeInbound(piece("hello "), last("world"));
        Answer patched = answer(c);
        assertThat(patched.status()).isEqualTo(204);
        assertThat(patched.header("Upload-Offset")).isEqualTo("11");
        assertThat(patched.header("Tus-Resumable")).isEqualTo("1.0.0");
        assertThat(patched.header("Content-Location")).isEqualTo("/hello.txt");
        assertThat(Files.readString(dir.resolve("root/hello.txt"))).isEqualTo("hello world");

        c.writeInbound(request(HttpMethod.HEAD, location, "Tus-Resumable", "1.0.0"));
        Answer head = answer(c);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Upload-Offset")).isEqualTo("11");
        assertThat(head.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void aNewerPatchTakesOverTheWriterThroughItsCallbackKeepingItsBytes() throws Exception {
        start();
        EmbeddedChannel first = connection();
        String location = create(first, "10");
        first.writeInbound(request(HttpMethod.PATCH, location, "Tus-Resumable", "1.0.0", "Upload-Offset", "0",
                "Content-Type", "application/offset+octet-stream", "Content-Length", "10"));
        first.writeInbound(piece("abcd"));
        // The first body is being written: its appender took the four bytes (nothing is committed yet).
        until(() -> Files.exists(dir.resolve("state/uploads").resolve(location.substring(9)))
                && dir.resolve("state/uploads").resolve(location.substring(9)).toFile().length() == 4);

        EmbeddedChannel second = connection();
        second.writeInbound(request(HttpMethod.PATCH, location, "Tus-Resumable", "1.0.0", "Upload-Offset", "4",
                "Content-Type", "application/offset+octet-stream", "Content-Length", "6"), last("efghij"));
        Answer taken = answer(second);
        assertThat(taken.status()).as(taken.body()).isEqualTo(204);
        assertThat(taken.header("Upload-Offset")).isEqualTo("10");
        assertThat(first.isOpen()).as("the first request was ended").isFalse();
        assertThat(Files.readString(dir.resolve("root/hello.txt"))).isEqualTo("abcdefghij");
    }

    @Test
    void aCommitRecordsWhatItWasForWhileMoreArrivesBehindIt() throws Exception {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        start(store -> store, real -> new UploadData() {
            @Override
            public void create(String id) throws java.io.IOException {
                real.create(id);
            }

            @Override
            public Sink append(String id, long offset) throws java.io.IOException {
                Sink sink = real.append(id, offset);
                return new Sink() {
                    @Override
                    public java.util.concurrent.CompletableFuture<Void> write(java.nio.ByteBuffer bytes) {
                        return sink.write(bytes);
                    }

                    @Override
                    public long commit() throws java.io.IOException {
                        try {
                            held.await(); // an fsync slow enough for more of the body to arrive meanwhile
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                        return sink.commit();
                    }

                    @Override
                    public void close() {
                        sink.close();
                    }
                };
            }

            @Override
            public void discardAfter(String id, long offset) throws java.io.IOException {
                real.discardAfter(id, offset);
            }

            @Override
            public void read(String id, long from, long to, java.util.function.Consumer<java.nio.ByteBuffer> reader)
                    throws java.io.IOException {
                real.read(id, from, to, reader);
            }

            @Override
            public void concatenate(String target, List<Part> parts) throws java.io.IOException {
                real.concatenate(target, parts);
            }

            @Override
            public boolean exists(String id) throws java.io.IOException {
                return real.exists(id);
            }

            @Override
            public List<String> ids() throws java.io.IOException {
                return real.ids();
            }

            @Override
            public String publish(String id, long length, String suggested, byte[] sha256) throws java.io.IOException {
                return real.publish(id, length, suggested, sha256);
            }

            @Override
            public void delete(String id) throws java.io.IOException {
                real.delete(id);
            }

            @Override
            public long room() {
                return real.room();
            }
        });
        EmbeddedChannel writer = connection();
        String location = create(writer, "30");
        Path data = dir.resolve("state/uploads").resolve(location.substring("/uploads/".length()));
        writer.writeInbound(request(HttpMethod.PATCH, location, "Tus-Resumable", "1.0.0", "Upload-Offset", "0",
                "Content-Type", "application/offset+octet-stream", "Content-Length", "30"), piece("a".repeat(10)));
        until(() -> data.toFile().length() == 10);
        Thread.sleep(1100); // a commit is due once a second of body has gone by
        writer.writeInbound(piece("b".repeat(10))); // its commit is scheduled for 20 bytes...
        writer.writeInbound(piece("c".repeat(5))); // ...and five more are written before it runs
        until(() -> data.toFile().length() == 25);
        held.countDown();

        EmbeddedChannel asker = connection();
        asker.writeInbound(request(HttpMethod.HEAD, location, "Tus-Resumable", "1.0.0"));
        long[] offset = new long[1];
        until(() -> {
            try {
                Answer a = answer(asker);
                offset[0] = Long.parseLong(a.header("Upload-Offset"));
                if (offset[0] < 20) {
                    asker.writeInbound(request(HttpMethod.HEAD, location, "Tus-Resumable", "1.0.0"));
                }
                return offset[0] >= 20;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(offset[0]).as("what the commit was for is recorded").isEqualTo(20);
    }

    @Test
    void anIetfProblemIsJsonEvenWhenItsDetailQuotesAControlCharacter() throws Exception {
        start();
        EmbeddedChannel c = connection();
        // A metadata key with a tab in it: the refusal quotes the key.
        c.writeInbound(request(HttpMethod.POST, "/uploads/", "Upload-Draft-Interop-Version", "8",
                "Upload-Complete", "?0", "Upload-Metadata", "fi\tle \"x\\"), LastHttpContent.EMPTY_LAST_CONTENT);
        Answer a = answer(c);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(a.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asText()).contains("fi\tle");
    }

    @Test
    void aWrongIetfOffsetIsAProblemNamingBothOffsets() throws Exception {
        start();
        EmbeddedChannel c = connection();
        c.writeInbound(request(HttpMethod.POST, "/uploads/", "Upload-Draft-Interop-Version", "8",
                "Upload-Complete", "?0", "Upload-Length", "10"), LastHttpContent.EMPTY_LAST_CONTENT);
        String location = answer(c).header("Location");
        c.writeInbound(request(HttpMethod.PATCH, location, "Upload-Draft-Interop-Version", "8", "Upload-Offset", "3",
                "Upload-Complete", "?0", "Content-Type", "application/partial-upload", "Content-Length", "2"),
                last("xy"));
        Answer a = answer(c);
        assertThat(a.status()).isEqualTo(409);
        JsonNode problem = JSON.readTree(a.body());
        assertThat(problem.get("type").asText()).endsWith("#mismatching-upload-offset");
        assertThat(problem.get("expected-offset").asLong()).isZero();
        assertThat(problem.get("provided-offset").asLong()).isEqualTo(3);
        assertThat(a.header("Upload-Offset")).isEqualTo("0");
    }

    @Test
    void aFailureOfTheStoreIsA500WithItsCauseInTheLog() throws Exception {
        start(real -> new UploadStore() {
            @Override
            public void create(Upload upload) {
                throw new IllegalStateException(); // no message at all
            }

            @Override
            public Optional<Upload> find(String id) {
                return real.find(id);
            }

            @Override
            public boolean update(Upload upload, long expectedOffset, long epoch) {
                return real.update(upload, expectedOffset, epoch);
            }

            @Override
            public void delete(String id) {
                real.delete(id);
            }

            @Override
            public List<Upload> finalsNaming(String partId) {
                return real.finalsNaming(partId);
            }

            @Override
            public int purgeExpired(Instant before) {
                return real.purgeExpired(before);
            }

            @Override
            public Optional<Lease> acquire(String id, String holder, Instant now, Duration ttl) {
                return real.acquire(id, holder, now, ttl);
            }

            @Override
            public void release(String id, String holder, long epoch) {
                real.release(id, holder, epoch);
            }

            @Override
            public List<RecentUpload> recent(int limit) {
                return real.recent(limit);
            }

            @Override
            public List<Lease> claimExpired(Instant now, int limit, String holder, Duration ttl) {
                return real.claimExpired(now, limit, holder, ttl);
            }
        });
        EmbeddedChannel c = connection();
        try (LogCapture log = LogCapture.start()) {
            c.writeInbound(request(HttpMethod.POST, "/uploads/", "Tus-Resumable", "1.0.0", "Upload-Length", "5"),
                    LastHttpContent.EMPTY_LAST_CONTENT);
            Answer a = answer(c);
            assertThat(a.status()).isEqualTo(500);
            assertThat(a.body()).contains("IllegalStateException").doesNotContain("null");
            assertThat(log.trouble()).anySatisfy(l -> assertThat(l).contains("WARN").contains("POST /uploads/"));
            assertThat(log.trouble()).as("with its stack trace")
                    .anySatisfy(l -> assertThat(l).contains("IllegalStateException"));
        }
    }
}
