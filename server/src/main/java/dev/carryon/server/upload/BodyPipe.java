package dev.carryon.server.upload;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Carries a request body to an {@link Appender} that is still being prepared (takeover, checks, opening the data
 * happen off the event loop). Until it is ready, and while a piece is still being written, reading from the
 * connection stops and what already arrived is held, so memory stays bounded. Every method runs on the request's
 * event loop. This is where the transport's buffers meet the upload engine, which sees {@code ByteBuffer}s and a
 * {@link Writer} only.
 */
public final class BodyPipe {

    private final Channel channel;
    private final Deque<HttpContent> held = new ArrayDeque<>();
    private final BiConsumer<Upload, Throwable> done;
    private Appender appender;
    /** A piece the appender is still writing (held until it is done), or null. */
    private HttpContent writing;
    private Throwable refused;
    private boolean ended;
    private boolean finished;
    private boolean closed;
    private ScheduledFuture<?> watchdog;

    /**
     * @param done called once, on the event loop, with the upload after the body (or with why it failed)
     */
    public BodyPipe(Channel channel, CompletableFuture<Appender> ready,
                    BiConsumer<Upload, Throwable> done) {
        this.channel = channel;
        this.done = done;
        channel.config().setAutoRead(false);
        ready.whenComplete((a, e) -> channel.eventLoop().execute(() -> {
            if (e != null) {
                refused = unwrap(e);
                finish(null, refused);
            } else {
                appender = a;
                drain();
                if (closed) {
                    interrupted();
                    return;
                }
                long timeout = a.bodyTimeout().toNanos();
                if ((timeout > 0 || a.minBodyRate() > 0) && !finished) {
                    watch(timeout, nextCheck(timeout, timeout));
                }
            }
            channel.config().setAutoRead(true);
            channel.read();
        }));
    }

    /**
     * Ends a body that has been silent for {@code timeout}: what arrived is kept (as when the connection breaks),
     * the client is told 408 and the connection closes. Checked again after {@code delay}.
     */
    private void watch(long timeout, long delay) {
        watchdog = channel.eventLoop().schedule(() -> {
            if (finished) {
                return;
            }
            long now = System.nanoTime();
            if (appender.tooSlow(now)) {
                appender.abort("the body arrived too slowly");
                finish(null, new UploadException(UploadException.Reason.BODY_TIMEOUT, "the body arrived at less than "
                        + appender.minBodyRate() + " bytes a second (" + appender.received() + " bytes so far); what"
                        + " arrived is kept: ask for the offset and resume"));
                return;
            }
            long silent = now - appender.lastByteNanos();
            if (timeout <= 0 || silent < timeout) {
                watch(timeout, nextCheck(timeout, timeout <= 0 ? timeout : timeout - silent));
                return;
            }
            appender.abort("the body stalled");
            finish(null, new UploadException(UploadException.Reason.BODY_TIMEOUT, "no byte of the body arrived for "
                    + java.time.Duration.ofNanos(timeout).toMillis() + " ms; what arrived is kept: ask for the offset"
                    + " and resume"));
        }, delay, TimeUnit.NANOSECONDS);
    }

    /** When to look again: at the silence deadline, and at least every second while a body rate is required. */
    private long nextCheck(long timeout, long untilSilence) {
        long second = TimeUnit.SECONDS.toNanos(1);
        if (appender.minBodyRate() <= 0) {
            return untilSilence;
        }
        return timeout <= 0 ? second : Math.min(second, untilSilence);
    }

    /** A piece of the body (the pipe takes ownership). */
    public void content(HttpContent c) {
        if (finished) {
            // The last piece too: once the creation or append was refused, no appender takes it, and held pieces
            // were released when it finished (a LastHttpContent kept here was never released).
            ReferenceCountUtil.release(c);
            return;
        }
        if (appender == null || writing != null) {
            held.add(c);
            return;
        }
        take(c);
    }

    /** The request behind a channel, as the upload engine asks of it: connected, its event loop, and closing. */
    public static Writer writer(Channel channel) {
        return new Writer() {
            @Override
            public boolean connected() {
                return channel.isActive();
            }

            @Override
            public void execute(Runnable task) {
                channel.eventLoop().execute(task);
            }

            @Override
            public void end() {
                channel.close();
            }
        };
    }

    /** The connection closed before the body ended: what arrived is kept (unless a checksum must vouch for it). */
    public void interrupted() {
        if (appender == null && refused == null) {
            // What is held arrived before the close: it is written once the appender is ready.
            closed = true;
            return;
        }
        releaseHeld();
        if (appender != null && !finished) {
            appender.abort("the connection closed");
            finished = true;
        }
        releaseWriting();
    }

    /** Whether the body has been dealt with and the response can be written (or was). */
    public boolean finished() {
        return finished;
    }

    private void drain() {
        HttpContent c;
        while (writing == null && (c = held.poll()) != null) {
            take(c);
        }
    }

    private void take(HttpContent c) {
        boolean release = true;
        try {
            if (finished) {
                return;
            }
            ByteBuf content = c.content();
            if (content.isReadable()) {
                CompletableFuture<Void> w = appender.write(content.nioBuffer());
                if (!w.isDone()) {
                    // The piece is still being written: it is held, and nothing more is read, until it is done.
                    release = false;
                    writing = c;
                    channel.config().setAutoRead(false);
                    w.whenComplete((v, e) -> channel.eventLoop().execute(() -> written(c, e == null)));
                    return;
                }
                if (w.isCompletedExceptionally()) {
                    refusedWrite();
                    return;
                }
            }
            afterWrite(c);
        } finally {
            if (release) {
                ReferenceCountUtil.release(c);
            }
        }
    }

    /** A piece whose write was pending is done: on with it, and with what arrived meanwhile. */
    private void written(HttpContent c, boolean ok) {
        if (writing != c) {
            return; // released already (the connection closed)
        }
        writing = null;
        try {
            if (finished) {
                return;
            }
            if (!ok) {
                refusedWrite();
                return;
            }
            afterWrite(c);
        } finally {
            ReferenceCountUtil.release(c);
        }
        drain();
        if (!finished) {
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    private void refusedWrite() {
        finish(null, appender.failure() == null ? new UploadException(UploadException.Reason.SUPERSEDED,
                "this request was ended by a newer one") : appender.failure());
    }

    private void releaseWriting() {
        if (writing != null) {
            ReferenceCountUtil.release(writing);
            writing = null;
        }
    }

    /** After a piece was written: the last one ends the body. */
    private void afterWrite(HttpContent c) {
        if (!(c instanceof LastHttpContent last)) {
            return;
        }
        ended = true;
        TusFields.Checksum trailer;
        try {
            trailer = TusFields.checksum(last.trailingHeaders().get("Upload-Checksum")).orElse(null);
        } catch (UploadException e) {
            appender.abort("refused: " + e.getMessage());
            finish(null, e);
            return;
        }
        appender.end(trailer).whenComplete((u, e) -> channel.eventLoop().execute(
                () -> finish(u, e == null ? null : unwrap(e))));
    }

    private void finish(Upload u, Throwable e) {
        if (finished) {
            return;
        }
        finished = true;
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        releaseHeld();
        releaseWriting();
        done.accept(u, e);
    }

    private void releaseHeld() {
        HttpContent c;
        while ((c = held.poll()) != null) {
            ReferenceCountUtil.release(c);
        }
    }

    /** Whether the last piece of the body has been seen. */
    public boolean ended() {
        return ended;
    }

    public static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
