package dev.carryon.server.http;

import dev.carryon.core.field.BareItem;
import dev.carryon.core.field.Member;
import dev.carryon.core.field.StructuredFieldException;
import dev.carryon.core.field.StructuredFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.core.upload.UploadMetadata;
import dev.carryon.core.upload.UploadRules;
import dev.carryon.core.download.ContentDisposition;
import dev.carryon.core.upload.TusFields;
import dev.carryon.server.upload.UploadEndpoint;
import dev.carryon.server.upload.UploadService;
import dev.carryon.server.upload.UploadSettings;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The IETF resumable-upload draft (draft-ietf-httpbis-resumable-upload) on the upload endpoint, in the interop
 * versions shipping clients speak. Its fields are structured: {@code Upload-Offset} and {@code Upload-Length} are
 * integers, {@code Upload-Complete} a boolean, {@code Upload-Limit} a dictionary. The uploads are the same as
 * tus's; only the wire differs. See docs/upload-protocols.md for what each interop version sends.
 */
final class IetfWire implements UploadWire {

    /**
     * Interop versions accepted: 5 (draft -03, tus-js-client 'ietf-draft-03'), 6 (-04/-05, 'ietf-draft-05'),
     * 7 (-06 to -08), 8 (-09 to -11), 9 and 10 (the newest drafts read; see docs/upload-protocols.md).
     */
    static final int OLDEST = 5;
    static final int NEWEST = 10;
    static final Set<Integer> VERSIONS = Set.of(5, 6, 7, 8, 9, 10);
    static final HttpResponseStatus UPLOAD_RESUMPTION_SUPPORTED =
            new HttpResponseStatus(104, "Upload Resumption Supported");
    static final String PARTIAL_UPLOAD = "application/partial-upload";
    static final String MISMATCH = "https://iana.org/assignments/http-problem-types#mismatching-upload-offset";
    static final String COMPLETED = "https://iana.org/assignments/http-problem-types#completed-upload";
    static final String INCONSISTENT = "https://iana.org/assignments/http-problem-types#inconsistent-upload-length";

    private final UploadSettings settings;

    IetfWire(UploadSettings settings) {
        this.settings = settings;
    }

    @Override
    public UploadEndpoint.Protocol protocol() {
        return UploadEndpoint.Protocol.IETF;
    }

    @Override
    public FullHttpResponse versionRefusal(HttpRequest r) {
        version(r);
        return null;
    }

    @Override
    public void checkUploadRequest(HttpMethod method, HttpRequest r) {
        int version = version(r);
        if (version <= 6 && (HttpMethod.HEAD.equals(method) || HttpMethod.DELETE.equals(method))) {
            // -03 and -05 §5 and §7: offset retrieval and cancellation carry none of the progress fields.
            for (String field : version == 6 ? List.of("Upload-Offset", "Upload-Complete", "Upload-Length")
                    : List.of("Upload-Offset", "Upload-Complete")) {
                if (r.headers().contains(field)) {
                    throw UploadException.malformed(method.name() + " takes no " + field + " in interop version "
                            + version);
                }
            }
        }
    }

    @Override
    public UploadRules.Completed completed() {
        return UploadRules.Completed.REFUSED;
    }

    /** Creation: the body (if any) is the first part of the representation; Upload-Complete says if it is all. */
    @Override
    public Create creation(HttpRequest r, String owner) {
        boolean complete = complete(r);
        OptionalLong declared = integer(r, "Upload-Length");
        long bodyLength = UploadWire.bodyLength(r);
        long length = declared.isPresent() ? declared.getAsLong() : complete && bodyLength >= 0 ? bodyLength : -1;
        if (complete && declared.isPresent() && bodyLength >= 0 && bodyLength != declared.getAsLong()) {
            throw new UploadException(UploadException.Reason.LENGTHS_DIFFER, "Upload-Complete: ?1 with " + bodyLength
                    + " bytes, but Upload-Length " + declared.getAsLong() + ": the lengths differ");
        }
        UploadMetadata metadata = UploadMetadata.parse(r.headers().get("Upload-Metadata"));
        String disposition = r.headers().get("Content-Disposition");
        if (disposition != null && metadata.text("filename").isEmpty()) {
            Optional<String> name = ContentDisposition.filename(disposition);
            if (name.isPresent()) {
                metadata = metadata.with("filename", name.get());
            }
        }
        UploadService.Creation creation = new UploadService.Creation(length, length < 0, metadata,
                TusFields.Concat.NONE, List.of(), owner);
        boolean withBody = bodyLength != 0 || r.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
        AppendSpec body = new AppendSpec(0, OptionalLong.empty(), bodyLength, null, false, complete);
        return new Create(creation, withBody ? () -> body : null);
    }

