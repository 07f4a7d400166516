package dev.carryon.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one HTTP/1.1 connection from holding the server hostage. It sits before the HTTP codec and sees raw
 * bytes, so it knows when a request begins; the request handler tells it when headers are complete and when a
 * response has ended.
 *
 * <ul>
 *   <li>While the answers queued for the client exceed the write buffer's high-water mark, no more requests
 *       are read (pipelining back-pressure).</li>
 *   <li>Between requests, a connection may stay silent for the idle timeout; then it is closed.</li>
 *   <li>Once the first byte of a request arrives, its headers must be complete within the header timeout
 *       (slowloris); otherwise 408 and close.</li>
 *   <li>While a response is being sent, a client that reads nothing for the send timeout is dropped
 *       ({@link IdleStateEvent} from the {@code IdleStateHandler} before this one, which samples progress once per
 *       timeout: the drop comes between one and two timeouts after the client stopped reading).</li>
 * </ul>
 * After an upgrade to HTTP/2 only the idle rule remains, measured on inbound bytes (HTTP/2 clients acknowledge
 * data with WINDOW_UPDATE frames, so an active download is never silent).
 */
public final class ConnectionGuard extends ChannelDuplexHandler {

    private enum State { IDLE, READING_HEADERS, BUSY, HTTP2 }

    private static final byte[] REQUEST_TIMEOUT = requestTimeout();

    private final long idleNanos;
    private final long headerNanos;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private int inFlight;
    private long lastInbound;
    private ScheduledFuture<?> timer;

    public ConnectionGuard(Duration idleTimeout, Duration headerTimeout) {
        this.idleNanos = idleTimeout.toNanos();
        this.headerNanos = headerTimeout.toNanos();
    }

    private static byte[] requestTimeout() {
        String body = "408 Request Timeout\nthe request headers did not arrive in time\n";
        return ("HTTP/1.1 408 Request Timeout\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Connection: close\r\n\r\n"
                + body).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            arm(idleNanos);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(idleNanos);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            lastInbound = System.nanoTime();
            if (state == State.IDLE) {
                state = State.READING_HEADERS;
                arm(headerNanos);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The headers of a request are complete. */
    public void requestStarted() {
        if (state == State.HTTP2) {
            return;
        }
        inFlight++;
        state = State.BUSY;
        cancel();
    }

    /** A response has been sent completely (or cut). */
    public void requestFinished() {
        if (state == State.HTTP2 || --inFlight > 0) {
            return;
        }
        inFlight = 0;
        state = State.IDLE;
        arm(idleNanos);
    }

    /** The connection now speaks HTTP/2; only the idle rule applies from here. */
    public void handOverToHttp2() {
        state = State.HTTP2;
        lastInbound = System.nanoTime();
        ctx.channel().config().setAutoRead(true); // HTTP/2 has its own flow control
        arm(idleNanos);
    }

    /**
     * Reads no further requests while the answers to earlier ones are not being read: a client that pipelines
     * requests (small answers: HEAD, 404, 304) and reads nothing would otherwise make the server queue answers
     * without bound. Reading resumes when the queued answers have drained below the low-water mark.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (state != State.HTTP2) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
        super.channelWritabilityChanged(ctx);
    }

    /** Whether no request is in progress, so that closing the connection cuts nothing. */
    public boolean idle() {
        return state == State.IDLE;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e && e.state() == IdleState.WRITER_IDLE && state == State.BUSY) {
            // The first event after a completed write fires even when bytes left meanwhile: the handler only
            // starts observing the output then (one file region of a slow download can take longer than the send
            // timeout). A later event means nothing left for a whole period: the client stopped reading.
            if (!e.isFirst()) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void expired() {
        timer = null;
        switch (state) {
            case IDLE -> ctx.close();
            case READING_HEADERS -> ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
                    .addListener(ChannelFutureListener.CLOSE);
            case HTTP2 -> {
                long silent = System.nanoTime() - lastInbound;
                if (silent >= idleNanos) {
                    IdleCloser.goAwayAndClose(ctx);
                } else {
                    arm(idleNanos - silent);
                }
            }
            case BUSY -> { }
        }
    }

    private void arm(long nanos) {
        cancel();
        timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
