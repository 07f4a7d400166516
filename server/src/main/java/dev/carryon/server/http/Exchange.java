package dev.carryon.server.http;

import dev.carryon.core.journal.DownloadEvent;
import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.MultipartLayout;
import dev.carryon.server.files.FileBody;
import dev.carryon.server.journal.SendQueues;
import dev.carryon.server.journal.TransferJournal;
import dev.carryon.server.log.AccessLog;
import dev.carryon.server.transport.ConnectionGuard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.FileRegion;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.stream.ChunkedInput;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response: it stamps the common headers, writes, and when the last byte has left (or the
 * response was cut) records the request in the metrics and the access log and decides whether the connection
 * stays open.
 */
final class Exchange {

    private static final AsciiString SERVER = AsciiString.cached("carryon");
    private static final long LINGER_SECONDS = 2;
    /** The connection's finished response whose last bytes were still in its send queue when it ended. */
    private static final AttributeKey<Exchange> TAIL = AttributeKey.valueOf("carryon.journalTail");
    /** How long a finished response's queued bytes are watched for; beyond it they are not counted as received. */
    private static final long TAIL_WATCH_NANOS = TimeUnit.MINUTES.toNanos(2);
    /**
     * Bodies shorter than this count when the socket takes them, as the queue cannot hold back more than they are:
     * reading the kernel's table for every small range request would cost more than the error it removes.
     */
    private static final long WATCHED_BODY = 1 << 20;

    private final ChannelHandlerContext ctx;
    private final ServerContext server;
    private final HttpRequest request;
    private final ConnectionGuard guard;
    private final boolean http2;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private boolean keepAlive;
    private boolean linger;
    // A file body for the transfer journal: which version, which bytes were planned, how far it was reported.
    private String journalEtag;
    private long journalSize;
    private ByteRange journalRange;
    private MultipartLayout journalMultipart;
    private long journalReported;
    private long journalReportedNanos;
    // The connection's send queue, where it can be read (HTTP/1.1 over TCP on Linux; see SendQueues): the journal
    // counts bytes once the client's system has acknowledged them, not when the socket took them. Checked every
    // second while the body goes out and, once it has ended, until what was still queued has drained. Null:
    // bytes count when the socket takes them. All on the connection's event loop.
    private SendQueues queues;
    private int localPort;
    private int remotePort;
    private long lastQueued = SendQueues.UNKNOWN;
    /** What the socket had taken at recent moments (a small ring), to pair a queue reading with its moment. */
    private final long[] takenAt = new long[8];
    private final long[] takenAtNanos = new long[8];
    private int takenNext;
    private long progressed;
    /** The chunked body being sent, whose progress is what it has produced so far. */
    private ChunkedInput<?> journalBody;
    private boolean ended;
    private long endedNanos;
    private String endedRemote;
    private boolean settled;

    Exchange(ChannelHandlerContext ctx, ServerContext server, HttpRequest request, ConnectionGuard guard,
             boolean http2) {
        this.ctx = ctx;
        this.server = server;
        this.request = request;
        this.guard = guard;
        this.http2 = http2;
        this.keepAlive = http2 || (HttpUtil.isKeepAlive(request) && !server.shuttingDown());
        if (!http2) {
            // An HTTP/1.1 client asks again only once it has read the whole response before (without pipelining,
            // which no downloader uses): whatever of that one was still queued has arrived.
            Exchange before = ctx.channel().attr(TAIL).getAndSet(null);
            if (before != null) {
                before.settle(true);
            }
        }
    }

    HttpRequest request() {
        return request;
    }

    boolean http2() {
        return http2;
    }

    boolean head() {
        return HttpMethod.HEAD.equals(request.method());
    }

    long startMillis() {
        return startMillis;
    }

