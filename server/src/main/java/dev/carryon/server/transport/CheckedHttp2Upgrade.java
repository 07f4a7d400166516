package dev.carryon.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpScheme;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.HttpConversionUtil;

import java.util.Base64;
import java.util.List;

/**
 * The h2c upgrade, declined for a request that Netty's upgrade cannot take: one whose {@code HTTP2-Settings}
 * is not base64url of whole, valid settings (Netty declines it too, but logs a stack trace each time, which
 * anyone could provoke), or one that cannot become an HTTP/2 stream (such as a CONNECT to a path, for which
 * Netty answered 101 and then threw, leaving the client with a switched connection and no answer). A declined
 * upgrade is answered in HTTP/1.1, as RFC 7540 section 3.2 lets a server do (RFC 9113 deprecates the upgrade).
 * Nor is a request upgraded once its connection has closed.
 */
final class CheckedHttp2Upgrade extends Http2ServerUpgradeCodec {

    CheckedHttp2Upgrade(Http2FrameCodec codec, ChannelHandler... handlers) {
        super(codec, handlers);
    }

    @Override
    public boolean prepareUpgradeResponse(ChannelHandlerContext ctx, FullHttpRequest request, HttpHeaders headers) {
        if (!ctx.channel().isActive()) {
            // A request the codec decoded from what was left of its input after an earlier answer closed the
            // connection: Netty's upgrade of it failed half-way and threw a NullPointerException.
            return false;
        }
        List<String> settings = request.headers().getAll(Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER);
        if (settings.size() != 1 || !validSettings(settings.get(0)) || !convertible(request)) {
            return false;
        }
        return super.prepareUpgradeResponse(ctx, request, headers);
    }

    @Override
    public void upgradeTo(ChannelHandlerContext ctx, FullHttpRequest request) {
        super.upgradeTo(ctx, request);
        // Right after the upgrade handler, ahead of the HTTP/2 codec that the upgrade put there.
        ctx.pipeline().addAfter(ctx.name(), "h2c-upgrade-after-preface", new UpgradeAfterPreface());
    }

    /**
     * Whether Netty can turn the request into the headers of stream 1, as it does after answering 101 (in
     * InboundHttpToHttp2Adapter, which sets the scheme first; here on a copy of the head).
     */
    private static boolean convertible(FullHttpRequest request) {
        HttpRequest head = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.headers().copy());
        head.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), HttpScheme.HTTP.name());
        try {
            HttpConversionUtil.toHttp2Headers(head, true);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A SETTINGS payload in base64url (RFC 7540 section 3.2.1): 6-byte entries, each value valid for its setting. */
    static boolean validSettings(String value) {
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (payload.length % 6 != 0) {
            return false;
        }
        Http2Settings check = new Http2Settings();
        for (int i = 0; i < payload.length; i += 6) {
            char id = (char) (((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff));
            long v = ((payload[i + 2] & 0xffL) << 24) | ((payload[i + 3] & 0xffL) << 16)
                    | ((payload[i + 4] & 0xffL) << 8) | (payload[i + 5] & 0xffL);
            try {
                check.put(id, Long.valueOf(v));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }
}