    /** Appending: Upload-Offset must match; Upload-Complete: ?1 marks the last part. */
    @Override
    public AppendSpec append(HttpRequest r) {
        String type = UploadWire.contentType(r);
        if (version(r) >= 6 && !type.isEmpty() && !PARTIAL_UPLOAD.equalsIgnoreCase(type)) {
            throw new UploadException(UploadException.Reason.UNSUPPORTED_MEDIA_TYPE, "PATCH needs Content-Type: "
                    + PARTIAL_UPLOAD);
        }
        long offset = integer(r, "Upload-Offset")
                .orElseThrow(() -> UploadException.malformed("PATCH needs Upload-Offset"));
        boolean complete = complete(r);
        long bodyLength = UploadWire.bodyLength(r);
        OptionalLong declared = integer(r, "Upload-Length");
        if (declared.isEmpty() && complete && bodyLength >= 0) {
            declared = OptionalLong.of(offset + bodyLength);
        }
        return new AppendSpec(offset, declared, bodyLength, null, false, complete);
    }

    /** 104 (Upload Resumption Supported): the upload's Location, before its body has arrived. */
    @Override
    public FullHttpResponse informational(HttpRequest r, Upload u, String location) {
        int version = version(r);
        FullHttpResponse info = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, UPLOAD_RESUMPTION_SUPPORTED);
        info.headers().set(HttpHeaderNames.LOCATION, location);
        info.headers().set("Upload-Draft-Interop-Version", version);
        limits(settings, version).forEach(info.headers()::set);
        return info;
    }

    @Override
    public FullHttpResponse created(HttpRequest r, Upload u, String location, boolean withData) {
        int version = version(r);
        // 201 whether or not the body was all of it: the request created the upload (and, complete, the file).
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                Unpooled.EMPTY_BUFFER);
        resp.headers().set(HttpHeaderNames.LOCATION, location);
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        progress(resp.headers(), u, version);
        limits(settings, version).forEach(resp.headers()::set);
        return resp;
    }

    @Override
    public HttpResponse head(HttpRequest r, Upload u) {
        int version = version(r);
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        progress(resp.headers(), u, version);
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        limits(settings, version).forEach(resp.headers()::set);
        return resp;
    }

    @Override
    public HttpResponse appended(HttpRequest r, Upload u) {
        int version = version(r);
        boolean done = u.state() == Upload.State.COMPLETE;
        // Interop 5 and 6 answer an append with 201 (done or not); later drafts with 204 until done.
        HttpResponseStatus status = version <= 6 ? HttpResponseStatus.CREATED
                : done ? HttpResponseStatus.OK : HttpResponseStatus.NO_CONTENT;
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        if (status.code() != 204) {
            resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        progress(resp.headers(), u, version);
        return resp;
    }

    @Override
    public FullHttpResponse refusal(UploadException e, HttpRequest r) {
        return problem(e, r);
    }

    @Override
    public void stamp(HttpHeaders h) {
        // every answer names its interop version already (progress, problem)
    }

    /** Upload-Offset, Upload-Complete (or, in interop version 3 and earlier, Upload-Incomplete) and Upload-Length. */
    static void progress(HttpHeaders h, Upload u, int version) {
        h.set("Upload-Draft-Interop-Version", version);
        h.set("Upload-Offset", u.offset());
        h.set("Upload-Complete", u.state() == Upload.State.COMPLETE ? "?1" : "?0");
        if (u.lengthKnown()) {
            h.set("Upload-Length", u.length());
        }
    }

    /**
     * Upload-Limit: what the server accepts (a dictionary). The lifetime key is {@code expires} in interop 6 and
     * {@code max-age} later; with no limit at all, {@code min-size=0} says the field is meant.
     */
    static Map<String, String> limits(UploadSettings settings, int version) {
        Map<String, String> out = new LinkedHashMap<>();
        if (version < 6) {
            return out;
        }
        Map<String, Member> d = new LinkedHashMap<>();
        if (settings.maxSize() > 0) {
            d.put("max-size", Member.Item.of(new BareItem.Integer(Math.min(settings.maxSize(), BareItem.Integer.MAX))));
        }
        if (!settings.expiry().isZero()) {
            d.put(version == 6 ? "expires" : "max-age", Member.Item.of(new BareItem.Integer(settings.expiry().toSeconds())));
        }
        if (d.isEmpty()) {
            d.put("min-size", Member.Item.of(new BareItem.Integer(0)));
        }
        out.put("Upload-Limit", StructuredFields.serializeDictionary(d));
        return out;
    }

    /**
     * How the draft answers a refusal: its status (before interop version 10 and from it) and problem type. A
     * reason this table does not name is answered with the status of its rule and no type.
     */
    record Answer(int status, int statusFrom10, String type, String title) {
        int status(int version) {
            return version >= 10 ? statusFrom10 : status;
        }
    }

    private static final Answer INCONSISTENT_LENGTH = new Answer(400, 400, INCONSISTENT,
            "the upload's length is inconsistent");

    /** The draft's answer to each refusal, by reason. */
    static final Map<UploadException.Reason, Answer> ANSWERS;

    static {
        Map<UploadException.Reason, Answer> t = new EnumMap<>(UploadException.Reason.class);
        for (UploadException.Reason r : UploadException.Reason.values()) {
            t.put(r, new Answer(r.status(), r.status(), null, null));
        }
        // An append to a completed upload: 400, and 410 from interop 10.
        t.put(UploadException.Reason.ALREADY_COMPLETE, new Answer(400, 410, COMPLETED, "upload is already completed"));
        t.put(UploadException.Reason.OFFSET_MISMATCH, new Answer(409, 409, MISMATCH,
                "offset from request does not match offset of resource"));
        // Lengths that do not agree: a body past the recorded length (413 in tus), a length that would change, a
        // creation or last append whose body is not the declared length.
        t.put(UploadException.Reason.PAST_LENGTH, INCONSISTENT_LENGTH);
        t.put(UploadException.Reason.LENGTH_CHANGED, INCONSISTENT_LENGTH);
        t.put(UploadException.Reason.LENGTHS_DIFFER, INCONSISTENT_LENGTH);
        ANSWERS = Collections.unmodifiableMap(t);
    }

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The problem document (RFC 9457) of a refusal, with the status and type the draft's version wants (see
     * {@link #ANSWERS}); a mismatching offset names both offsets.
     */
    static FullHttpResponse problem(UploadException e, HttpRequest request) {
        int version = NEWEST;
        try {
            version = Integer.parseInt(request.headers().get("Upload-Draft-Interop-Version").strip());
        } catch (RuntimeException ignored) {
            // the newest behaviour for a version we do not know
        }
        Answer a = ANSWERS.get(e.reason());
        HttpResponseStatus answer = UploadWire.status(a.status(version));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (a.type() != null) {
                g.writeStringField("type", a.type());
                g.writeStringField("title", a.title());
            }
            g.writeNumberField("status", answer.code());
            g.writeStringField("detail", e.getMessage());
            if (e.reason() == UploadException.Reason.OFFSET_MISMATCH && e.currentOffset() >= 0) {
                g.writeNumberField("expected-offset", e.currentOffset());
                String provided = request.headers().get("Upload-Offset");
                if (provided != null && !provided.isBlank() && provided.strip().chars().allMatch(Character::isDigit)) {
                    g.writeFieldName("provided-offset");
                    g.writeNumber(provided.strip());
                }
            }
            g.writeEndObject();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        byte[] body = out.toByteArray();
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set("Upload-Complete", "?0");
        r.headers().set("Upload-Draft-Interop-Version", Math.max(OLDEST, Math.min(version, NEWEST)));
        return r;
    }

    private static int version(HttpRequest r) {
        String v = r.headers().get("Upload-Draft-Interop-Version").strip();
        try {
            int n = Integer.parseInt(v);
            if (VERSIONS.contains(n)) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UploadException(UploadException.Reason.UNSUPPORTED_VERSION, "this server speaks Upload-Draft-Interop-Version " + VERSIONS
                + ", not " + v);
    }

    private static boolean complete(HttpRequest r) {
        String v = r.headers().get("Upload-Complete");
        if (v == null) {
            String incomplete = r.headers().get("Upload-Incomplete");
            return incomplete != null && bool("Upload-Incomplete", incomplete) == Boolean.FALSE;
        }
        return bool("Upload-Complete", v);
    }

    private static Boolean bool(String name, String value) {
        try {
            Member.Item item = StructuredFields.parseItem(value);
            if (item.value() instanceof BareItem.Boolean b) {
                return b.value();
            }
        } catch (StructuredFieldException e) {
            // reported below
        }
        throw UploadException.malformed(name + " must be ?0 or ?1, not '" + value + "'");
    }

    private static OptionalLong integer(HttpRequest r, String name) {
        String v = r.headers().get(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            Member.Item item = StructuredFields.parseItem(v);
            if (item.value() instanceof BareItem.Integer i && i.value() >= 0) {
                return OptionalLong.of(i.value());
            }
        } catch (StructuredFieldException e) {
            // reported below
        }
        throw UploadException.malformed(name + " must be a non-negative integer, not '" + v + "'");
    }
}
