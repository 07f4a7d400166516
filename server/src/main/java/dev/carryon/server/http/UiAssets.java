package dev.carryon.server.http;

import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.conditional.EntityTagList;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * The browser page's static files, {@code /-/ui/NAME}: a fixed allow-list read once from the class path
 * ({@code dev/carryon/server/ui/}), each with a strong ETag from its content. Any other name is a 404, so the
 * route cannot be turned into a way to read other resources.
 */
final class UiAssets {

    static final String PREFIX = "/-/ui/";
    static final String CACHE_CONTROL = "no-cache";

    /** One asset: its bytes, media type and entity tag. */
    record Asset(byte[] body, String contentType, String etag) {
    }

    private static final Map<String, Asset> ASSETS = Map.of(
            "app.js", load("app.js", "text/javascript; charset=utf-8"),
            "app.css", load("app.css", "text/css; charset=utf-8"),
            "icon.svg", load("icon.svg", "image/svg+xml"));

    private UiAssets() {
    }

    static boolean handles(String path) {
        return path.startsWith(PREFIX);
    }

    /** The names that exist (for tests and the 404 text). */
    static Set<String> names() {
        return ASSETS.keySet();
    }

    static FullHttpResponse answer(HttpRequest request, String path) {
        Asset a = ASSETS.get(path.substring(PREFIX.length()));
        if (a == null) {
            return Responses.error(HttpResponseStatus.NOT_FOUND, "no such page asset: " + path);
        }
        String inm = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        FullHttpResponse r;
        if (inm != null && matches(inm, a.etag())) {
            r = Responses.bytes(HttpResponseStatus.NOT_MODIFIED, a.contentType(), new byte[0]);
            r.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        } else {
            r = Responses.bytes(HttpResponseStatus.OK, a.contentType(), a.body());
        }
        r.headers().set(HttpHeaderNames.ETAG, a.etag());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL);
        r.headers().set("X-Content-Type-Options", "nosniff");
        return r;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        try {
            return EntityTagList.parse(ifNoneMatch).matchesWeakly(EntityTag.parse(etag).orElseThrow());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Asset load(String name, String type) {
        try (InputStream in = UiAssets.class.getResourceAsStream("/dev/carryon/server/ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the page asset " + name + " is missing from the class path");
            }
            byte[] body = in.readAllBytes();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            String etag = "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22) + "\"";
            return new Asset(body, type, etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
