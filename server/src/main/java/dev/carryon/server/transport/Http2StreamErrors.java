package dev.carryon.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In each HTTP/2 stream's pipeline, right after the frame-to-HTTP/1 conversion: the errors a client causes on its
 * own stream end there, as debug lines. The frame codec finds them (DATA after the stream's end, a window past
 * 2^31-1, content-length contradicted by the DATA frames, two content-length fields, HEADERS after trailers),
 * resets the stream and passes the error to the stream's pipeline; the multiplexer then closes the stream with
 * the error's code. Unhandled, each reached the router as a warning with a stack trace, which any client could
 * fill the log with. Headers the conversion to HTTP/1-style objects refuses are reset here. Other errors go on
 * to the router, which logs them.
 */
@ChannelHandler.Sharable
final class Http2StreamErrors extends ChannelInboundHandlerAdapter {

    static final Http2StreamErrors INSTANCE = new Http2StreamErrors();
    private static final Logger LOG = LoggerFactory.getLogger(Http2StreamErrors.class);

    private Http2StreamErrors() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof DecoderException) && Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            LOG.debug("HTTP/2 stream error from {}: {}", ctx.channel().parent().remoteAddress(), cause.getMessage());
            return; // the stream is reset and closed by the multiplexer
        }
        if (cause instanceof DecoderException) {
            // The conversion refused the client's HEADERS (an :authority and a host that differ, a method that is
            // not a token, no :path): a malformed request, a stream error of type PROTOCOL_ERROR (RFC 9113
            // section 8.1.1). Nobody else answers it: the router never got a request.
            Http2Exception embedded = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
            Http2Error error = embedded != null ? embedded.error() : Http2Error.PROTOCOL_ERROR;
            LOG.debug("malformed HTTP/2 request from {}: {}", ctx.channel().parent().remoteAddress(),
                    String.valueOf(cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage()));
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(error));
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
