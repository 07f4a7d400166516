package dev.carryon.server.fuzz;

import dev.carryon.core.Props;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.carryon.server.fuzz.Vocabulary.*;

/**
 * Builds the cases of the request fuzzer: one to four pipelined requests of one kind (a download, a tus or an
 * IETF upload request, a reserved route, garbage), their heads a soup of valid, duplicate, conflicting and
 * hostile fields, their bodies framed well or badly; then, for some, a byte-level mutation of the whole; then
 * the writes and the ending. Mostly valid pieces: a request that fails at its first byte tests nothing beyond.
 */
final class RequestGenerator {

    private final List<String> tusUploads;
    private final List<String> ietfUploads;
    private final int maxHeaderSize;

    /**
     * @param tusUploads    paths of uploads created by tus before the run, for appends, HEADs and DELETEs
     * @param ietfUploads   the same, created by the IETF draft
     * @param maxHeaderSize the server's limit, for values around it
     */
    RequestGenerator(List<String> tusUploads, List<String> ietfUploads, int maxHeaderSize) {
        this.tusUploads = List.copyOf(tusUploads);
        this.ietfUploads = List.copyOf(ietfUploads);
        this.maxHeaderSize = maxHeaderSize;
    }

    FuzzCase next(Props.Gen g) {
        String kind = g.pick("download", "download", "download", "tus", "tus", "ietf", "ietf", "reserved", "garbage");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int requests = g.oneIn(4) ? g.intIn(2, 4) : 1;
        for (int i = 0; i < requests; i++) {
            all.writeBytes(request(g, kind));
        }
        byte[] bytes = all.toByteArray();
        if (g.oneIn(5)) {
            bytes = Mutator.mutate(g, bytes);
            kind += "+mutated";
        }
        FuzzCase.Ending ending = g.oneIn(20) ? FuzzCase.Ending.WAIT
                : g.oneIn(4) ? FuzzCase.Ending.HALF_CLOSE : FuzzCase.Ending.CLOSE_REQUEST;
        if (ending == FuzzCase.Ending.HALF_CLOSE && g.oneIn(2) && bytes.length > 1) {
            bytes = java.util.Arrays.copyOf(bytes, g.intIn(1, bytes.length - 1)); // cut inside a request
        }
        if (ending == FuzzCase.Ending.CLOSE_REQUEST) {
            byte[] withClose = java.util.Arrays.copyOf(bytes, bytes.length + FuzzCase.CLOSE_REQUEST.length);
            System.arraycopy(FuzzCase.CLOSE_REQUEST, 0, withClose, bytes.length, FuzzCase.CLOSE_REQUEST.length);
            bytes = withClose;
        }
        return new FuzzCase(kind, split(g, bytes), ending);
    }

    /** One write mostly; else cut at random places, so that the server's decoder sees every kind of boundary. */
    private static List<byte[]> split(Props.Gen g, byte[] bytes) {
        List<byte[]> writes = new ArrayList<>();
        int pieces = g.oneIn(3) ? g.intIn(2, 4) : 1;
        int at = 0;
        for (int i = 1; i < pieces && at < bytes.length - 1; i++) {
            int cut = g.intIn(at + 1, bytes.length - 1);
            writes.add(java.util.Arrays.copyOfRange(bytes, at, cut));
            at = cut;
        }
        writes.add(java.util.Arrays.copyOfRange(bytes, at, bytes.length));
        return writes;
    }

    /**
     * A request of that kind at one of three levels of hostility: 0 valid throughout (to reach the deepest
     * answers: creations, appends, completions, ranges), 1 valid syntax with odd or wrong values, 2 anything.
     */
    private byte[] request(Props.Gen g, String kind) {
        int level = g.pick(0, 0, 1, 1, 2);
        Head h = switch (kind) {
            case "download" -> download(g, level);
            case "tus" -> tus(g, level);
            case "ietf" -> ietf(g, level);
            case "reserved" -> new Head(g.pick("GET", "GET", "HEAD", "POST", "OPTIONS"), g.pick(RESERVED_TARGETS));
            default -> garbage(g);
        };
        soup(g, h, level);
        return h.serialise(g, level);
    }

    /** The good value at level 0, else mostly one of the others (which hold good ones too). */
    private static String value(Props.Gen g, int level, String good, String... any) {
        return level == 0 || g.oneIn(3) ? good : g.pick(any);
    }

