package dev.carryon.core.range;

/**
 * A satisfiable range of byte positions, {@code first} to {@code last} inclusive, as it appears in
 * {@code Content-Range: bytes first-last/length}.
 */
public record ByteRange(long first, long last) implements Comparable<ByteRange> {

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("not a byte range: " + first + "-" + last);
        }
    }

    public static ByteRange ofLength(long first, long length) {
        return new ByteRange(first, first + length - 1);
    }

    public long length() {
        return last - first + 1;
    }

    /** The bytes between this range and a later one, or a negative number when they overlap. */
    public long gapTo(ByteRange later) {
        return later.first - last - 1;
    }

    public boolean overlaps(ByteRange other) {
        return first <= other.last && other.first <= last;
    }

    public ByteRange span(ByteRange other) {
        return new ByteRange(Math.min(first, other.first), Math.max(last, other.last));
    }

    /** The value of a Content-Range header for this range of a representation of {@code completeLength}. */
    public String contentRange(long completeLength) {
        return "bytes " + first + "-" + last + "/" + completeLength;
    }

    @Override
    public int compareTo(ByteRange o) {
        int c = Long.compare(first, o.first);
        return c != 0 ? c : Long.compare(last, o.last);
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