    ServerContext server() {
        return server;
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    /**
     * Marks this response as a file body for the transfer journal: {@code range} (a whole file is its full range)
     * or {@code multipart} is what the body carries; the bytes that actually leave are counted as they go.
     */
    void journal(String etag, long size, ByteRange range, MultipartLayout multipart) {
        if (server.journal() != null && !head()) {
            journalEtag = etag;
            journalSize = size;
            journalRange = range;
            journalMultipart = multipart;
            journalReportedNanos = startNanos;
            SendQueues q = server.journal().sendQueues();
            long body = range != null ? range.length() : multipart != null ? multipart.contentLength() : 0;
            if (!http2 && body >= WATCHED_BODY && q.available()
                    && ctx.channel().localAddress() instanceof InetSocketAddress local
                    && ctx.channel().remoteAddress() instanceof InetSocketAddress peer) {
                queues = q;
                localPort = local.getPort();
                remotePort = peer.getPort();
                queues.want();
                scheduleWatch();
            }
        }
    }

    /**
     * Of the first {@code upTo} body bytes handed to the socket, how many the client's system has: those not in
     * the connection's send queue at the journal's last reading (at most about a second old). The queue also
     * holds the response's head, so this errs low until the queue is empty.
     */
    private long delivered(long upTo) {
        long now = System.nanoTime();
        takenAt[takenNext] = upTo;
        takenAtNanos[takenNext] = now;
        takenNext = (takenNext + 1) % takenAt.length;
        SendQueues.Snapshot s = queues.snapshot();
        long q = s.queued(localPort, remotePort);
        if (q >= 0) {
            lastQueued = q;
            // The queue was read up to a second ago; what the socket took since is in no reading yet. Paired with
            // what it had taken by then (less, or the same: it only grows), the difference errs low, never high.
            return Math.max(journalReported, takenBy(s.takenNanos()) - q);
        }
        if (s.listed(localPort, remotePort) || s.takenNanos() > startNanos) {
            // two connections with these ports (not told apart), or gone from the table since this response
            // began (closed: delivered, or reset and then cut): what the socket took, as without the table
            return upTo;
        }
        return journalReported; // no reading of this connection yet: held until there is one
    }

    /** The most the socket is known to have taken by {@code nanos}: the latest recorded moment not after it. */
    private long takenBy(long nanos) {
        long best = -1;
        long bestNanos = 0;
        for (int i = 0; i < takenAt.length; i++) {
            long t = takenAtNanos[i];
            if (t != 0 && t - nanos <= 0 && (best < 0 || t - bestNanos > 0)) {
                best = takenAt[i];
                bestNanos = t;
            }
        }
        return best < 0 ? journalReported : best;
    }

    /**
     * Bytes still in Netty's outbound buffer for this connection, not yet handed to the socket. The progress of a
     * chunked body is what the body has produced, which runs a chunk ahead (a sendfile region is up to 16 MiB).
     */
    private long notYetWritten() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out == null) {
            return 0;
        }
        long[] pending = new long[1];
        try {
            out.forEachFlushedMessage(m -> {
                if (m instanceof FileRegion r) {
                    pending[0] += r.count() - r.transferred();
                } else if (m instanceof ByteBuf b) {
                    pending[0] += b.readableBytes();
                }
                return true;
            });
        } catch (Exception e) {
            return 0; // the processor throws nothing
        }
        return pending[0];
    }

    /**
     * Body bytes the socket has taken: what the body produced less what Netty still holds. (The progress events
     * of a chunked write come when a chunk has gone, a sendfile region of up to 16 MiB, and then tell what the
     * body has produced, a chunk ahead.)
     */
    private long taken() {
        long produced = journalBody != null ? Math.max(progressed, journalBody.progress()) : progressed;
        return Math.max(0, produced - notYetWritten());
    }

    private void scheduleWatch() {
        ctx.channel().eventLoop().schedule(this::watch, 1, TimeUnit.SECONDS);
    }

    /** Every second: reports what more the client's system has, while the body goes out and after it ended. */
    private void watch() {
        if (settled) {
            return;
        }
        if (!ended) {
            long got = delivered(taken());
            if (got > journalReported) {
                journalReport(remote(), got, false);
            }
        } else {
            SendQueues.Snapshot s = queues.snapshot();
            if (s.takenNanos() > endedNanos) {
                long q = s.queued(localPort, remotePort);
                if (q == 0 || q == SendQueues.UNKNOWN) {
                    // drained, or closed (its kernel delivers what it held before the FIN), or not told apart
                    settle(true);
                    return;
                }
                if (progressed - q > journalReported) {
                    journalReport(endedRemote, progressed - q, false);
                }
            }
            if (System.nanoTime() - endedNanos > TAIL_WATCH_NANOS) {
                settle(false); // a client that stopped reading: not known to have arrived
                return;
            }
        }
        scheduleWatch();
    }

    /** Stops watching the queue, reporting the rest of an ended body as received or not. */
    private void settle(boolean received) {
        if (settled) {
            return;
        }
        settled = true;
        if (received && ended && progressed > journalReported) {
            journalReport(endedRemote, progressed, false);
        }
        if (!http2) {
            ctx.channel().attr(TAIL).compareAndSet(this, null);
        }
        queues.release();
    }

    /** Reports the body bytes {@code [reported, upTo)} to the journal: one event, one non-blocking offer. */
    private void journalReport(String remote, long upTo, boolean finished) {
        TransferJournal journal = server.journal();
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        journal.record(new DownloadEvent(request.uri(), journalEtag, journalSize, remote,
                request.headers().get(HttpHeaderNames.USER_AGENT), auth, startMillis, System.currentTimeMillis(),
                journalRange, journalMultipart, journalReported, Math.max(upTo, journalReported), finished));
        journalReported = Math.max(upTo, journalReported);
    }

    /** After this response the connection closes: the request was malformed, or it carries a body we skip. */
    void closeAfterResponse() {
        if (!http2) {
            keepAlive = false;
            linger = true;
        }
    }

    /** Sends a complete response; for HEAD, only its header fields. */
    void send(FullHttpResponse response) {
        stamp(response);
        int status = response.status().code();
        if (head()) {
            HttpResponse headOnly = new DefaultHttpResponse(response.protocolVersion(), response.status(),
                    response.headers());
            response.release();
            ctx.write(headOnly);
            finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), status, 0);
        } else {
            long length = response.content().readableBytes();
            finish(ctx.writeAndFlush(response), status, length);
        }
    }

    /** Sends a response head and a body produced piece by piece; the body ends with its own last content. */
    void send(HttpResponse head, ChunkedInput<?> body) {
        stamp(head);
        int status = head.status().code();
        boolean corked = cork(body);
        if (journalEtag != null) {
            journalBody = body;
        }
        ctx.write(head);
        ChannelProgressivePromise promise = ctx.newProgressivePromise();
        long[] sent = new long[1];
        promise.addListener(new ChannelProgressiveFutureListener() {
            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                sent[0] = progress;
                progressed = progress;
                // A long body shows its progress in the journal about once a second, not only when it ends (with
                // the send queue read, watch() does it).
                if (journalEtag != null && queues == null) {
                    long now = System.nanoTime();
                    if (now - journalReportedNanos >= 1_000_000_000L) {
                        journalReportedNanos = now;
                        long taken = taken();
                        if (taken > journalReported) {
                            journalReport(remote(), taken, false);
                        }
                    }
                }
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture future) {
                if (corked) {
                    uncork();
                }
                completed(future, status, future.isSuccess() ? body.length() : sent[0]);
            }
        });
        ctx.writeAndFlush(body, promise);
    }

    /**
     * Holds partial segments back while a sendfile body goes out (TCP_CORK, nginx's tcp_nopush): the head, the
     * file bytes and the verified tail then leave in full segments instead of three packets that each wake the
     * client. Only on the native transport, which has the option.
     */
    private boolean cork(ChunkedInput<?> body) {
        if (body instanceof FileBody fb && fb.mode() == FileBody.Mode.ZERO_COPY
                && ctx.channel() instanceof EpollSocketChannel ch && ch.isOpen()) {
            ch.config().setTcpCork(true);
            return true;
        }
        return false;
    }

    private void uncork() {
        if (ctx.channel() instanceof EpollSocketChannel ch && ch.isOpen()) {
            ch.config().setTcpCork(false);
        }
    }

    /** Sends a response head with no body (HEAD of a file, 304). */
    void sendHeadOnly(HttpResponse head) {
        stamp(head);
        ctx.write(head);
        finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), head.status().code(), 0);
    }

    private void stamp(HttpResponse r) {
        r.headers().set(HttpHeaderNames.DATE, server.dateHeader(startMillis));
        r.headers().set(HttpHeaderNames.SERVER, SERVER);
        if (!http2) {
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (!request.protocolVersion().isKeepAliveDefault()) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
    }

    private void finish(ChannelFuture f, int status, long bodyBytes) {
        f.addListener(done -> completed((ChannelFuture) done, status, done.isSuccess() ? bodyBytes : 0));
    }

    private void completed(ChannelFuture f, int status, long sent) {
        boolean cut = !f.isSuccess();
        long duration = System.nanoTime() - startNanos;
        server.metrics().request(request.method().name(), status, duration);
        server.metrics().bodyBytes(sent);
        if (cut) {
            server.metrics().responseCut();
        }
        AccessLog log = server.accessLog();
        boolean fileBody = journalEtag != null && (status == 200 || status == 206);
        String remote = log != null || fileBody ? remote() : null;
        if (fileBody && queues != null && !cut) {
            progressed = sent;
            journalReport(remote, delivered(sent), true);
            if (journalReported < sent) {
                ended = true;
                endedNanos = System.nanoTime();
                endedRemote = remote;
                ctx.channel().attr(TAIL).set(this); // watch() goes on with it
            } else {
                settle(false);
            }
        } else if (fileBody && queues != null) {
            // cut: the connection is gone, and so are the bytes its queue held at the last reading
            journalReport(remote, lastQueued >= 0 ? Math.max(journalReported, sent - lastQueued) : sent, true);
            settle(false);
        } else if (fileBody) {
            journalReport(remote, sent, true);
        } else if (queues != null) {
            settle(false);
        }
        if (log != null) {
            log.log(new AccessLog.Entry(remote, startMillis, request.method().name(), request.uri(),
                    http2 ? "HTTP/2.0" : request.protocolVersion().text(), status, sent,
                    request.headers().get(HttpHeaderNames.REFERER), request.headers().get(HttpHeaderNames.USER_AGENT),
                    request.headers().get(HttpHeaderNames.RANGE), duration, cut));
        }
        if (guard != null) {
            guard.requestFinished();
        }
        if (cut) {
            ctx.close();
        } else if (!http2 && (!keepAlive || server.shuttingDown())) {
            if (linger) {
                lingeringClose();
            } else {
                ctx.close();
            }
        }
    }

    /**
     * Closes a connection whose client may still be sending what was refused (a body, oversized headers).
     * Closing at once would answer those bytes with a reset, which can destroy the response before the client
     * reads it. So: half-close, read and discard for a moment, then close.
     */
    private void lingeringClose() {
        Channel ch = ctx.channel();
        if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
            ctx.close();
            return;
        }
        ch.pipeline().addFirst("linger", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
        ch.config().setAutoRead(true);
        duplex.shutdownOutput();
        ch.eventLoop().schedule(() -> {
            ch.close();
        }, LINGER_SECONDS, TimeUnit.SECONDS);
    }

    private String remote() {
        SocketAddress a = http2 && ctx.channel().parent() != null
                ? ctx.channel().parent().remoteAddress()
                : ctx.channel().remoteAddress();
        if (a instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }
}
