package dev.carryon.client.http;

import dev.carryon.core.download.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One request in flight, seen from a blocking caller: {@link #head()} waits for the response head,
 * {@link #read()} for the next piece of body. The event loop fills a small queue and stops reading from the
 * socket while the caller falls behind, so a slow disk slows the network instead of filling memory.
 */
public final class Call implements AutoCloseable {

    /** No bytes of the response arrived in time (or too few: see the downloader's lowest speed). */
    public static class StalledException extends IOException {
        public StalledException(String message) {
            super(message);
        }
    }

    private static final Object END = new Object();
    /** Body bytes queued for the caller at which the event loop stops reading from the socket... */
    private static final long PAUSE_AT = 1 << 20;
    /** ...and at which it reads again. */
    private static final long RESUME_AT = 256 << 10;
    /** Body pieces smaller than this are merged until the read burst ends or the merged piece is full. */
    private static final int MERGE_BELOW = 64 << 10;
    private static final int MERGED_SIZE = 256 << 10;

    private record Failed(Throwable cause) {
    }

    /** What happens to the connection when the call ends. */
    interface Finisher {
        void finish(Call call, boolean reusable);
    }

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final Channel channel;
    private final Duration responseTimeout;
    private final Duration stallTimeout;
    private final boolean reused;
    private final Finisher finisher;
    private boolean paused; // touched only on the event loop
    /** Small pieces of this read burst, merged into one; touched only on the event loop. */
    private ByteBuf merging;
    private ResponseHead head;
    private boolean keepAlive;
    private boolean ended;
    private volatile boolean closed;
    private volatile boolean bodySending;
    private volatile long lastBodyProgressNanos;
    private volatile String version;

    Call(Channel channel, Duration responseTimeout, Duration stallTimeout, boolean reused, Finisher finisher) {
        this.channel = channel;
        this.responseTimeout = responseTimeout;
        this.stallTimeout = stallTimeout;
        this.reused = reused;
        this.finisher = finisher;
    }

    Channel channel() {
        return channel;
    }

    /**
     * {@code HTTP/2} when the request went as a stream of an h2 connection, else the version of the response's
     * status line ({@code HTTP/1.0} from an old server) once the head arrived, {@code HTTP/1.1} before.
     */
    public String protocol() {
        if (channel.parent() != null) {
            return "HTTP/2";
        }
        String v = version;
        return v == null ? "HTTP/1.1" : v;
    }

    /**
     * The TLS session that carried the request, as {@code TLSv1.3, TLS_AES_128_GCM_SHA256, OpenSSL (BoringSSL)};
     * null over plain TCP. Ask while the call is open: a closed connection has no pipeline left to ask.
     */
    public String tls() {
        Channel connection = channel.parent() != null ? channel.parent() : channel;
        SslHandler tls = connection.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        SSLSession session = tls.engine().getSession();
        return session.getProtocol() + ", " + session.getCipherSuite() + ", " + TlsEngine.describe();
    }

    /** Whether the request went over a pooled connection (which the server may have closed meanwhile). */
    public boolean reusedConnection() {
        return reused;
    }

    // ---- the event loop's side ----

    void onHead(HttpResponse response) {
        ResponseHead.Builder b = ResponseHead.status(response.status().code());
        for (Map.Entry<String, String> e : response.headers()) {
            b.add(e.getKey(), e.getValue());
        }
        keepAlive = HttpUtil.isKeepAlive(response);
        version = response.protocolVersion().text();
        events.add(b.build());
    }

    void onContent(ByteBuf content) {
        if (closed) {
            content.release(); // the caller has gone; the connection is being closed
            return;
        }
        int n = content.readableBytes();
        // HTTP/2 delivers a body in DATA frames of 8 or 16 KiB, which would cost the caller a wake-up, its locks
        // and a write(2) each: a hundred times the work of the same bytes over HTTP/1.1. One copy on the event
        // loop costs far less than that. Whatever is handed on, it is in the order it came.
        if (n >= MERGE_BELOW) {
            deliverMerged();
            deliver(content);
            return;
        }
        if (merging != null && merging.writableBytes() < n) {
            deliverMerged();
        }
        if (merging == null) {
            merging = channel.alloc().ioBuffer(MERGED_SIZE, MERGED_SIZE);
        }
        merging.writeBytes(content);
        content.release();
    }

    private void deliver(ByteBuf content) {
        queued.addAndGet(content.readableBytes());
        events.add(content);
    }

    private void deliverMerged() {
        if (merging != null) {
            ByteBuf m = merging;
            merging = null;
            if (closed) {
                m.release();
            } else {
                deliver(m);
            }
        }
    }

    void onEnd() {
        deliverMerged();
        events.add(END);
    }

    void onError(Throwable cause) {
        // What arrived before the failure is still the body's: the caller keeps those bytes.
        deliverMerged();
        events.add(new Failed(cause));
    }

    /**
     * After a read burst: hands on what was merged, and reads on unless the caller is behind. An HTTP/1.1
     * connection reads only when asked, once per burst. An HTTP/2 stream reads on by itself until paused: asked
     * once at a time, it would end its burst after every frame, and nothing could be merged.
     */
    void readComplete() {
        deliverMerged();
        if (queued.get() < PAUSE_AT) {
            if (!channel.config().isAutoRead()) {
                channel.read();
            }
        } else {
            paused = true;
            channel.config().setAutoRead(false);
        }
    }

    private void resumeIfPaused() {
        if (paused && queued.get() < PAUSE_AT) {
            paused = false;
            if (channel.parent() != null) {
                channel.config().setAutoRead(true); // which reads
            } else {
                channel.read();
            }
        }
    }

    void bodySending() {
        bodySending = true;
        lastBodyProgressNanos = System.nanoTime();
    }

    void bodyProgress() {
        lastBodyProgressNanos = System.nanoTime();
    }

    void bodySent() {
        lastBodyProgressNanos = System.nanoTime();
        bodySending = false;
    }

    // ---- the caller's side ----

    /** The response head; waits up to the response timeout. */
    public ResponseHead head() throws IOException {
        if (head != null) {
            return head;
        }
        Object e;
        while (true) {
            try {
                e = take(responseTimeout, "no response within " + responseTimeout.toSeconds() + " s");
                break;
            } catch (StalledException stalled) {
                // While the body is still leaving, the response is not late; a body that stopped leaving is.
                if (!bodySending || System.nanoTime() - lastBodyProgressNanos > stallTimeout.toNanos()) {
                    throw bodySending ? new StalledException("the request body stopped leaving for "
                            + stallTimeout.toSeconds() + " s") : stalled;
                }
            }
        }
        if (e instanceof ResponseHead h) {
            head = h;
            return h;
        }
        throw unexpected(e);
    }

    /** The next piece of the body, which the caller must close; null at the end of the body. */
    public BodyPiece read() throws IOException {
        ByteBuf buf = readBuf();
        return buf == null ? null : new BodyPiece(buf);
    }

    /**
     * The body as text (UTF-8) up to about {@code maxChars}, for the reason an error answer gives; what arrives
     * before a failure is kept and the failure swallowed, since a reason is a courtesy and the status says enough.
     */
    public String text(int maxChars) {
        StringBuilder b = new StringBuilder();
        try {
            ByteBuf buf;
            while (b.length() < maxChars && (buf = readBuf()) != null) {
                try {
                    b.append(buf.toString(StandardCharsets.UTF_8));
                } finally {
                    buf.release();
                }
            }
        } catch (IOException e) {
            // keep what came
        }
        return b.toString();
    }

    /** Reads the body to its end, keeping nothing, so that the connection can serve another request. */
    public void discard() throws IOException {
        ByteBuf buf;
        while ((buf = readBuf()) != null) {
            buf.release();
        }
    }

    private ByteBuf readBuf() throws IOException {
        if (head == null) {
            head();
        }
        if (ended) {
            return null;
        }
        if (closed) {
            // nothing arrives for a closed call: waiting would only end with the stall timeout
            throw new IOException("the response was already closed");
        }
        Object e = take(stallTimeout, "no data for " + stallTimeout.toSeconds() + " s");
        if (e == END) {
            ended = true;
            return null;
        }
        if (e instanceof ByteBuf buf) {
            long n = buf.readableBytes();
            long left = queued.addAndGet(-n);
            if (left < RESUME_AT && left + n >= RESUME_AT) {
                // Decided on the event loop, where 'paused' is set: no pause can slip past unseen.
                channel.eventLoop().execute(this::resumeIfPaused);
            }
            return buf;
        }
        throw unexpected(e);
    }

    /** Whether the whole body was read. */
    public boolean complete() {
        return ended;
    }

    private Object take(Duration timeout, String stalled) throws IOException {
        try {
            Object e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new StalledException(stalled);
            }
            if (e instanceof Failed f) {
                throw f.cause() instanceof IOException io ? io : new IOException(f.cause().getMessage(), f.cause());
            }
            return e;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private IOException unexpected(Object e) {
        ReferenceCountUtil.release(e);
        return new IOException("the connection delivered " + e + " out of order");
    }

    /** Ends the call: a connection whose response was read to its end may serve another request. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channel.eventLoop().execute(this::deliverMerged); // now a release, since the call is closed
        Object e;
        while ((e = events.poll()) != null) {
            ReferenceCountUtil.release(e);
        }
        finisher.finish(this, ended && keepAlive);
    }
}
