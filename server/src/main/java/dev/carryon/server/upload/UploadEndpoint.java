package dev.carryon.server.upload;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.UploadException;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The upload endpoint ({@code /uploads/} by default): routes each request to tus 1.0.0 or to the IETF
 * resumable-upload draft (by {@code Tus-Resumable} or {@code Upload-Draft-Interop-Version}), checks the upload
 * token, and answers CORS preflights. The protocols differ in header fields and status codes; the upload they
 * act on is the same, kept by {@link UploadService}.
 */
public final class UploadEndpoint {

    /** Headers a browser script may read from our answers. */
    static final String EXPOSED = String.join(", ", "Location", "Content-Location", "Upload-Offset", "Upload-Length", "Upload-Metadata",
            "Upload-Defer-Length", "Upload-Concat", "Upload-Expires", "Tus-Resumable", "Tus-Version", "Tus-Extension",
            "Tus-Max-Size", "Tus-Checksum-Algorithm", "Upload-Complete", "Upload-Incomplete", "Upload-Limit",
            "Upload-Draft-Interop-Version", "Repr-Digest", "Content-Digest", "ETag");
    static final String ALLOWED_HEADERS = String.join(", ", "Authorization", "Content-Type", "Upload-Offset",
            "Upload-Length", "Upload-Metadata", "Upload-Defer-Length", "Upload-Concat", "Upload-Checksum",
            "Tus-Resumable", "X-HTTP-Method-Override", "X-Requested-With", "Upload-Complete", "Upload-Incomplete",
            "Upload-Draft-Interop-Version", "Content-Disposition", "Repr-Digest", "Content-Digest",
            "Want-Repr-Digest");
    static final String METHODS = "POST, HEAD, PATCH, DELETE, OPTIONS";

    private final UploadService service;
    private final UploadSettings settings;
    private final Map<String, String> tokenIds = new LinkedHashMap<>();

    public UploadEndpoint(UploadService service) {
        this.service = service;
        this.settings = service.settings();
        for (String token : settings.tokens()) {
            tokenIds.put(token, tokenId(token));
        }
    }

    public UploadService service() {
        return service;
    }

    /** Whether a raw request target belongs to the endpoint. */
    public boolean matches(String rawPath) {
        String path = rawPath;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        return path.equals(settings.path()) || path.equals(settings.path().substring(0, settings.path().length() - 1))
                || path.startsWith(settings.path());
    }

    /** The upload id a target names, or null for the collection itself. */
    public String idOf(String rawPath) {
        String path = rawPath;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.length() <= settings.path().length()) {
            return null;
        }
        String rest = path.substring(settings.path().length());
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (!UploadService.looksLikeId(rest)) {
            throw new UploadException(UploadException.Reason.NOT_FOUND, "no such upload");
        }
        return rest;
    }

    /** Which protocol a request speaks. */
    public enum Protocol { TUS, IETF }

    public static Protocol protocol(HttpRequest r) {
        if (r.headers().contains("Upload-Draft-Interop-Version")) {
            return Protocol.IETF;
        }
        return Protocol.TUS;
    }

    /** The method, with tus's X-HTTP-Method-Override honoured on POST. */
    public static HttpMethod method(HttpRequest r) {
        String override = r.headers().get("X-HTTP-Method-Override");
        if (override != null && HttpMethod.POST.equals(r.method())) {
            String name = TusFields.methodOverride(override);
            try {
                return HttpMethod.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw UploadException.malformed("X-HTTP-Method-Override is not a method name");
            }
        }
        return r.method();
    }

    /**
     * Who is asking: the identifier of the presented upload token; null when the server takes anonymous uploads.
     * Throws 401 when a token is required and missing or unknown.
     */
    public String requester(HttpRequest r) {
        if (tokenIds.isEmpty()) {
            return null;
        }
        String auth = r.headers().get("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String presented = auth.substring(7).strip();
            for (Map.Entry<String, String> t : tokenIds.entrySet()) {
                if (MessageDigest.isEqual(t.getKey().getBytes(StandardCharsets.UTF_8),
                        presented.getBytes(StandardCharsets.UTF_8))) {
                    return t.getValue();
                }
            }
        }
        throw new UploadException(UploadException.Reason.UNAUTHORIZED, "uploads need 'Authorization: Bearer TOKEN' with an upload token");
    }

    /** A stable, non-secret name for a token: the owner recorded with its uploads. */
    public static String tokenId(String token) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "token-" + HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CORS fields for a request with an Origin the server allows; empty otherwise. */
    public Map<String, String> cors(HttpRequest r, boolean preflight) {
        String origin = r.headers().get("Origin");
        Map<String, String> out = new LinkedHashMap<>();
        if (origin == null || settings.corsOrigins().isEmpty()) {
            return out;
        }
        boolean any = settings.corsOrigins().contains("*");
        if (!any && !settings.corsOrigins().contains(origin)) {
            return out;
        }
        out.put("Access-Control-Allow-Origin", any && tokenIds.isEmpty() ? "*" : origin);
        if (!any || !tokenIds.isEmpty()) {
            out.put("Vary", "Origin");
        }
        out.put("Access-Control-Expose-Headers", EXPOSED);
        if (preflight) {
            out.put("Access-Control-Allow-Methods", METHODS);
            out.put("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            out.put("Access-Control-Max-Age", "86400");
        }
        return out;
    }

    /**
     * The Location of an upload: relative by default (right behind any proxy); absolute from
     * {@code Forwarded} / {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} only when the proxy is trusted.
     */
    public String location(HttpRequest r, String id, boolean tls) {
        String path = settings.path() + id;
        if (!settings.trustProxy()) {
            return path;
        }
        HttpHeaders h = r.headers();
        String proto = null;
        String host = null;
        String forwarded = h.get("Forwarded");
        if (forwarded != null) {
            for (String part : forwarded.split(",")[0].split(";")) {
                String[] kv = part.strip().split("=", 2);
                if (kv.length == 2) {
                    String v = kv[1].strip().replace("\"", "");
                    if (kv[0].equalsIgnoreCase("proto")) {
                        proto = v;
                    } else if (kv[0].equalsIgnoreCase("host")) {
                        host = v;
                    }
                }
            }
        }
        if (proto == null && h.get("X-Forwarded-Proto") != null) {
            proto = h.get("X-Forwarded-Proto").split(",")[0].strip();
        }
        if (host == null && h.get("X-Forwarded-Host") != null) {
            host = h.get("X-Forwarded-Host").split(",")[0].strip();
        }
        if (host == null) {
            host = h.get("Host");
        }
        if (proto == null) {
            proto = tls ? "https" : "http";
        }
        String prefix = h.get("X-Forwarded-Prefix");
        String p = prefix == null ? "" : prefix.strip().replaceAll("/+$", "");
        return host == null ? path : proto + "://" + host + p + path;
    }
}
