package dev.carryon.core.upload;

/**
 * How many bytes the next checksummed PATCH carries. A server verifies such a chunk whole, so a chunk cut on the
 * way is discarded and sent again; and each chunk waits for its commit (an fsync) before the next can start. So
 * a chunk is sized in time, not bytes: about {@link #TARGET_NANOS} of transfer at the speed the last one went
 * (the wait for its commit included), between {@link #MIN} and {@link #MAX}. A slow link loses at most a couple of
 * seconds to a broken request; a fast one waits for a commit a few times a gigabyte instead of every 16 MiB.
 * Not thread-safe: one per sequence of PATCHes.
 */
public final class ChunkSizer {

    public static final long MIN = 16L << 20;
    public static final long MAX = 256L << 20;
    public static final long TARGET_NANOS = 2_000_000_000L;

    private long next = MIN;

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
        // bytes * TARGET_NANOS / nanos, without overflow for any chunk up to MAX
        double want = (double) bytes * TARGET_NANOS / nanos;
        long mib = (long) Math.min(want, MAX) >> 20 << 20;
        next = Math.max(MIN, Math.min(MAX, mib));
    }
}
