package dev.carryon.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * The one place where get, put and probe read a URL typed by a person. People paste what a browser's address bar
 * shows ({@code http://host/a file.bin}, {@code http://host/Übersicht.pdf}), which {@link URI} refuses; a browser
 * sends such a URL with those characters percent-encoded, and so does carryon.
 */
final class Urls {

    private static final String HEX = "0123456789ABCDEF";

    private Urls() {
    }

    /** An http or https URL with a host, or a usage error saying why not. */
    static URI parse(String text) {
        String encoded = encode(text.strip());
        try {
            URI uri = new URI(encoded);
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
                    || uri.getScheme().equalsIgnoreCase("https")) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http or https URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException(ExitCode.USAGE, "'" + text + "' is not a URL carryon can fetch: " + e.getReason());
        }
    }

    /**
     * Percent-encodes (as UTF-8) every character of the path, query and fragment that RFC 3986 does not allow
     * there, as browsers do: spaces, quotes, angle brackets, braces, non-ASCII and the like. What is already
     * encoded stays as it is; a {@code %} that starts no escape becomes {@code %25}. The scheme and the
     * authority are left alone: a bad host is an error, not something to repair.
     */
    static String encode(String text) {
        int scheme = text.indexOf("://");
        int from = scheme < 0 ? 0 : scheme + 3;
        int rest = from;
        while (rest < text.length() && "/?#".indexOf(text.charAt(rest)) < 0) {
            rest++;
        }
        StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, rest);
        boolean inFragment = false;
        for (int i = rest; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp == '#' && !inFragment) {
                inFragment = true;
                b.append('#');
            } else if (cp == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                b.append('%');
            } else if (cp < 0x80 && allowed((char) cp)) {
                b.append((char) cp);
            } else {
                for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    b.append('%').append(HEX.charAt((x >> 4) & 0xF)).append(HEX.charAt(x & 0xF));
                }
            }
            i += n;
        }
        return b.toString();
    }

    /** RFC 3986's unreserved and sub-delims, and ':', '@', '/', '?' (pchar, plus what query and fragment add). */
    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
