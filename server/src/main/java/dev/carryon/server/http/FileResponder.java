package dev.carryon.server.http;

import dev.carryon.core.conditional.ConditionalHeaders;
import dev.carryon.core.conditional.ContentEntityTag;
import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.conditional.HttpDate;
import dev.carryon.core.conditional.Validators;
import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.core.digest.DigestFields;
import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.RangeHeader;
import dev.carryon.core.response.Representation;
import dev.carryon.core.response.RepresentationRequest;
import dev.carryon.core.response.ResponsePlan;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.content.ContentChangedException;
import dev.carryon.server.content.ContentEntry;
import dev.carryon.server.content.ContentVersion;
import dev.carryon.server.content.PinnedContent;
import dev.carryon.server.digest.ContentDigests.FileDigests;
import dev.carryon.server.files.FileBody;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.metrics.ServerMetrics.RangeKind;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers GET and HEAD of a file of the served content: pins the version it opens, asks the core's planner what
 * to answer, and sends exactly that, the body from the opened version only.
 */
final class FileResponder {

    static final AsciiString REPR_DIGEST = AsciiString.cached("repr-digest");
    static final AsciiString WANT_REPR_DIGEST = AsciiString.cached("want-repr-digest");
    private static final AsciiString BYTES = AsciiString.cached("bytes");

    /** Bodies up to this size are copied in one write rather than sent with sendfile and a verified tail. */
    static final int INLINE_LIMIT = 32 << 10;

    /** What the connection allows: ZERO_COPY on plain HTTP/1.1, COPY where TLS or HTTP/2 framing must touch bytes. */
    private final FileBody.Mode connectionMode;

    FileResponder(FileBody.Mode connectionMode) {
        this.connectionMode = connectionMode;
    }

