package dev.carryon.core.path;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The path of a request target, decoded once and reduced to plain segments that can only name something
 * under the served root.
 *
 * <p>Rejected, rather than repaired: a {@code ..} segment, an encoded slash or backslash, a NUL or other
 * control character, invalid percent-encoding or UTF-8. A repaired path would name a different file than the
 * one the client asked for; a clear 400 is better than a guess.
 */
public final class RequestPath {

    /** A target that names something under the root. */
    public record Parsed(List<String> segments, boolean trailingSlash, String rawPath) {
        public Parsed {
            segments = List.copyOf(segments);
        }

        public boolean isRoot() {
            return segments.isEmpty();
        }

        /** The canonical path: {@code /a/b} or {@code /a/b/}; {@code /} for the root. */
        public String canonical() {
            StringBuilder b = new StringBuilder();
            for (String s : segments) {
                b.append('/').append(s);
            }
            if (segments.isEmpty() || trailingSlash) {
                b.append('/');
            }
            return b.toString();
        }
    }

    /** Why a target was refused: a short reason for the 400 body. */
    public static final class BadPathException extends Exception {
        public BadPathException(String reason) {
            super(reason, null, false, false);
        }
    }

    private RequestPath() {
    }

    /** Parses an origin-form ({@code /a/b?q}) or absolute-form ({@code http://h/a/b}) request target. */
    public static Parsed parse(String target) throws BadPathException {
        String path = pathOf(target);
        int query = path.indexOf('?');
        if (query >= 0) {
            // The query is not decoded here, but it is sent back (in a redirect's Location): no raw controls.
            for (int i = query + 1; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw new BadPathException("control characters (such as NUL) are not allowed in a request target");
                }
            }
            path = path.substring(0, query);
        }
        if (path.isEmpty() || path.charAt(0) != '/') {
            throw new BadPathException("the request target must be a path that starts with '/'");
        }
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String segment = decode(path, start, end);
            if (segment.equals("..")) {
                throw new BadPathException("'..' is not allowed in a path");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
            start = end + 1;
        }
        return new Parsed(segments, path.length() > 1 && path.endsWith("/"), path);
    }

    private static String pathOf(String target) throws BadPathException {
        String lower = target.length() > 8 ? target.substring(0, 8).toLowerCase(Locale.ROOT) : target.toLowerCase(Locale.ROOT);
        int schemeEnd;
        if (lower.startsWith("http://")) {
            schemeEnd = 7;
        } else if (lower.startsWith("https://")) {
            schemeEnd = 8;
        } else {
            return target;
        }
        int slash = target.indexOf('/', schemeEnd);
        int query = target.indexOf('?', schemeEnd);
        int authorityEnd = slash < 0 ? (query < 0 ? target.length() : query)
                : (query >= 0 && query < slash ? query : slash);
        if (authorityEnd == schemeEnd) {
            throw new BadPathException("an absolute-form target needs a host"); // RFC 9110 section 4.2.1
        }
        if (slash < 0 || (query >= 0 && query < slash)) {
            return "/" + (query >= 0 ? target.substring(query) : "");
        }
        return target.substring(slash);
    }

    private static String decode(String path, int from, int to) throws BadPathException {
        if (plain(path, from, to)) {
            return path.substring(from, to);
        }
        ByteBuffer bytes = ByteBuffer.allocate(to - from);
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            int b;
            if (c == '%') {
                if (i + 2 >= to) {
                    throw new BadPathException("a '%' must be followed by two hex digits");
                }
                int hi = PercentEncoding.hex(path.charAt(i + 1));
                int lo = PercentEncoding.hex(path.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw new BadPathException("a '%' must be followed by two hex digits");
                }
                b = hi * 16 + lo;
                i += 2;
            } else if (c > 0xff) {
                throw new BadPathException("the request target holds a character outside ISO-8859-1");
            } else {
                if (c == '#') {
                    throw new BadPathException("'#' is not allowed in a request target");
                }
                b = c;
            }
            if (b == '/') {
                throw new BadPathException("an encoded '/' is not allowed in a path segment");
            }
            if (b == '\\') {
                throw new BadPathException("'\\' is not allowed in a path");
            }
            if (b < 0x20 || b == 0x7f) {
                throw new BadPathException("control characters (such as NUL) are not allowed in a path");
            }
            bytes.put((byte) b);
        }
        bytes.flip();
        String segment;
        try {
            segment = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadPathException("the path is not valid UTF-8 after percent-decoding");
        }
        // The C1 controls (U+0080 to U+009F) are only visible after decoding: %C2%85 is U+0085.
        for (int i = 0; i < segment.length(); i++) {
            if (Character.isISOControl(segment.charAt(i))) {
                throw new BadPathException("control characters (such as NUL) are not allowed in a path");
            }
        }
        return segment;
    }

    /** Printable ASCII with nothing to decode or refuse: the common case, taken as it is. */
    private static boolean plain(String path, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '%' || c == '\\' || c == '#') {
                return false;
            }
        }
        return true;
    }

    /** Percent-encodes one segment for a URL path: everything but unreserved characters and sub-delims. */
    public static String encodeSegment(String segment) {
        StringBuilder b = new StringBuilder(segment.length() + 8);
        for (byte raw : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
