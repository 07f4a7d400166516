package dev.carryon.core.conditional;

import java.util.Objects;
import java.util.Optional;

/**
 * An entity tag (RFC 9110 section 8.8.3): an opaque quoted string, strong or weak ({@code W/}).
 *
 * @param opaque the characters between the quotes
 */
public record EntityTag(String opaque, boolean weak) {

    public EntityTag {
        Objects.requireNonNull(opaque);
        for (int i = 0; i < opaque.length(); i++) {
            if (!isEtagc(opaque.charAt(i))) {
                throw new IllegalArgumentException("not an entity-tag character at " + i);
            }
        }
    }

    public static EntityTag strong(String opaque) {
        return new EntityTag(opaque, false);
    }

    public static EntityTag weak(String opaque) {
        return new EntityTag(opaque, true);
    }

    /** Parses exactly one entity-tag, as in {@code ETag} or {@code If-Range}. */
    public static Optional<EntityTag> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        boolean weak = v.startsWith("W/");
        String quoted = weak ? v.substring(2) : v;
        if (quoted.length() < 2 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
            return Optional.empty();
        }
        String opaque = quoted.substring(1, quoted.length() - 1);
        for (int i = 0; i < opaque.length(); i++) {
            if (!isEtagc(opaque.charAt(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(new EntityTag(opaque, weak));
    }

    /** Strong comparison: both strong and the same characters (RFC 9110 section 8.8.3.2). */
    public boolean strongMatch(EntityTag other) {
        return !weak && !other.weak && opaque.equals(other.opaque);
    }

    /** Weak comparison: the same characters, whatever either's strength. */
    public boolean weakMatch(EntityTag other) {
        return opaque.equals(other.opaque);
    }

    /** The field value: {@code "opaque"} or {@code W/"opaque"}. */
    public String headerValue() {
        return (weak ? "W/\"" : "\"") + opaque + '"';
    }

    @Override
    public String toString() {
        return headerValue();
    }

    /** etagc = %x21 / %x23-7E / obs-text. */
    static boolean isEtagc(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
    }
}
