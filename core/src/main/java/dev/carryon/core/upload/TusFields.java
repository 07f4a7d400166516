package dev.carryon.core.upload;

import dev.carryon.core.digest.DigestAlgorithm;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The header grammars of tus 1.0.0 that are not metadata: numbers, Upload-Concat, Upload-Checksum. */
public final class TusFields {

    public static final String VERSION = "1.0.0";

    /** {@code Upload-Concat}: absent, {@code partial}, or {@code final;URL URL...}. */
    public record Concat(Kind kind, List<String> parts) {
        public enum Kind { NONE, PARTIAL, FINAL }

        public static final Concat NONE = new Concat(Kind.NONE, List.of());
        public static final Concat PARTIAL = new Concat(Kind.PARTIAL, List.of());

        public Concat {
            parts = List.copyOf(parts);
        }

        public String headerValue() {
            return switch (kind) {
                case NONE -> null;
                case PARTIAL -> "partial";
                case FINAL -> "final;" + String.join(" ", parts);
            };
        }
    }

    /** {@code Upload-Checksum: ALGORITHM BASE64}. */
    public record Checksum(DigestAlgorithm algorithm, byte[] value) {

        public String headerValue() {
            return tusName(algorithm) + " " + java.util.Base64.getEncoder().encodeToString(value);
        }
    }

    private TusFields() {
    }

    /**
     * A non-negative integer header (Upload-Length, Upload-Offset): digits only, within a long. Empty when
     * absent; {@link UploadException} 400 when malformed.
     */
    public static Optional<Long> number(String name, String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw UploadException.badRequest(name + " must be a non-negative integer, not '" + value + "'");
        }
        try {
            return Optional.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw UploadException.badRequest(name + " is too large: " + (v.length() > 40 ? v.substring(0, 40) + "..." : v)
                    + " (at most " + Long.MAX_VALUE + ")");
        }
    }

    public static Concat concat(String value) {
        if (value == null) {
            return Concat.NONE;
        }
        String v = value.strip();
        if (v.equals("partial")) {
            return Concat.PARTIAL;
        }
        if (v.startsWith("final;")) {
            List<String> parts = new ArrayList<>();
            // the whitespace of strip(), which trimmed the value: else a lone U+001C or U+2028 became a part
            for (String p : v.substring("final;".length()).strip().split("\\p{javaWhitespace}+")) {
                if (!p.isEmpty()) {
                    parts.add(p);
                }
            }
            if (parts.isEmpty()) {
                throw UploadException.badRequest("Upload-Concat: final names no partial uploads");
            }
            return new Concat(Concat.Kind.FINAL, parts);
        }
        throw UploadException.badRequest("Upload-Concat must be 'partial' or 'final;URL URL...', not '" + value + "'");
    }

    /** Parses Upload-Checksum; an algorithm we do not support is 400, as the checksum extension says. */
    public static Optional<Checksum> checksum(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.strip().split(" ");
        if (parts.length != 2) {
            throw UploadException.badRequest("Upload-Checksum is 'ALGORITHM BASE64', not '" + value + "'");
        }
        DigestAlgorithm alg = algorithm(parts[0]).orElseThrow(() -> UploadException.badRequest(
                "unsupported checksum algorithm '" + parts[0] + "'; supported: " + SUPPORTED_CHECKSUMS));
        try {
            return Optional.of(new Checksum(alg, Base64.getDecoder().decode(parts[1])));
        } catch (IllegalArgumentException e) {
            throw UploadException.badRequest("the Upload-Checksum value is not base64");
        }
    }

    /** The algorithms of the checksum extension, by their tus names. */
    public static final String SUPPORTED_CHECKSUMS = "sha1,md5,sha256,sha512";

    /** The algorithm's name in tus ({@code sha1}, {@code md5}, {@code sha256}, {@code sha512}). */
    public static String tusName(DigestAlgorithm algorithm) {
        return switch (algorithm) {
            case SHA_1 -> "sha1";
            case MD5 -> "md5";
            case SHA_256 -> "sha256";
            case SHA_512 -> "sha512";
        };
    }

    static Optional<DigestAlgorithm> algorithm(String tusName) {
        return switch (tusName.toLowerCase(Locale.ROOT)) {
            case "sha1" -> Optional.of(DigestAlgorithm.SHA_1);
            case "md5" -> Optional.of(DigestAlgorithm.MD5);
            case "sha256" -> Optional.of(DigestAlgorithm.SHA_256);
            case "sha512" -> Optional.of(DigestAlgorithm.SHA_512);
            default -> Optional.empty();
        };
    }
}
