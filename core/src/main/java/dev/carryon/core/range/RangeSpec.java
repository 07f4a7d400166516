package dev.carryon.core.range;

import java.util.Optional;

/**
 * One element of a {@code Range: bytes=} header, before it meets a representation. Positions too large for a
 * long are saturated to {@link Long#MAX_VALUE}, which no representation reaches, so they stay unsatisfiable
 * (a first position) or mean "to the end" (a last position or a suffix length).
 */
public sealed interface RangeSpec {

    /** The satisfiable part of this spec for a representation of {@code length} bytes, if any. */
    Optional<ByteRange> resolve(long length);

    /** {@code first-last}, or {@code first-} when {@code last} is {@link Long#MAX_VALUE}. */
    record FromTo(long first, long last) implements RangeSpec {
        public FromTo {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("invalid range spec " + first + "-" + last);
            }
        }

        public static FromTo from(long first) {
            return new FromTo(first, Long.MAX_VALUE);
        }

        @Override
        public Optional<ByteRange> resolve(long length) {
            if (first >= length) {
                return Optional.empty();
            }
            return Optional.of(new ByteRange(first, Math.min(last, length - 1)));
        }

        @Override
        public String toString() {
            return last == Long.MAX_VALUE ? first + "-" : first + "-" + last;
        }
    }

    /** {@code -suffixLength}: the last bytes of the representation. */
    record Suffix(long suffixLength) implements RangeSpec {
        public Suffix {
            if (suffixLength < 0) {
                throw new IllegalArgumentException("negative suffix length");
            }
        }

        @Override
        public Optional<ByteRange> resolve(long length) {
            if (suffixLength == 0 || length == 0) {
                return Optional.empty();
            }
            return Optional.of(new ByteRange(Math.max(0, length - suffixLength), length - 1));
        }

        @Override
        public String toString() {
            return "-" + suffixLength;
        }
    }
}
