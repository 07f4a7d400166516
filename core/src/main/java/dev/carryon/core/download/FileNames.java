package dev.carryon.core.download;

import dev.carryon.core.path.PercentEncoding;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Local file names from names that came over the network. */
public final class FileNames {

    /** The name used when nothing better is known. */
    public static final String FALLBACK = "download";

    private FileNames() {
    }

    /**
     * A name that can only name a file in the directory it is written to: the last path component, without
     * control characters or unpaired surrogates, not {@code .} or {@code ..}, at most 255 bytes of UTF-8. Empty if nothing is left.
     */
    public static Optional<String> safe(String suggested) {
        if (suggested == null) {
            return Optional.empty();
        }
        String name = suggested;
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(cut + 1);
        StringBuilder b = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            // no control characters, and no unpaired surrogate: it has no UTF-8 form, so no file can have it as name
            // (codePoints() yields a lone surrogate as itself: only then is the code point a surrogate)
            if (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)
                    && !(cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                b.appendCodePoint(cp);
            }
        });
        name = b.toString().strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        while (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            name = name.substring(0, name.offsetByCodePoints(name.length(), -1));
        }
        name = name.strip(); // the cut may have left a space at the end
        return Optional.of(name);
    }

    /** The last segment of a URL path, percent-decoded, made safe; empty for a path ending in '/'. */
    public static Optional<String> fromUrlPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.endsWith("/")) {
            return Optional.empty();
        }
        String last = rawPath.substring(rawPath.lastIndexOf('/') + 1);
        return safe(percentDecode(last));
    }

    private static String percentDecode(String s) {
        return PercentEncoding.decode(s).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(s);
    }
}
