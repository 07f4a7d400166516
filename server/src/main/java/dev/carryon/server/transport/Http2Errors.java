package dev.carryon.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The last handler of an HTTP/2 connection. Netty's frame codec answers a client's protocol error itself (GOAWAY,
 * then close) and then passes the error down the pipeline "for the user to handle"; unhandled, every bad preface
 * or first frame reached the pipeline's tail as a warning with a stack trace. A client's error is a debug line;
 * anything else stays a warning, and closes the connection.
 */
@ChannelHandler.Sharable
final class Http2Errors extends ChannelInboundHandlerAdapter {

    static final Http2Errors INSTANCE = new Http2Errors();
    private static final Logger LOG = LoggerFactory.getLogger(Http2Errors.class);

    private Http2Errors() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            LOG.debug("HTTP/2 protocol error from {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
        } else if (!(cause instanceof IOException)) {
            LOG.warn("closing an HTTP/2 connection after an unexpected error", cause);
        }
        ctx.close();
    }
}
