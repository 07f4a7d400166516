package dev.carryon.server.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.carryon.core.journal.DownloadRecord;
import dev.carryon.core.journal.TransferState;
import dev.carryon.core.range.RangeSet;
import dev.carryon.server.journal.TransferJournal;
import dev.carryon.server.upload.UploadSettings;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /-/api/transfers?state=active|done|all&limit=N}: the transfer journal as JSON, the most recent
 * first. When upload tokens are configured, it needs one of them ({@code Authorization: Bearer}); without tokens
 * it is open, like the rest of a server on loopback.
 */
final class TransfersApi {

    /**
     * The most coverage intervals sent per session: enough to draw a bar, where random ranges could leave
     * hundreds of thousands of intervals to send every second. {@code covered} stays exact.
     */
    static final int COVERAGE_OUTLINE = 256;


    static final String PATH = "/-/api/transfers";
    static final int DEFAULT_LIMIT = 200;
    private static final JsonFactory JSON = new JsonFactory();

    private enum Filter { ACTIVE, DONE, ALL }

    FullHttpResponse answer(ServerContext server, io.netty.handler.codec.http.HttpRequest request, String uri) {
        TransferJournal journal = server.journal();
        if (journal == null) {
            return Responses.error(HttpResponseStatus.NOT_FOUND, "the transfer journal is off (--no-journal)");
        }
        if (!authorized(server, request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse r = Responses.error(HttpResponseStatus.UNAUTHORIZED,
                    "the transfers API needs 'Authorization: Bearer TOKEN' with an upload token");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return r;
        }
        Map<String, List<String>> query;
        try {
            query = new QueryStringDecoder(uri).parameters();
        } catch (IllegalArgumentException e) {
            // QueryStringDecoder refuses a '%' not followed by two hex digits: the client's mistake, not ours.
            return Responses.error(HttpResponseStatus.BAD_REQUEST, "the query is not percent-encoded correctly: "
                    + e.getMessage().replaceAll("\\p{Cntrl}", "?"));
        }
        Filter filter;
        String state = first(query, "state", "all");
        switch (state) {
            case "active" -> filter = Filter.ACTIVE;
            case "done" -> filter = Filter.DONE;
            case "all" -> filter = Filter.ALL;
            default -> {
                return Responses.error(HttpResponseStatus.BAD_REQUEST, "state is active, done or all, not " + state);
            }
        }
        int limit;
        try {
            limit = Integer.parseInt(first(query, "limit", Integer.toString(DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 0 || limit > TransferJournal.MAX_UPLOADS) {
            return Responses.error(HttpResponseStatus.BAD_REQUEST,
                    "limit is a number from 0 to " + TransferJournal.MAX_UPLOADS);
        }
        byte[] body = json(journal.view(), System.currentTimeMillis(), filter, limit);
        return Responses.bytes(HttpResponseStatus.OK, "application/json", body);
    }

    private static String first(Map<String, List<String>> query, String name, String otherwise) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? otherwise : v.get(0);
    }

    private static boolean authorized(ServerContext server, String auth) {
        UploadSettings uploads = server.config().uploads();
        if (uploads == null || uploads.tokens().isEmpty()) {
            return true;
        }
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = auth.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (String token : uploads.tokens()) {
            ok |= MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), presented);
        }
        return ok;
    }

    private static boolean keep(Filter filter, TransferState state) {
        return switch (filter) {
            case ALL -> true;
            case ACTIVE -> state == TransferState.ACTIVE;
            case DONE -> state == TransferState.DONE;
        };
    }

    static byte[] json(TransferJournal.View view, long now, Filter filter, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("now", now);
            g.writeArrayFieldStart("downloads");
            int n = 0;
            for (DownloadRecord d : view.downloads()) {
                if (n >= limit) {
                    break;
                }
                TransferState state = d.state(now);
                if (!keep(filter, state)) {
                    continue;
                }
                n++;
                g.writeStartObject();
                g.writeStringField("id", d.id());
                g.writeStringField("path", d.path());
                g.writeStringField("etag", d.etag());
                g.writeNumberField("size", d.size());
                g.writeStringField("client", d.client());
                g.writeStringField("userAgent", d.userAgent());
                g.writeNumberField("requests", d.requests());
                g.writeNumberField("bytesSent", d.bytesSent());
                g.writeNumberField("covered", d.covered());
                g.writeNumberField("coverageIntervals", d.coverage().size());
                g.writeArrayFieldStart("coverage");
                for (long[] i : RangeSet.outline(d.coverage(), COVERAGE_OUTLINE)) {
                    g.writeStartArray();
                    g.writeNumber(i[0]);
                    g.writeNumber(i[1]);
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeNumberField("bytesPerSecond", d.bytesPerSecond(now));
                g.writeNumberField("firstActivity", d.firstActivity());
                g.writeNumberField("lastActivity", d.lastActivity());
                g.writeStringField("state", state.label());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("uploads");
            n = 0;
            for (TransferJournal.UploadView u : view.uploads()) {
                if (n >= limit) {
                    break;
                }
                TransferState state = u.state(now);
                if (!keep(filter, state)) {
                    continue;
                }
                n++;
                g.writeStartObject();
                g.writeStringField("id", u.id());
                g.writeStringField("name", u.name());
                g.writeNumberField("offset", u.offset());
                if (u.length() < 0) {
                    g.writeNullField("length");
                } else {
                    g.writeNumberField("length", u.length());
                }
                g.writeNumberField("bytesPerSecond", u.bytesPerSecond(now));
                g.writeNumberField("created", u.created());
                g.writeNumberField("lastActivity", u.lastActivity());
                g.writeStringField("state", state.label());
                g.writeArrayFieldStart("parts");
                for (TransferJournal.UploadView p : u.parts()) {
                    g.writeStartObject();
                    g.writeStringField("id", p.id());
                    g.writeNumberField("offset", p.offset());
                    if (p.length() < 0) {
                        g.writeNullField("length");
                    } else {
                        g.writeNumberField("length", p.length());
                    }
                    g.writeNumberField("bytesPerSecond", p.bytesPerSecond(now));
                    g.writeNumberField("lastActivity", p.lastActivity());
                    g.writeStringField("state", p.state(now).label());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
