package dev.carryon.core.journal;

import java.util.Arrays;

/**
 * Bytes per second over the last few seconds: bytes are counted in one-second buckets, and the rate is what the
 * buckets of the window hold divided by the time the window spans (shorter while the transfer is younger than the
 * window, so that a transfer of half a second is not reported at a twentieth of its speed). Time is passed in.
 * Not thread-safe; {@link #copy()} gives a snapshot to read elsewhere.
 */
public final class RateWindow {

    public static final int DEFAULT_SECONDS = 10;

    private final int seconds;
    private final long[] buckets;
    /** The second each bucket counts, or -1. */
    private final long[] bucketSecond;
    private long startMillis = -1;

    public RateWindow() {
        this(DEFAULT_SECONDS);
    }

    public RateWindow(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("a window of " + seconds + " s");
        }
        this.seconds = seconds;
        this.buckets = new long[seconds];
        this.bucketSecond = new long[seconds];
        Arrays.fill(bucketSecond, -1);
    }

    /** Counts {@code bytes} that moved at {@code nowMillis}; {@code sinceMillis} is when the transfer began. */
    public void add(long bytes, long nowMillis, long sinceMillis) {
        if (startMillis < 0 || sinceMillis < startMillis) {
            startMillis = sinceMillis;
        }
        long second = Math.floorDiv(nowMillis, 1000);
        int i = (int) Math.floorMod(second, seconds);
        if (bucketSecond[i] != second) {
            bucketSecond[i] = second;
            buckets[i] = 0;
        }
        buckets[i] += bytes;
    }

    /**
     * Bytes per second over the window that ends at {@code nowMillis}; 0 when nothing moved within it. Bytes
     * counted at a moment stand for the transfer up to it, so the window is the buckets of the last
     * {@code seconds} seconds and spans those seconds, or less when the transfer began within them.
     */
    public double perSecond(long nowMillis) {
        long now = Math.floorDiv(nowMillis, 1000);
        long sum = 0;
        for (int i = 0; i < seconds; i++) {
            if (bucketSecond[i] > now - seconds && bucketSecond[i] <= now) {
                sum += buckets[i];
            }
        }
        if (sum == 0) {
            return 0;
        }
        long from = Math.max(nowMillis - seconds * 1000L, startMillis);
        long span = Math.max(nowMillis - from, 100); // at least 0.1 s: a single burst is not infinitely fast
        return sum * 1000.0 / span;
    }

    public RateWindow copy() {
        RateWindow c = new RateWindow(seconds);
        System.arraycopy(buckets, 0, c.buckets, 0, seconds);
        System.arraycopy(bucketSecond, 0, c.bucketSecond, 0, seconds);
        c.startMillis = startMillis;
        return c;
    }
}
