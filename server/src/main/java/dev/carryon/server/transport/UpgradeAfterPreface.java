package dev.carryon.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Holds the upgraded request of an h2c upgrade until the client's first bytes of HTTP/2 (its preface) arrive,
 * and only then lets the HTTP/2 codec open stream 1 with it. Otherwise the answer's first flow-control window
 * (64 KiB) goes out right behind the 101, and curl (7.88), which keeps 32 KiB for what follows an upgrade
 * response, fails with "connection buffer size is too small" whenever the two arrive in one read. The client
 * sends its preface as soon as it has the 101, so nothing waits longer than a round trip.
 */
final class UpgradeAfterPreface extends ChannelInboundHandlerAdapter {

    private Object held;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent && held == null) {
            held = evt;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Object event = held;
        held = null;
        if (event != null) {
            ctx.fireUserEventTriggered(event);
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // The connection closed before the client said anything in HTTP/2: nobody will answer the request.
        ReferenceCountUtil.release(held);
        held = null;
    }
}