    private static Head download(Props.Gen g, int level) {
        Head h = new Head(value(g, level, g.pick("GET", "GET", "HEAD"), METHODS),
                g.oneIn(10) ? longTarget(g) : g.pick(FILE_TARGETS));
        if (g.oneIn(2)) {
            h.field("Range", g.oneIn(8) ? manyRanges(g) : g.pick(RANGES));
        }
        if (g.oneIn(4)) {
            h.field("Range", g.pick(RANGES)); // a second Range line
        }
        if (g.oneIn(4)) {
            h.field("If-Range", g.bool() ? g.pick(TAGS) : g.pick(DATES));
        }
        if (g.oneIn(4)) {
            h.field(g.pick("If-None-Match", "If-Match"), g.pick(TAGS));
        }
        if (g.oneIn(5)) {
            h.field(g.pick("If-Modified-Since", "If-Unmodified-Since"), g.pick(DATES));
        }
        if (g.oneIn(5)) {
            h.field(g.pick("Accept", "Want-Repr-Digest", "Want-Content-Digest", "Accept-Encoding"),
                    g.pick("application/json", "*/*", "sha-256=5, sha-512=3", "sha-256=?", "gzip", "\u00ff", ""));
        }
        if (g.oneIn(6)) {
            body(g, h, g.bytes(g.intIn(0, 64)), level);
        }
        return h;
    }

    private Head tus(Props.Gen g, int level) {
        String method = g.pick("POST", "POST", "PATCH", "PATCH", "PATCH", "HEAD", "DELETE", "OPTIONS", "GET", "PUT");
        Head h = new Head(method, uploadTarget(g, tusUploads, method.equals("POST")));
        if (!g.oneIn(10)) {
            h.field("Tus-Resumable", value(g, level, "1.0.0", TUS_VERSIONS));
        }
        byte[] data = g.bytes(g.oneIn(10) ? g.intIn(0, 70_000) : g.intIn(0, 200));
        if (method.equals("POST")) {
            if (g.oneIn(3)) {
                h.field("Upload-Defer-Length", value(g, level, "1", "0", "2", ""));
            } else {
                h.field("Upload-Length", value(g, level, String.valueOf(data.length), NUMBERS));
            }
            if (g.oneIn(2)) {
                h.field("Upload-Metadata", value(g, level, METADATA[g.intIn(0, 1)], METADATA));
            }
            if (g.oneIn(5)) {
                h.field("Upload-Concat", concat(g));
            }
        }
        if (method.equals("PATCH") || (method.equals("POST") && g.oneIn(3))) {
            h.field("Content-Type", value(g, level, "application/offset+octet-stream", "text/plain", "",
                    "application/offset+octet-stream; x=1"));
            if (method.equals("PATCH")) {
                h.field("Upload-Offset", value(g, level, "0", NUMBERS));
            }
            if (g.oneIn(4)) {
                h.field("Upload-Length", value(g, level, String.valueOf(data.length), NUMBERS));
            }
            if (g.oneIn(3)) {
                h.field("Upload-Checksum", checksum(g, data, level));
            }
            body(g, h, data, level);
        }
        if (g.oneIn(8)) {
            h.field("X-HTTP-Method-Override", g.pick(METHOD_OVERRIDES));
        }
        return h;
    }

    private Head ietf(Props.Gen g, int level) {
        String method = g.pick("POST", "POST", "PATCH", "PATCH", "HEAD", "DELETE", "OPTIONS", "GET", "PUT");
        Head h = new Head(method, uploadTarget(g, ietfUploads, method.equals("POST")));
        if (!g.oneIn(10)) {
            h.field("Upload-Draft-Interop-Version", value(g, level, g.pick("5", "6", "8", "10"), IETF_VERSIONS));
        }
        if (g.oneIn(10)) {
            h.field("Tus-Resumable", "1.0.0"); // both protocols at once
        }
        byte[] data = g.bytes(g.oneIn(10) ? g.intIn(0, 70_000) : g.intIn(0, 200));
        if (method.equals("POST") || method.equals("PATCH")) {
            h.field(g.oneIn(5) ? "Upload-Incomplete" : "Upload-Complete", value(g, level, g.pick("?0", "?1"), BOOLEANS));
            if (method.equals("PATCH") || g.oneIn(5)) {
                h.field("Upload-Offset", value(g, level, "0", NUMBERS));
            }
            if (g.oneIn(3)) {
                h.field("Upload-Length", value(g, level, String.valueOf(data.length), NUMBERS));
            }
            if (g.oneIn(2)) {
                h.field("Content-Type", g.pick("application/partial-upload", "application/offset+octet-stream",
                        "application/octet-stream", "text/plain"));
            }
            if (g.oneIn(5)) {
                h.field(g.pick("Content-Digest", "Repr-Digest"), g.pick("sha-256=:AAAA:", "sha-256=:"
                        + Base64.getEncoder().encodeToString(digest("SHA-256", data)) + ":", "sha-256=x", "md5=:a:"));
            }
            body(g, h, data, level);
        }
        return h;
    }

    private static Head garbage(Props.Gen g) {
        String line = g.oneIn(2) ? g.anyString(200) : g.pick(METHODS) + " " + g.anyString(40) + " " + g.pick(VERSIONS);
        StringBuilder latin1 = new StringBuilder();
        for (char c : line.toCharArray()) {
            latin1.append((char) (c & 0xff));
        }
        Head h = new Head(null, null);
        h.rawStart = latin1.toString();
        return h;
    }

