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
 * The last handler of an HTTP/2 connection. On a client's connection error the frame codec passes the error down
 * the pipeline "for the user to handle" first, and then sends its GOAWAY with the error's code and closes.
 * Unhandled, every bad preface or first frame reached the pipeline's tail as a warning with a stack trace: a
 * client's error is a debug line here, and the codec's close is left to it. (Closing here came first, as a
 * graceful shutdown: every protocol, flow-control, frame-size or compression error was announced as a GOAWAY
 * with NO_ERROR, which tells the client nothing went wrong.) Anything else stays a warning, and closes the
 * connection.
 */
@ChannelHandler.Sharable
final class Http2Errors extends ChannelInboundHandlerAdapter {

    static final Http2Errors INSTANCE = new Http2Errors();
    private static final Logger LOG = LoggerFactory.getLogger(Http2Errors.class);

    private Http2Errors() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception h2 = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (h2 != null) {
            LOG.debug("HTTP/2 protocol error from {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
            return; // the codec sends GOAWAY with the error's code, then closes
        }
        if (!(cause instanceof IOException)) {
            LOG.warn("closing an HTTP/2 connection after an unexpected error", cause);
        }
        ctx.close();
    }
}
