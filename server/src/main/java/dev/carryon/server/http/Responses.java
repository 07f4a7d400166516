package dev.carryon.server.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

/** Small complete responses: errors and other short texts. */
final class Responses {

    static final AsciiString TEXT_UTF8 = AsciiString.cached("text/plain; charset=utf-8");

    private Responses() {
    }

    /** A text body, with Content-Type and Content-Length set. */
    static FullHttpResponse text(HttpResponseStatus status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT_UTF8);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }

    /** An error: the status line again, then why, so that a person reading it with curl knows what to change. */
    static FullHttpResponse error(HttpResponseStatus status, String reason) {
        return text(status, status.code() + " " + status.reasonPhrase() + "\n" + reason + "\n");
    }

    static FullHttpResponse bytes(HttpResponseStatus status, CharSequence contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }
}
