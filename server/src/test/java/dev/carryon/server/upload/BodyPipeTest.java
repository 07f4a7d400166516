package dev.carryon.server.upload;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadMetadata;
import dev.carryon.core.upload.UploadRules;
import dev.carryon.server.digest.DigestService;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.LocalUploadData;
import dev.carryon.server.store.StateStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body of a request whose appender is still being prepared is held; a connection that closes in that time
 * must not lose what it delivered. On a loaded machine the preparation (takeover, checks, opening the file, off
 * the event loop) can take longer than a whole chunk takes to arrive over loopback.
 */
class BodyPipeTest {

    @TempDir
    Path dir;

    StateStore state;
    ServerMetrics metrics;
    DigestService digests;
    UploadService service;

    @BeforeEach
    void open() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        state = StateStore.open(dir.resolve("state"));
        metrics = new ServerMetrics();
        digests = new DigestService(state.digests(), metrics);
        service = new UploadService(state.uploads(), new LocalUploadData(state.uploadDataDir(), root,
                UploadSettings.DEFAULT.overwrite(), digests), UploadSettings.DEFAULT, metrics);
    }

    @AfterEach
    void close() {
        service.close();
        digests.close();
        state.close();
    }

    @Test
    void bytesHeldWhenTheConnectionClosesBeforeTheAppenderIsReadyAreKept() throws Exception {
        byte[] data = new byte[1000];
        Arrays.fill(data, (byte) 'x');
        Upload u = service.create(new UploadService.Creation(10_000, false, UploadMetadata.EMPTY,
                TusFields.Concat.NONE, List.of(), null)).get(10, TimeUnit.SECONDS);
        EmbeddedChannel channel = new EmbeddedChannel();
        CompletableFuture<Appender> ready = new CompletableFuture<>();
        BodyPipe pipe = new BodyPipe(channel, ready, (upload, e) -> { });
        pipe.content(new DefaultHttpContent(Unpooled.wrappedBuffer(data, 0, 600)));
        pipe.content(new DefaultHttpContent(Unpooled.wrappedBuffer(data, 600, 400)));
        pipe.interrupted();
        channel.close();
        ready.complete(service.append(new UploadService.Append(u.id(), null, 0, OptionalLong.empty(), 10_000,
                null, false, BodyPipe.writer(channel), UploadRules.Completed.EMPTY_APPEND_MATCHES)).get(10, TimeUnit.SECONDS));

        assertThat(onLoop(channel, service.head(u.id(), null)).offset()).isEqualTo(1000);
    }

    // Found by Http2FuzzTest (Netty's leak detector): over HTTP/2 a refused request's DATA frames are still read
    // after the refusal, and the last one was held by the finished pipe, never released.
    @Test
    void theLastPieceOfABodyThatArrivesAfterItsRefusalIsReleased() {
        EmbeddedChannel channel = new EmbeddedChannel();
        CompletableFuture<Appender> ready = new CompletableFuture<>();
        BodyPipe pipe = new BodyPipe(channel, ready, (upload, e) -> { });
        ready.completeExceptionally(new dev.carryon.core.upload.UploadException(
                dev.carryon.core.upload.UploadException.Reason.MALFORMED, "refused"));
        channel.runPendingTasks();
        assertThat(pipe.finished()).isTrue();
        io.netty.buffer.ByteBuf last = Unpooled.buffer().writeBytes(new byte[10]);
        pipe.content(new io.netty.handler.codec.http.DefaultLastHttpContent(last));
        assertThat(last.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    /** The result of {@code f}, running the channel's event loop (the test's thread) until it is there. */
    static <T> T onLoop(EmbeddedChannel channel, CompletableFuture<T> f) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            channel.runPendingTasks();
            try {
                return f.get(10, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // the future may wait on a task it queued on the loop: run the loop again
            }
        }
        throw new AssertionError("not done in 10 s");
    }
}
