package dev.carryon.server.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.carryon.core.path.RequestPath;
import dev.carryon.server.content.ContentEntry;
import dev.carryon.server.content.ContentPage;
import dev.carryon.server.content.ServedContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Lists a directory: HTML for browsers, JSON for {@code Accept: application/json}. Shows what a request could
 * fetch and nothing else (the served content decides: no hidden entries unless served, no state directory, no
 * links leading out), directories first, then by name.
 */
final class DirectoryListing {

    /** Entries asked for at a time; a listing shows all of them, so this only bounds one call to the content. */
    static final int PAGE = 10_000;

    private static final JsonFactory JSON = new JsonFactory();

    /** One listed entry, with the entity tag a GET of it would carry. */
    record Entry(String name, boolean directory, long size, Instant modified, String etag) {
    }

    void answer(Exchange ex, RequestPath.Parsed path, ContentEntry dir) {
        ServerContext server = ex.server();
        if (!path.isRoot() && !path.trailingSlash()) {
            // Relative links in the listing resolve against the directory only with the slash. The location is
            // built from the decoded segments: the raw path could begin "//" (another host, to a browser) or be
            // "/-", whose "/-/" is the server's own routes.
            String location = location(path);
            String query = ex.request().uri().contains("?") ? ex.request().uri().substring(ex.request().uri().indexOf('?')) : "";
            FullHttpResponse r = Responses.error(HttpResponseStatus.MOVED_PERMANENTLY, "a directory: see " + location);
            r.headers().set(HttpHeaderNames.LOCATION, location + query);
            ex.send(r);
            return;
        }
        if (!server.config().listDirectories()) {
            ex.send(Responses.error(HttpResponseStatus.FORBIDDEN, "directory listings are turned off"));
            return;
        }
        List<Entry> entries;
        try {
            entries = read(server.content(), dir, Instant.ofEpochMilli(ex.startMillis()));
        } catch (IOException e) {
            ex.send(Responses.error(HttpResponseStatus.FORBIDDEN, "the directory cannot be read: " + e.getMessage()));
            return;
        }
        boolean json = wantsJson(ex.request().headers().get(HttpHeaderNames.ACCEPT));
        FullHttpResponse r;
        if (json) {
            r = Responses.bytes(HttpResponseStatus.OK, "application/json", json(path, entries));
        } else {
            r = Responses.bytes(HttpResponseStatus.OK, "text/html; charset=utf-8",
                    ListingPage.render(path, entries, pageSettings(ex)));
            r.headers().set("Content-Security-Policy", ListingPage.CONTENT_SECURITY_POLICY);
            r.headers().set("X-Content-Type-Options", "nosniff");
            r.headers().set("Referrer-Policy", "same-origin");
        }
        r.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        ex.send(r);
    }

    private static ListingPage.Settings pageSettings(Exchange ex) {
        ServerContext server = ex.server();
        String fallback;
        if (ex.ctx().channel().localAddress() instanceof InetSocketAddress local) {
            String host = local.getAddress() == null ? local.getHostString() : local.getAddress().getHostAddress();
            fallback = (host.contains(":") ? "[" + host + "]" : host) + ":" + local.getPort();
        } else {
            fallback = server.config().host() + ":" + server.config().port();
        }
        String origin = ListingPage.origin(server.config().tls(), ex.request().headers().get(HttpHeaderNames.HOST), fallback);
        return new ListingPage.Settings(origin, server.uploads() == null ? null : server.config().uploads(),
                server.journal() != null);
    }

    /** The directory's path with a trailing slash, each segment percent-encoded, a root "-" as "%2D". */
    static String location(RequestPath.Parsed path) {
        StringBuilder b = new StringBuilder();
        for (String segment : path.segments()) {
            boolean first = b.length() == 0;
            b.append('/').append(first && segment.equals("-") ? "%2D" : RequestPath.encodeSegment(segment));
        }
        return b.append('/').toString();
    }

    static List<Entry> read(ServedContent content, ContentEntry dir, Instant now) throws IOException {
        List<Entry> entries = new ArrayList<>();
        String cursor = null;
        do {
            ContentPage page = content.list(dir, cursor, PAGE);
            for (ContentEntry e : page.entries()) {
                boolean directory = e.isDirectory();
                entries.add(new Entry(e.name(), directory, directory ? 0 : e.size(), e.modified(),
                        directory ? null : e.version().etag(now).headerValue()));
            }
            cursor = page.next();
        } while (cursor != null);
        entries.sort(Comparator.comparing((Entry e) -> !e.directory()).thenComparing(Entry::name));
        return entries;
    }

    /** JSON when the client asks for it and does not also take HTML (browsers do). */
    static boolean wantsJson(String accept) {
        if (accept == null) {
            return false;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        return a.contains("application/json") && !a.contains("text/html");
    }

    static byte[] json(RequestPath.Parsed path, List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + entries.size() * 128);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("path", path.canonical());
            g.writeArrayFieldStart("entries");
            for (Entry e : entries) {
                g.writeStartObject();
                g.writeStringField("name", e.name());
                g.writeStringField("type", e.directory() ? "directory" : "file");
                if (!e.directory()) {
                    g.writeNumberField("size", e.size());
                }
                g.writeStringField("mtime", e.modified().toString());
                if (e.etag() != null) {
                    g.writeStringField("etag", e.etag());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
