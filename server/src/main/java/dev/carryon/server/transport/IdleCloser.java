package dev.carryon.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/** Closes an HTTP/2 connection over TLS that has neither read nor written for the idle timeout. */
final class IdleCloser extends ChannelInboundHandlerAdapter {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e && e.state() == IdleState.ALL_IDLE) {
            goAwayAndClose(ctx);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * Closes an idle HTTP/2 connection from a handler before the HTTP/2 codec: first a GOAWAY (RFC 9113 section
     * 9.1: an endpoint that closes SHOULD send one first, so that the client knows which of its streams were
     * processed and that it may retry the others), written through the whole pipeline so that the codec writes
     * it; then the socket closes at once. (A close through the codec would wait for the streams still open, and
     * an idle client may never end them; a close from here, as before, sent no GOAWAY.)
     */
    static void goAwayAndClose(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.channel().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)).addListener(f -> ctx.close());
    }
}
