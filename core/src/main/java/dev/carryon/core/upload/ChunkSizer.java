package dev.carryon.core.upload;

/**
 * How many bytes the next checksummed PATCH carries. A server verifies such a chunk whole, so a chunk cut on the
 * way is discarded and sent again; and each chunk waits for its commit (an fsync) before the next can start. So
 * a chunk is sized in time, not bytes: about {@link #TARGET_NANOS} of transfer at the speed the last one went
 * (the wait for its commit included), between {@link #MIN} and {@link #MAX}. A slow link loses at most a couple of
 * seconds to a broken request; a fast one waits for a commit a few times a gigabyte.
 *
 * <p>The first chunk goes before any speed is known: {@link #START}, or two seconds at a known cap (a rate limit
 * shared by parallel parts). It was 16 MiB, and four parts of {@code put -x 4 --limit-rate 8M} each took 8 s over
 * theirs: killed after 5 s, a rerun had nothing acknowledged and started from zero.
 * Not thread-safe: one per sequence of PATCHes.
 */
public final class ChunkSizer {

    public static final long MIN = 1L << 20;
    public static final long START = 4L << 20;
    public static final long MAX = 256L << 20;
    public static final long TARGET_NANOS = 2_000_000_000L;

    private long next;

    /** Starting at {@link #START}: nothing is known of the speed. */
    public ChunkSizer() {
        next = START;
    }

    /** Starting at two seconds' worth of {@code capBytesPerSecond} when that is below {@link #START}; 0: no cap. */
    public ChunkSizer(long capBytesPerSecond) {
        next = capBytesPerSecond > 0 ? Math.min(START, sized((double) capBytesPerSecond * TARGET_NANOS / 1e9)) : START;
    }

    /** The size of the next chunk. */
    public long next() {
        return next;
    }

    /** A chunk of {@code bytes} was sent and acknowledged {@code nanos} after it started. */
    public void sent(long bytes, long nanos) {
        if (bytes <= 0) {
            return;
        }
        if (nanos <= 0) {
            next = MAX;
            return;
        }
        next = sized((double) bytes * TARGET_NANOS / nanos);
    }

    /** Whole mebibytes between the bounds. */
    private static long sized(double want) {
        long mib = (long) Math.min(want, MAX) >> 20 << 20;
        return Math.max(MIN, Math.min(MAX, mib));
    }
}
