package dev.carryon.core.download;

import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.range.RangeSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a control file remembers about a download in progress, so that a new process can resume it without
 * trusting anything blindly: the URL asked for and the URL the bytes came from, the version (length and
 * validators) the held bytes belong to, which bytes are held, and the digest the server announced.
 *
 * <p>The text form is one {@code key value} pair a line under a {@code carryon-download 1} header, so that a
 * person can read it and a new version can add keys.
 *
 * @param reprDigest the Repr-Digest value the server sent for this version, or null
 */
public record DownloadState(String url, String finalUrl, RemoteVersion version, RangeSet held, String reprDigest) {

    static final String HEADER = "carryon-download 1";

    public DownloadState {
        Objects.requireNonNull(url);
        Objects.requireNonNull(finalUrl);
        Objects.requireNonNull(version);
        Objects.requireNonNull(held);
    }

    public String format() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        line(b, "url", url);
        line(b, "final-url", finalUrl);
        line(b, "length", Long.toString(version.length()));
        line(b, "etag", version.etag() == null ? null : version.etag().headerValue());
        line(b, "last-modified", version.lastModified());
        line(b, "last-modified-strong", Boolean.toString(version.lastModifiedStrong()));
        line(b, "accept-ranges", Boolean.toString(version.acceptsRanges()));
        line(b, "repr-digest", reprDigest);
        line(b, "held", held.format());
        return b.toString();
    }

    /** Reads {@link #format()}'s text; throws {@link IllegalArgumentException} saying what is wrong. */
    public static DownloadState parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
            throw new IllegalArgumentException("not a carryon control file (no '" + HEADER + "' header)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int space = line.indexOf(' ');
            values.put(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1));
        }
        String url = require(values, "url");
        String finalUrl = values.getOrDefault("final-url", url);
        long length = Long.parseLong(require(values, "length"));
        EntityTag etag = values.containsKey("etag")
                ? EntityTag.parse(values.get("etag")).orElseThrow(() -> new IllegalArgumentException("bad etag"))
                : null;
        RemoteVersion version = new RemoteVersion(length, etag, values.get("last-modified"),
                Boolean.parseBoolean(values.get("last-modified-strong")),
                Boolean.parseBoolean(values.get("accept-ranges")));
        RangeSet held = RangeSet.parse(values.getOrDefault("held", ""));
        if (length >= 0) {
            for (long[] iv : held.intervals()) {
                if (iv[1] > length) {
                    throw new IllegalArgumentException("held bytes beyond the length " + length);
                }
            }
        }
        return new DownloadState(url, finalUrl, version, held, values.get("repr-digest"));
    }

    private static void line(StringBuilder b, String key, String value) {
        if (value != null) {
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException(key + " holds a line break");
            }
            b.append(key).append(' ').append(value).append('\n');
        }
    }

    private static String require(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the control file has no " + key);
        }
        return v;
    }
}