    /** Duplicates, conflicts, huge values, hostile lines, non-ASCII: the pieces that make a field section hostile. */
    private void soup(Props.Gen g, Head h, int level) {
        for (int i = 0, n = level == 0 ? 0 : g.intIn(0, 2); i < n; i++) {
            h.raw(g.pick(ODD_LINES));
        }
        for (int i = 0, n = level < 2 ? 0 : g.intIn(0, 2); i < n; i++) {
            h.raw(g.pick(BREAKING_LINES));
        }
        if (level == 0) {
            return;
        }
        if (g.oneIn(12)) {
            h.field("X-Huge", "v".repeat(g.pick(100, maxHeaderSize - 200, maxHeaderSize, maxHeaderSize * 2)));
        }
        if (g.oneIn(15)) {
            for (int i = 0, n = g.intIn(50, 400); i < n; i++) {
                h.field("X-Many-" + i, "x");
            }
        }
        if (g.oneIn(10) && !h.fields.isEmpty()) {
            h.fields.add(h.fields.get(g.intIn(0, h.fields.size() - 1))); // a field twice
        }
        if (g.oneIn(10)) {
            h.field("X-Utf8", "caf\u00c3\u00a9 \u00e2\u0098\u0083 \u00f0\u009f\u0098\u0080");
        }
    }

    private static void body(Props.Gen g, Head h, byte[] data, int level) {
        if (level == 0) {
            if (g.oneIn(3)) {
                h.chunked(g, data, true);
            } else {
                h.contentLength(String.valueOf(data.length), data);
            }
            return;
        }
        switch (g.intIn(0, 9)) {
            case 0 -> { } // no framing: the bytes of the body read as the next request
            case 1 -> h.contentLength(String.valueOf(data.length + g.pick(1, 10, 100000)), data); // short
            case 2 -> h.contentLength(String.valueOf(Math.max(0, data.length - g.intIn(1, 10))), data); // long
            case 3 -> {
                h.field("Content-Length", String.valueOf(data.length));
                h.chunked(g, data, g.bool());
            }
            case 4, 5 -> h.chunked(g, data, true);
            case 6 -> h.chunked(g, data, false);
            case 7 -> {
                h.field("Content-Length", String.valueOf(data.length));
                h.contentLength(g.pick(NUMBERS), data); // two Content-Length fields
            }
            default -> h.contentLength(String.valueOf(data.length), data);
        }
    }

    private String uploadTarget(Props.Gen g, List<String> known, boolean collection) {
        if (collection && !g.oneIn(6)) {
            return g.pick("/uploads/", "/uploads/", "/uploads/", "/uploads", "/uploads/?x=1", "/uploads//",
                    "http://fuzz/uploads/");
        }
        return switch (g.intIn(0, 7)) {
            case 0 -> "/uploads/" + g.stringOf("0123456789abcdef", 0, 40);
            case 1 -> "/uploads/" + g.pick("..", "%2e%2e", "%00", "%", "a/b", "\u00e9", "x%2Fy", ".carryon");
            case 2 -> g.pick(known) + g.pick("/", "/x", "?q", "%20", "#f");
            case 3 -> g.pick(known).toUpperCase(java.util.Locale.ROOT);
            default -> g.pick(known);
        };
    }

    private String concat(Props.Gen g) {
        if (g.oneIn(2)) {
            return g.pick(CONCAT);
        }
        StringBuilder s = new StringBuilder("final;");
        for (int i = 0, n = g.intIn(1, 4); i < n; i++) {
            s.append(i == 0 ? "" : g.pick(" ", "  ", "\t", ",")).append(g.pick(tusUploads));
        }
        return s.toString();
    }

    private static String checksum(Props.Gen g, byte[] data, int level) {
        String algorithm = level == 0 ? g.pick("sha1", "md5", "sha256", "sha512") : g.pick(CHECKSUM_ALGORITHMS);
        String java = switch (algorithm) {
            case "md5" -> "MD5";
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> "SHA-1";
        };
        String value = switch (level == 0 ? 3 : g.intIn(0, 3)) {
            case 0 -> "AAAA";
            case 1 -> "!!not base64";
            default -> Base64.getEncoder().encodeToString(digest(java, data));
        };
        return algorithm + (level == 0 ? " " : g.pick(" ", " ", "  ", "")) + value;
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String longTarget(Props.Gen g) {
        return "/" + "a".repeat(g.pick(100, 1000, 4000, 9000, 70_000)) + g.pick("", "%", "%2", "%41");
    }

    private static String manyRanges(Props.Gen g) {
        StringBuilder s = new StringBuilder("bytes=");
        for (int i = 0, n = g.intIn(2, 500); i < n; i++) {
            s.append(i == 0 ? "" : ",").append(g.intIn(0, 100_000)).append('-').append(g.intIn(0, 100_000));
        }
        return s.toString();
    }
}
