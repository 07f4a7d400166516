package dev.carryon.server.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict reader of multipart/byteranges bodies (RFC 9110 section 14.6, RFC 2046 framing). */
public final class Multipart {

    /** One part: its header fields (lower-case names) and its bytes. */
    public record Part(Map<String, String> headers, byte[] body) {
        public String contentRange() {
            return headers.get("content-range");
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

    private Multipart() {
    }

    public static String boundary(String contentType) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/byteranges") || !m.find()) {
            throw new AssertionError("not multipart/byteranges with a boundary: " + contentType);
        }
        return m.group(1);
    }

    /** Parses the body; fails the test on any framing error. */
    public static List<Part> parse(String contentType, byte[] body) {
        byte[] delimiter = ("--" + boundary(contentType)).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw new AssertionError("no boundary in the body");
        }
        while (true) {
            int after = pos + delimiter.length;
            if (body.length >= after + 2 && body[after] == '-' && body[after + 1] == '-') {
                return parts; // close delimiter
            }
            int headersStart = expectCrlf(body, after);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headersStart);
            if (headersEnd < 0) {
                throw new AssertionError("a part without the blank line after its headers");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            String block = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1);
            for (String line : block.split("\r\n")) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int dataStart = headersEnd + 4;
            byte[] next = ("\r\n--" + boundary(contentType)).getBytes(StandardCharsets.US_ASCII);
            int dataEnd = indexOf(body, next, dataStart);
            if (dataEnd < 0) {
                throw new AssertionError("a part that does not end with a delimiter");
            }
            parts.add(new Part(headers, Arrays.copyOfRange(body, dataStart, dataEnd)));
            pos = dataEnd + 2;
        }
    }

    private static int expectCrlf(byte[] b, int at) {
        if (b.length < at + 2 || b[at] != '\r' || b[at + 1] != '\n') {
            throw new AssertionError("expected CRLF after the boundary at " + at);
        }
        return at + 2;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
