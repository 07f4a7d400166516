package dev.carryon.core.upload;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * tus {@code Upload-Metadata}: comma-separated pairs of a key and an optional base64 value
 * ({@code filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential}). Keys are non-empty ASCII without
 * spaces or commas and unique; values are arbitrary bytes.
 */
public final class UploadMetadata {

    /** At most this many pairs and this many bytes of header, whatever the header size limit. */
    public static final int MAX_PAIRS = 64;

    private final Map<String, byte[]> values;

    private UploadMetadata(Map<String, byte[]> values) {
        this.values = values;
    }

    public static final UploadMetadata EMPTY = new UploadMetadata(Map.of());

    /** Parses the header; throws {@link UploadException} (400) saying what is wrong. */
    public static UploadMetadata parse(String header) {
        if (header == null || header.isBlank()) {
            return EMPTY;
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String pair : header.split(",", -1)) {
            String p = pair.strip();
            if (p.isEmpty()) {
                throw UploadException.malformed("Upload-Metadata has an empty pair");
            }
            int space = p.indexOf(' ');
            String key = space < 0 ? p : p.substring(0, space);
            String value = space < 0 ? "" : p.substring(space + 1).strip();
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw UploadException.malformed("Upload-Metadata key '" + key + "' is not printable ASCII");
                }
            }
            if (value.indexOf(' ') >= 0) {
                throw UploadException.malformed("Upload-Metadata value of '" + key + "' holds a space");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw UploadException.malformed("Upload-Metadata value of '" + key + "' is not base64");
            }
            if (out.put(key, bytes) != null) {
                throw UploadException.malformed("Upload-Metadata names '" + key + "' twice");
            }
            if (out.size() > MAX_PAIRS) {
                throw UploadException.malformed("Upload-Metadata has more than " + MAX_PAIRS + " pairs");
            }
        }
        return new UploadMetadata(Collections.unmodifiableMap(out));
    }

    /** The header value, pairs in their original order. */
    public String format() {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(k);
            if (v.length > 0) {
                b.append(' ').append(Base64.getEncoder().encodeToString(v));
            }
        });
        return b.toString();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public Map<String, byte[]> values() {
        return values;
    }

    /** A value as UTF-8 text (invalid sequences replaced), if present and not empty. */
    public Optional<String> text(String key) {
        byte[] v = values.get(key);
        return v == null || v.length == 0 ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
    }

    /** A copy with one more key (replacing it if present). */
    public UploadMetadata with(String key, String text) {
        Map<String, byte[]> copy = new LinkedHashMap<>(values);
        copy.put(key, text.getBytes(StandardCharsets.UTF_8));
        return new UploadMetadata(Collections.unmodifiableMap(copy));
    }
}
