package dev.carryon.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Takes the HTTP/1.1 codec out of the pipeline for an h2c upgrade, as {@link HttpServerCodec#upgradeFrom} does,
 * without losing what the client sent behind the upgrade request. A client may send its preface and first frames
 * right after the request, before the 101 (RFC 7540 section 3.2), and they often arrive in the same segment: the
 * codec's decoder has read them, and as it leaves it hands them to the next handler. Netty's upgrade installs the
 * HTTP/2 handlers only after that, so the bytes went past them to the HTTP/1.1 router, which dropped them; the
 * connection then waited for a preface it had been sent, until its idle timeout.
 *
 * <p>Here a {@link Leftover} is put where the codec was before it leaves; it keeps the bytes the decoder hands
 * over, and passes them on, ahead of anything read later, once the HTTP/2 handlers are in place after it: at the
 * next read event, which comes after the upgrade has completed (the 101 written, stream 1 opened with the
 * upgraded request). The order of the client's bytes is kept.
 */
final class H2cSourceCodec implements HttpServerUpgradeHandler.SourceCodec {

    private final HttpServerCodec codec;

    H2cSourceCodec(HttpServerCodec codec) {
        this.codec = codec;
    }

    @Override
    public void upgradeFrom(ChannelHandlerContext ctx) {
        Leftover leftover = new Leftover();
        ctx.pipeline().addBefore(ctx.name(), "h2c-leftover", leftover);
        ctx.pipeline().remove(codec); // hands the decoder's unread bytes to the leftover, synchronously
        leftover.armed = true;
    }

    /** Holds the bytes read past the upgrade request until the HTTP/2 handlers after it can take them. */
    static final class Leftover extends ChannelInboundHandlerAdapter {
        private CompositeByteBuf held;
        /** Set once the codec has left: from then on, events come from the socket, after the upgrade. */
        private boolean armed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!armed) {
                if (msg instanceof ByteBuf buf) {
                    if (held == null) {
                        held = ctx.alloc().compositeBuffer();
                    }
                    held.addComponent(true, buf);
                } else {
                    ctx.fireChannelRead(msg);
                }
                return;
            }
            passOn(ctx);
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!armed) {
                return; // the decoder's, as it left: the read it ends is still going on
            }
            passOn(ctx);
            ctx.fireChannelReadComplete();
        }

        private void passOn(ChannelHandlerContext ctx) {
            ByteBuf bytes = held;
            held = null;
            ctx.pipeline().remove(this);
            if (bytes != null) {
                ctx.fireChannelRead(bytes);
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            // The connection closed before a read came after the upgrade: nobody will take the bytes.
            ReferenceCountUtil.release(held);
            held = null;
        }
    }
}
