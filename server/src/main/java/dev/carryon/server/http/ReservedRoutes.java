package dev.carryon.server.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/**
 * The server's own routes, under {@code /-/}: metrics, health, the transfer journal's API, and the browser
 * page's static files ({@code /-/ui/app.js}, {@code /-/ui/app.css}, {@code /-/ui/icon.svg}). They are matched on the raw request target, before
 * percent-decoding, so they cannot hide a file: a file or directory named {@code -} in the root is still
 * reachable as {@code /%2D/...}, and listings link to it that way.
 */
final class ReservedRoutes {

    static final String PREFIX = "/-/";
    static final String METRICS = "/-/metrics";
    static final String HEALTH = "/-/health";

    private final TransfersApi transfers = new TransfersApi();

    void answer(Exchange ex, String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        HttpMethod method = ex.request().method();
        boolean asset = UiAssets.handles(path);
        if (!asset && !path.equals(METRICS) && !path.equals(HEALTH) && !path.equals(TransfersApi.PATH)) {
            ex.send(Responses.error(HttpResponseStatus.NOT_FOUND, "no such route: " + path));
            return;
        }
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            FullHttpResponse r = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    method.name() + " is not allowed here; this route answers GET and HEAD");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            ex.send(r);
            return;
        }
        if (asset) {
            ex.send(UiAssets.answer(ex.request(), path));
            return;
        }
        FullHttpResponse r;
        if (path.equals(TransfersApi.PATH)) {
            r = transfers.answer(ex.server(), ex.request(), uri);
        } else if (path.equals(METRICS)) {
            r = Responses.bytes(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    ex.server().metrics().scrape().getBytes(StandardCharsets.UTF_8));
        } else {
            // A server that is stopping says so, so that a load balancer stops sending it work.
            r = ex.server().shuttingDown()
                    ? Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "stopping\n")
                    : Responses.text(HttpResponseStatus.OK, "ok\n");
        }
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        ex.send(r);
    }
}