    void answer(Exchange ex, ContentEntry found) {
        if (!found.isFile()) {
            ex.send(Responses.error(HttpResponseStatus.FORBIDDEN, "not a regular file"));
            return;
        }
        ContentEntry file = found;
        for (int attempt = 1; ; attempt++) {
            try {
                answerVersion(ex, file);
                return;
            } catch (ContentChangedException e) {
                if (attempt == 3) {
                    FullHttpResponse r = Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "the file is changing right now; try again in a moment");
                    r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
                    ex.send(r);
                    return;
                }
                try {
                    file = ex.server().content().reload(file);
                } catch (IOException gone) {
                    ex.send(Responses.error(HttpResponseStatus.NOT_FOUND, "no such file or directory"));
                    return;
                }
            } catch (NoSuchFileException e) {
                ex.send(Responses.error(HttpResponseStatus.NOT_FOUND, "no such file or directory"));
                return;
            } catch (AccessDeniedException e) {
                ex.send(Responses.error(HttpResponseStatus.FORBIDDEN, "permission denied"));
                return;
            } catch (IOException e) {
                ex.send(Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "the file cannot be read: " + e.getMessage()));
                return;
            }
        }
    }

    /**
     * Answers for one expected version of the file. Throws {@link ContentChangedException} before anything is
     * sent when the file turns out to be another version; the caller then tries again with the new one.
     */
    private void answerVersion(Exchange ex, ContentEntry file) throws IOException {
        ContentVersion version = file.version();
        ServerContext server = ex.server();
        HttpRequest request = ex.request();
        Instant now = Instant.ofEpochMilli(ex.startMillis());
        Optional<FileDigests> digests = server.digests() == null ? Optional.empty() : server.digests().lookup(file);
        EntityTag etag = digests.filter(FileDigests::contentEtag)
                .map(d -> ContentEntityTag.of(d.values().get(DigestAlgorithm.SHA_256)))
                .orElseGet(() -> version.etag(now));
        Validators validators = new Validators(etag, version.modified());
        String type = file.mediaType();
        Representation rep = new Representation(version.size(), type, validators);
        HttpHeaders h = request.headers();
        ConditionalHeaders conditions = new ConditionalHeaders(joined(h, HttpHeaderNames.IF_MATCH),
                joined(h, HttpHeaderNames.IF_NONE_MATCH), joined(h, HttpHeaderNames.IF_MODIFIED_SINCE),
                joined(h, HttpHeaderNames.IF_UNMODIFIED_SINCE), joined(h, HttpHeaderNames.IF_RANGE));
        // Several Range lines (wget2 -c --chunk-size sends two): core picks the one value to act on.
        RepresentationRequest rr = new RepresentationRequest(ex.head(), RangeHeader.choose(h.getAll(HttpHeaderNames.RANGE)),
                conditions);
        ResponsePlan plan = server.planner().plan(rr, rep, now, FileResponder::boundary);

        if (plan instanceof ResponsePlan.NotModified) {
            count(server.metrics(), plan);
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            r.headers().set(HttpHeaderNames.ETAG, validators.etag().headerValue());
            cacheControl(server, r);
            ex.sendHeadOnly(r);
            return;
        }
        if (plan instanceof ResponsePlan.PreconditionFailed failed) {
            count(server.metrics(), plan);
            ex.send(Responses.error(HttpResponseStatus.PRECONDITION_FAILED, failed.reason()));
            return;
        }
        if (plan instanceof ResponsePlan.RangeNotSatisfiable unsatisfiable) {
            count(server.metrics(), plan);
            FullHttpResponse r = Responses.error(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    "no requested range starts within the " + version.size() + " bytes of this file");
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, unsatisfiable.contentRange());
            r.headers().set(HttpHeaderNames.ACCEPT_RANGES, BYTES);
            ex.send(r);
            return;
        }

        PinnedContent pinned = server.content().open(file);
        FileBody.Mode bodyMode = mode(server, pinned, now);
        try {
            HttpResponse head;
            FileBody body;
            if (plan instanceof ResponsePlan.Partial partial) {
                head = head(ex, digests, HttpResponseStatus.PARTIAL_CONTENT, validators, type, partial.range().length());
                head.headers().set(HttpHeaderNames.CONTENT_RANGE, partial.range().contentRange(version.size()));
                body = FileBody.range(pinned, bodyMode, partial.range());
            } else if (plan instanceof ResponsePlan.Multipart multi) {
                head = head(ex, digests, HttpResponseStatus.PARTIAL_CONTENT, validators,
                        multi.layout().contentType(), multi.layout().contentLength());
                body = FileBody.multipart(pinned, bodyMode, multi.layout());
            } else {
                head = head(ex, digests, HttpResponseStatus.OK, validators, type, version.size());
                body = ex.head() || version.size() == 0
                        ? FileBody.empty(pinned, bodyMode)
                        : FileBody.range(pinned, bodyMode, new ByteRange(0, version.size() - 1));
            }
            if (!ex.head()) {
                ByteRange range = plan instanceof ResponsePlan.Partial partial ? partial.range()
                        : plan instanceof ResponsePlan.Whole && version.size() > 0
                        ? new ByteRange(0, version.size() - 1) : null;
                ex.journal(head.headers().get(HttpHeaderNames.ETAG), version.size(), range,
                        plan instanceof ResponsePlan.Multipart multi ? multi.layout() : null);
            }
            send(ex, pinned, plan, head, body);
        } finally {
            pinned.release();
        }
    }

    /**
     * Sendfile where the content is a local file, the connection allows it and the configuration trusts this
     * file to stay still.
     */
    private FileBody.Mode mode(ServerContext server, PinnedContent file, Instant now) {
        if (connectionMode == FileBody.Mode.COPY || !(file instanceof PinnedContent.Sendfile)) {
            return FileBody.Mode.COPY;
        }
        return switch (server.config().sendfile()) {
            case ALWAYS -> FileBody.Mode.ZERO_COPY;
            case NEVER -> FileBody.Mode.COPY;
            case AUTO -> file.version().modified().plus(ServerConfig.Sendfile.AT_REST).isBefore(now)
                    ? FileBody.Mode.ZERO_COPY : FileBody.Mode.COPY;
        };
    }

    /** Small bodies are read, confirmed and sent in one write; large ones are confirmed, then streamed. */
    private static void send(Exchange ex, PinnedContent file, ResponsePlan plan, HttpResponse head, FileBody body)
            throws IOException {
        if (ex.head()) {
            body.close();
            file.confirm();
            count(ex.server().metrics(), plan);
            ex.sendHeadOnly(head);
            return;
        }
        if (body.length() <= INLINE_LIMIT) {
            ByteBuf bytes;
            try {
                bytes = body.readFully(ex.ctx().alloc());
            } finally {
                body.close();
            }
            try {
                file.confirm();
            } catch (ContentChangedException e) {
                bytes.release();
                throw e;
            }
            count(ex.server().metrics(), plan);
            ex.send(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), bytes, head.headers(),
                    EmptyHttpHeaders.INSTANCE));
            return;
        }
        try {
            file.confirm();
        } catch (ContentChangedException e) {
            body.close();
            throw e;
        }
        count(ex.server().metrics(), plan);
        ex.send(head, body);
    }

    /** The header fields of a 200 or 206 (and of HEAD). */
    private static HttpResponse head(Exchange ex, Optional<FileDigests> digests,
                                     HttpResponseStatus status, Validators validators, String contentType,
                                     long contentLength) {
        ServerContext server = ex.server();
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        HttpHeaders out = r.headers();
        out.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        out.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        out.set(HttpHeaderNames.ACCEPT_RANGES, BYTES);
        out.set(HttpHeaderNames.ETAG, validators.etag().headerValue());
        // RFC 9110 8.8.2.1: a modification time in the future is sent as the time of the response.
        Instant lastModified = validators.lastModified();
        Instant date = Instant.ofEpochMilli(ex.startMillis());
        out.set(HttpHeaderNames.LAST_MODIFIED, HttpDate.format(lastModified.isAfter(date) ? date : lastModified));
        cacheControl(server, r);
        digests.ifPresent(d -> {
            List<DigestAlgorithm> chosen = DigestFields.choose(joined(ex.request().headers(), WANT_REPR_DIGEST),
                    List.copyOf(d.values().keySet()));
            if (!chosen.isEmpty()) {
                Map<DigestAlgorithm, byte[]> send = new LinkedHashMap<>();
                chosen.forEach(a -> send.put(a, d.values().get(a)));
                out.set(REPR_DIGEST, DigestFields.format(send));
            }
        });
        return r;
    }

    private static void cacheControl(ServerContext server, HttpResponse r) {
        String cc = server.config().cacheControl();
        if (cc != null) {
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, cc);
        }
    }

    private static void count(ServerMetrics metrics, ResponsePlan plan) {
        RangeKind kind = null;
        if (plan instanceof ResponsePlan.Partial) {
            kind = RangeKind.SINGLE;
        } else if (plan instanceof ResponsePlan.Multipart) {
            kind = RangeKind.MULTIPART;
        } else if (plan instanceof ResponsePlan.RangeNotSatisfiable) {
            kind = RangeKind.UNSATISFIABLE;
        } else if (plan instanceof ResponsePlan.Whole whole) {
            kind = switch (whole.rangeUse()) {
                case NOT_ASKED -> null;
                case INVALID -> RangeKind.INVALID;
                case IF_RANGE_FAILED -> RangeKind.IF_RANGE_FAILED;
                case ABUSE_GUARD -> RangeKind.ABUSE_GUARD;
                case EMPTY_REPRESENTATION -> RangeKind.EMPTY_REPRESENTATION;
            };
        }
        if (kind != null) {
            metrics.range(kind);
        }
    }

    /** A field's value, its repeated lines joined with ", " as RFC 9110 section 5.3 allows; null if absent. */
    static String joined(HttpHeaders headers, CharSequence name) {
        if (!headers.contains(name)) {
            return null;
        }
        List<String> all = headers.getAll(name);
        if (all.isEmpty()) {
            return null;
        }
        return all.size() == 1 ? all.get(0) : String.join(", ", all);
    }

    private static String boundary() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
