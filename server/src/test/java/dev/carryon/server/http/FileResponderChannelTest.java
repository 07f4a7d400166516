package dev.carryon.server.http;

import dev.carryon.core.path.RequestPath;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.content.ContentChangedException;
import dev.carryon.server.content.ContentEntry;
import dev.carryon.server.content.ContentLookup;
import dev.carryon.server.content.ContentPage;
import dev.carryon.server.content.PinnedContent;
import dev.carryon.server.content.ServedContent;
import dev.carryon.server.files.FileBody;
import dev.carryon.server.files.LocalDirectory;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.testing.Multipart;
import dev.carryon.server.testing.TestFiles;
import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file responder and the listing on Netty's EmbeddedChannel: no socket, no threads, so each message the
 * router writes (a full response, a head, sendfile regions, verified tails, copied chunks) is seen as written,
 * and a file can be changed between two of them. The socket tests beside these show the same over the wire.
 */
class FileResponderChannelTest {

    @TempDir
    Path dir;
    Path root;
    ServedContent content;
    ServerMetrics metrics;
    EmbeddedChannel channel;

    @BeforeEach
    void open() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        content = new LocalDirectory(root, Files.createDirectories(dir.resolve("state")), false, false);
        metrics = new ServerMetrics();
    }

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        metrics.close();
    }

    EmbeddedChannel channel(FileBody.Mode connection, ServerConfig.Sendfile sendfile, ServedContent served) {
        ServerConfig config = ServerConfig.builder(root).stateDir(dir.resolve("state")).sendfile(sendfile)
                .accessLog("off").uploads(null).build();
        ServerContext server = new ServerContext(config, served, null, metrics, null, null, null);
        channel = new EmbeddedChannel(new ChunkedWriteHandler(), new HttpHandler(server, connection, false));
        return channel;
    }

    EmbeddedChannel channel() {
        return channel(FileBody.Mode.ZERO_COPY, ServerConfig.Sendfile.ALWAYS, content);
    }

    Path file(String name, byte[] bytes) throws IOException {
        return TestFiles.aged(Files.write(root.resolve(name), bytes));
    }

    ContentEntry found(String target) {
        try {
            return ((ContentLookup.Found) content.lookup(RequestPath.parse(target))).entry();
        } catch (RequestPath.BadPathException e) {
            throw new AssertionError(e);
        }
    }

    static FullHttpRequest get(String target, String... headers) {
        return request(HttpMethod.GET, target, headers);
    }

    static FullHttpRequest request(HttpMethod method, String target, String... headers) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target);
        r.headers().set(HttpHeaderNames.HOST, "localhost");
        for (String h : headers) {
            int colon = h.indexOf(':');
            r.headers().add(h.substring(0, colon), h.substring(colon + 1).strip());
        }
        return r;
    }

    /** One response as the router wrote it: its head, its body's bytes, and the kind of each message. */
    record Answer(HttpResponse head, byte[] body, List<String> messages) {
        int status() {
            return head.status().code();
        }

        String header(CharSequence name) {
            return head.headers().get(name);
        }
    }

    Answer answer(FullHttpRequest request) throws IOException {
        channel.writeInbound(request);
        channel.runPendingTasks();
        HttpResponse head = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> messages = new ArrayList<>();
        while (true) {
            Object msg = channel.readOutbound();
            assertThat(msg).as("the response goes on after " + messages).isNotNull();
            try {
                messages.add(kind(msg));
                if (msg instanceof HttpResponse r) {
                    head = r;
                }
                if (msg instanceof FileRegion region) {
                    drain(region, body);
                } else if (msg instanceof ByteBuf buf) {
                    buf.readBytes(body, buf.readableBytes());
                } else if (msg instanceof HttpContent c) {
                    c.content().readBytes(body, c.content().readableBytes());
                }
                if (msg instanceof LastHttpContent || msg instanceof FullHttpResponse) {
                    return new Answer(head, body.toByteArray(), messages);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    static void drain(FileRegion region, ByteArrayOutputStream into) throws IOException {
        WritableByteChannel out = Channels.newChannel(into);
        while (region.transferred() < region.count()) {
            region.transferTo(out, region.transferred());
        }
    }

    static String kind(Object msg) {
        if (msg instanceof FullHttpResponse) {
            return "full";
        }
        if (msg instanceof HttpResponse) {
            return "head";
        }
        if (msg instanceof FileRegion r) {
            return r.count() == 1 ? "tail" : "region";
        }
        if (msg instanceof LastHttpContent) {
            return "last";
        }
        return msg instanceof HttpContent ? "chunk" : "bytes";
    }

    @Test
    void aSmallFileIsOneFullResponseWithItsValidators() throws IOException {
        byte[] data = TestFiles.random(1000, 1);
        file("small.bin", data);
        channel();
        ContentEntry e = found("/small.bin");

        Answer a = answer(get("/small.bin"));
        assertThat(a.messages()).containsExactly("full");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo(data);
        assertThat(a.header(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("1000");
        assertThat(a.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/octet-stream");
        assertThat(a.header(HttpHeaderNames.ACCEPT_RANGES)).isEqualTo("bytes");
        assertThat(a.header(HttpHeaderNames.ETAG)).isEqualTo(e.version().etag(Instant.now()).headerValue())
                .doesNotStartWith("W/");
        assertThat(a.header(HttpHeaderNames.LAST_MODIFIED)).isNotNull();

        Answer again = answer(get("/small.bin", "If-None-Match: " + a.header(HttpHeaderNames.ETAG)));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(answer(get("/small.bin", "If-Match: \"other\"")).status()).isEqualTo(412);
        Answer beyond = answer(get("/small.bin", "Range: bytes=5000-"));
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.header(HttpHeaderNames.CONTENT_RANGE)).isEqualTo("bytes */1000");
    }

    @Test
    void aLargeFileLeavesAsSendfileRegionsEachFollowedByAVerifiedTail() throws IOException {
        byte[] data = TestFiles.random((17 << 20) + 5, 2);
        file("large.bin", data);
        channel();
        Answer a = answer(get("/large.bin"));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.messages()).containsExactly("head", "region", "tail", "region", "tail", "region", "tail", "last");
        assertThat(a.body()).isEqualTo(data);
    }

    @Test
    void theAutoRuleCopiesAFileStillBeingWrittenAndSendsOneAtRest() throws IOException {
        byte[] data = TestFiles.random(100_000, 3);
        Path p = Files.write(root.resolve("auto.bin"), data);
        channel(FileBody.Mode.ZERO_COPY, ServerConfig.Sendfile.AUTO, content);
        Answer fresh = answer(get("/auto.bin"));
        assertThat(fresh.messages()).containsExactly("head", "chunk", "chunk", "last");
        assertThat(fresh.body()).isEqualTo(data);

        TestFiles.aged(p);
        Answer atRest = answer(get("/auto.bin"));
        assertThat(atRest.messages()).containsExactly("head", "region", "tail", "last");
        assertThat(atRest.body()).isEqualTo(data);
    }

    @Test
    void aCopyingConnectionSendsChunksOfBuffers() throws IOException {
        byte[] data = TestFiles.random(200_000, 4);
        file("copy.bin", data);
        channel(FileBody.Mode.COPY, ServerConfig.Sendfile.ALWAYS, content);
        Answer a = answer(get("/copy.bin"));
        assertThat(a.messages()).containsExactly("head", "chunk", "chunk", "chunk", "chunk", "last");
        assertThat(a.body()).isEqualTo(data);
    }

    @Test
    void rangesAreSentAsAskedForOneOrMany() throws IOException {
        byte[] data = TestFiles.random(100_000, 5);
        file("r.bin", data);
        channel();
        Answer one = answer(get("/r.bin", "Range: bytes=40000-89999"));
        assertThat(one.status()).isEqualTo(206);
        assertThat(one.header(HttpHeaderNames.CONTENT_RANGE)).isEqualTo("bytes 40000-89999/100000");
        assertThat(one.messages()).containsExactly("head", "region", "tail", "last");
        assertThat(one.body()).isEqualTo(Arrays.copyOfRange(data, 40_000, 90_000));

        Answer many = answer(get("/r.bin", "Range: bytes=0-9, 50000-50009"));
        assertThat(many.status()).isEqualTo(206);
        List<Multipart.Part> parts = Multipart.parse(many.header(HttpHeaderNames.CONTENT_TYPE), many.body());
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).body()).isEqualTo(Arrays.copyOfRange(data, 0, 10));
        assertThat(parts.get(1).body()).isEqualTo(Arrays.copyOfRange(data, 50_000, 50_010));
        assertThat(many.header(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(String.valueOf(many.body().length));
    }

    @Test
    void headSendsTheFieldsOfGetAndNoBody() throws IOException {
        file("h.bin", TestFiles.random(70_000, 6));
        channel();
        Answer a = answer(request(HttpMethod.HEAD, "/h.bin"));
        assertThat(a.messages()).containsExactly("head", "last");
        assertThat(a.header(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("70000");
        assertThat(a.body()).isEmpty();
    }

    /** Real local content that writes a new version of the file each time it opens it, {@code times} times. */
    static ServedContent changingOnOpen(ServedContent local, Path file, int times) {
        AtomicInteger left = new AtomicInteger(times);
        AtomicInteger version = new AtomicInteger();
        return new ServedContent() {
            @Override
            public ContentLookup lookup(RequestPath.Parsed path) {
                return local.lookup(path);
            }

            @Override
            public ContentEntry reload(ContentEntry entry) throws IOException {
                return local.reload(entry);
            }

            @Override
            public PinnedContent open(ContentEntry e) throws IOException {
                if (left.getAndDecrement() > 0) {
                    int v = version.incrementAndGet();
                    Files.write(file, TestFiles.random(60_000 + v, 100 + v));
                    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600 - v)));
                }
                return local.open(e);
            }

            @Override
            public ContentPage list(ContentEntry directory, String cursor, int limit) throws IOException {
                return local.list(directory, cursor, limit);
            }
        };
    }

    @Test
    void aFileChangedBetweenLookupAndReadIsAnsweredWholeFromTheNewVersion() throws IOException {
        Path p = file("c.bin", TestFiles.random(50_000, 7));
        channel(FileBody.Mode.ZERO_COPY, ServerConfig.Sendfile.ALWAYS, changingOnOpen(content, p, 1));
        Answer a = answer(get("/c.bin"));
        byte[] now = Files.readAllBytes(p);
        ContentEntry e = found("/c.bin");
        assertThat(a.status()).isEqualTo(200);
        assertThat(now).hasSize(60_001);
        assertThat(a.body()).isEqualTo(now);
        assertThat(a.header(HttpHeaderNames.ETAG)).isEqualTo(e.version().etag(Instant.now()).headerValue());
    }

    @Test
    void aFileThatKeepsChangingIsA503AfterThreeTries() throws IOException {
        Path p = file("busy.bin", TestFiles.random(50_000, 8));
        channel(FileBody.Mode.ZERO_COPY, ServerConfig.Sendfile.ALWAYS, changingOnOpen(content, p, 3));
        Answer a = answer(get("/busy.bin"));
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.header(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    }

    @Test
    void aFileChangedInPlaceWhileItIsSentFailsAtTheTailAndNeverCompletes() throws IOException {
        byte[] data = TestFiles.random(100_000, 9);
        Path p = file("moving.bin", data);
        channel();
        channel.writeInbound(get("/moving.bin"));
        channel.runPendingTasks();
        Object head = channel.readOutbound();
        assertThat(head).isInstanceOf(HttpResponse.class);
        FileRegion region = channel.readOutbound();
        FileRegion tail = channel.readOutbound();
        try {
            drain(region, new ByteArrayOutputStream());
            Files.write(p, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
            assertThat(tail.count()).isEqualTo(1);
            assertThatThrownBy(() -> drain(tail, new ByteArrayOutputStream()))
                    .isInstanceOf(ContentChangedException.class);
        } finally {
            region.release();
            tail.release();
            ReferenceCountUtil.release(head);
        }
    }

    @Test
    void aListingReadInSmallPagesShowsEveryEntryDirectoriesFirst() throws IOException {
        Files.createDirectories(root.resolve("d/sub2"));
        Files.createDirectories(root.resolve("d/sub1"));
        for (String n : List.of("c.txt", "a.txt", "b.txt", ".hidden")) {
            TestFiles.aged(Files.writeString(root.resolve("d").resolve(n), n));
        }
        AtomicInteger pages = new AtomicInteger();
        ServedContent paged = new ServedContent() {
            @Override
            public ContentLookup lookup(RequestPath.Parsed path) {
                return content.lookup(path);
            }

            @Override
            public ContentEntry reload(ContentEntry entry) throws IOException {
                return content.reload(entry);
            }

            @Override
            public PinnedContent open(ContentEntry file) throws IOException {
                return content.open(file);
            }

            @Override
            public ContentPage list(ContentEntry directory, String cursor, int limit) throws IOException {
                pages.incrementAndGet();
                return content.list(directory, cursor, 2);
            }
        };
        channel(FileBody.Mode.ZERO_COPY, ServerConfig.Sendfile.ALWAYS, paged);
        Answer moved = answer(get("/d"));
        assertThat(moved.status()).isEqualTo(301);
        assertThat(moved.header(HttpHeaderNames.LOCATION)).isEqualTo("/d/");

        Answer a = answer(get("/d/", "Accept: application/json"));
        assertThat(a.status()).isEqualTo(200);
        String json = new String(a.body());
        assertThat(json).containsSubsequence("\"sub1\"", "\"sub2\"", "\"a.txt\"", "\"b.txt\"", "\"c.txt\"")
                .doesNotContain("hidden");
        assertThat(pages).hasValue(3);
    }
}
