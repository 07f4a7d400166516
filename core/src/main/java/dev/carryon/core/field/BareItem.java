package dev.carryon.core.field;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/** A bare item of RFC 9651: the value of an item or of a parameter, without parameters. */
public sealed interface BareItem {

    /** An integer: at most 15 digits, so that every value fits a double and a long alike. */
    record Integer(long value) implements BareItem {
        public static final long MAX = 999_999_999_999_999L;

        public Integer {
            if (value > MAX || value < -MAX) {
                throw new IllegalArgumentException("integer out of range: " + value);
            }
        }
    }

    /** A decimal with at most 12 integer and 3 fractional digits, kept as thousandths to stay exact. */
    record Decimal(long thousandths) implements BareItem {
        public Decimal {
            if (thousandths > 999_999_999_999_999L || thousandths < -999_999_999_999_999L) {
                throw new IllegalArgumentException("decimal out of range");
            }
        }
    }

    /** A string of printable ASCII. */
    record String(java.lang.String value) implements BareItem {
        public String {
            Objects.requireNonNull(value);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException("string holds a character that is not printable ASCII");
                }
            }
        }
    }

    /** A token: an ALPHA or {@code *}, then tchar, {@code :} or {@code /} (RFC 9651 section 3.3.4). */
    record Token(java.lang.String value) implements BareItem {
        public Token {
            Objects.requireNonNull(value);
            if (value.isEmpty()) {
                throw new IllegalArgumentException("an empty token");
            }
            char first = value.charAt(0);
            if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '*')) {
                throw new IllegalArgumentException("a token starts with a letter or '*'");
            }
            for (int i = 1; i < value.length(); i++) {
                char c = value.charAt(i);
                if (!(StructuredFields.isTchar(c) || c == ':' || c == '/')) {
                    throw new IllegalArgumentException("not a token character at " + i);
                }
            }
        }
    }

    /** A byte sequence, written as {@code :base64:}. */
    record Bytes(byte[] value) implements BareItem {
        public Bytes {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public java.lang.String toString() {
            return "Bytes[:" + Base64.getEncoder().encodeToString(value) + ":]";
        }
    }

    record Boolean(boolean value) implements BareItem {
        public static final Boolean TRUE = new Boolean(true);
        public static final Boolean FALSE = new Boolean(false);
    }

    /** A date, in seconds since the epoch (RFC 9651 section 3.3.7), in the range of an integer. */
    record Date(long epochSeconds) implements BareItem {
        public Date {
            if (epochSeconds > Integer.MAX || epochSeconds < -Integer.MAX) {
                throw new IllegalArgumentException("date out of range: " + epochSeconds);
            }
        }
    }

    /** A display string: Unicode text, percent-encoded on the wire (RFC 9651 section 3.3.8). */
    record DisplayString(java.lang.String value) implements BareItem {
        public DisplayString {
            Objects.requireNonNull(value);
        }
    }
}
