package dev.carryon.core.path;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/** Percent-encoding (RFC 3986 section 2.1): the one place that reads {@code %XX}. */
public final class PercentEncoding {

    private PercentEncoding() {
    }

    /** The value of an ASCII hex digit, either case, or -1. */
    public static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * The bytes of a percent-encoded ASCII string; empty if a {@code %} is not followed by two hex digits or
     * a character is outside visible ASCII.
     */
    public static Optional<byte[]> decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
                    return Optional.empty();
                }
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out.toByteArray());
    }
}
