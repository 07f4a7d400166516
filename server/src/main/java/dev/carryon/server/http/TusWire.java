package dev.carryon.server.http;

import dev.carryon.core.conditional.HttpDate;
import dev.carryon.core.path.RequestPath;
import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.core.upload.UploadRules;
import dev.carryon.server.upload.UploadEndpoint;
import dev.carryon.server.upload.UploadService;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * tus 1.0.0 on the wire: its fields (read by core's {@link TusFields}), its answers and its refusals. Everything
 * tus-specific the server says is here.
 */
final class TusWire implements UploadWire {

    static final String TUS_RESUMABLE = "Tus-Resumable";

    /** The Tus-Extension list: everything. */
    static final String EXTENSIONS = "creation,creation-with-upload,creation-defer-length,expiration,checksum,"
            + "checksum-trailer,termination,concatenation,concatenation-unfinished";

    /** tus's status for each refusal: the HTTP meaning of its rule, with tus's own 460 for a checksum mismatch. */
    static final Map<UploadException.Reason, Integer> STATUS;

    static {
        Map<UploadException.Reason, Integer> t = new EnumMap<>(UploadException.Reason.class);
        for (UploadException.Reason r : UploadException.Reason.values()) {
            t.put(r, r.status());
        }
        STATUS = Collections.unmodifiableMap(t);
    }

    private final UploadService service;

    TusWire(UploadService service) {
        this.service = service;
    }

    @Override
    public UploadEndpoint.Protocol protocol() {
        return UploadEndpoint.Protocol.TUS;
    }

    @Override
    public FullHttpResponse versionRefusal(HttpRequest r) {
        String version = r.headers().get(TUS_RESUMABLE);
        if (version != null && version.strip().equals(TusFields.VERSION)) {
            return null;
        }
        FullHttpResponse resp = Responses.error(HttpResponseStatus.PRECONDITION_FAILED, version == null
                ? "requests to the upload endpoint need Tus-Resumable: 1.0.0 (tus) or Upload-Draft-Interop-Version (IETF)"
                : "this server speaks tus " + TusFields.VERSION + ", not " + version);
        resp.headers().set("Tus-Version", TusFields.VERSION);
        return resp;
    }

    @Override
    public UploadRules.Completed completed() {
        return UploadRules.Completed.EMPTY_APPEND_MATCHES;
    }

    @Override
    public Create creation(HttpRequest r, String owner) {
        TusFields.Creation fields = TusFields.creation(r.headers()::get);
        List<String> parts = new ArrayList<>();
        for (String url : fields.concat().parts()) {
            parts.add(service.idFromUrl(url));
        }
        boolean withBody = UploadWire.hasBody(r);
        if (fields.concat().kind() == TusFields.Concat.Kind.FINAL) {
            UploadRules.finalCreation(withBody);
        }
        if (withBody && !TusFields.OFFSET_OCTET_STREAM.equalsIgnoreCase(UploadWire.contentType(r))) {
            throw new UploadException(UploadException.Reason.UNSUPPORTED_MEDIA_TYPE,
                    "a creation request with data needs Content-Type: " + TusFields.OFFSET_OCTET_STREAM);
        }
        UploadService.Creation creation = new UploadService.Creation(fields.length(), fields.deferred(),
                fields.metadata(), fields.concat(), parts, owner);
        return new Create(creation, withBody ? () -> new AppendSpec(0, OptionalLong.empty(), UploadWire.bodyLength(r),
                headerChecksum(r), checksumTrailer(r), false) : null);
    }

    @Override
    public AppendSpec append(HttpRequest r) {
        if (!TusFields.OFFSET_OCTET_STREAM.equalsIgnoreCase(UploadWire.contentType(r))) {
            throw new UploadException(UploadException.Reason.UNSUPPORTED_MEDIA_TYPE,
                    "PATCH needs Content-Type: " + TusFields.OFFSET_OCTET_STREAM);
        }
        long offset = TusFields.offset(r.headers().get("Upload-Offset"));
        OptionalLong declared = TusFields.declaredLength(r.headers().get("Upload-Length"));
        long bodyLength = UploadWire.bodyLength(r);
        return new AppendSpec(offset, declared, bodyLength, headerChecksum(r), checksumTrailer(r), false);
    }

    private static TusFields.Checksum headerChecksum(HttpRequest r) {
        return TusFields.checksum(r.headers().get("Upload-Checksum")).orElse(null);
    }

    private static boolean checksumTrailer(HttpRequest r) {
        return TusFields.checksumTrailer(r.headers().getAll(HttpHeaderNames.TRAILER),
                r.headers().contains("Upload-Checksum"));
    }

    @Override
    public FullHttpResponse created(HttpRequest r, Upload u, String location, boolean withData) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                Unpooled.EMPTY_BUFFER);
        resp.headers().set(HttpHeaderNames.LOCATION, location);
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (withData || u.offset() > 0) {
            resp.headers().set("Upload-Offset", u.offset());
        }
        stateFields(u, resp.headers());
        return resp;
    }

    @Override
    public HttpResponse head(HttpRequest r, Upload u) {
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpHeaders h = resp.headers();
        boolean unfinishedFinal = u.isFinal() && u.state() != Upload.State.COMPLETE;
        if (!unfinishedFinal) {
            h.set("Upload-Offset", Long.toString(u.offset()));
        }
        if (u.lengthKnown()) {
            h.set("Upload-Length", Long.toString(u.length()));
        } else if (!u.isFinal()) {
            h.set("Upload-Defer-Length", "1");
        }
        if (!u.metadata().isEmpty()) {
            h.set("Upload-Metadata", u.metadata().format());
        }
        if (u.concat().kind() != TusFields.Concat.Kind.NONE) {
            h.set("Upload-Concat", u.concat().headerValue());
        }
        stateFields(u, h);
        h.set("Cache-Control", "no-store");
        h.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return resp;
    }

    @Override
    public HttpResponse appended(HttpRequest r, Upload u) {
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        resp.headers().set("Upload-Offset", u.offset());
        stateFields(u, resp.headers());
        return resp;
    }

    @Override
    public FullHttpResponse refusal(UploadException e, HttpRequest r) {
        return Responses.error(UploadWire.status(STATUS.get(e.reason())), e.getMessage());
    }

    @Override
    public void stamp(HttpHeaders h) {
        h.set(TUS_RESUMABLE, TusFields.VERSION);
    }

    /**
     * What every tus answer about an upload says of its state beyond the offset: until when it lives, and once
     * finished, where it is served (it may be 'name (1).ext' after a clash). The upload's content is the file's,
     * so that is its Content-Location; an absolute path, as the upload's own Location is.
     */
    static void stateFields(Upload u, HttpHeaders h) {
        Map<String, String> out = new LinkedHashMap<>();
        if (u.state() == Upload.State.ACTIVE && u.expires() != null) {
            out.put("Upload-Expires", HttpDate.format(u.expires()));
        }
        if (u.state() == Upload.State.COMPLETE && u.path() != null) {
            out.put("Content-Location", servedPath(u.path()));
        }
        out.forEach(h::set);
    }

    /** The URL path of a file at {@code relative} in the served root, each segment percent-encoded. */
    static String servedPath(String relative) {
        StringBuilder b = new StringBuilder();
        for (String segment : relative.split("/")) {
            if (!segment.isEmpty()) {
                b.append('/').append(RequestPath.encodeSegment(segment));
            }
        }
        return b.isEmpty() ? "/" : b.toString();
    }
}
