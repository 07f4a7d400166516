package dev.carryon.client.download;

/**
 * A token bucket shared by every connection of every download: {@link #acquire} waits until {@code n} bytes may
 * pass. The bucket holds at most a fifth of a second's worth, so bursts stay short.
 */
final class RateLimiter {

    private final long bytesPerSecond;
    private final long capacity;
    private double tokens;
    private long last = System.nanoTime();

    /** @param bytesPerSecond 0 for no limit */
    RateLimiter(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = Math.max(16 << 10, bytesPerSecond / 5);
        this.tokens = capacity;
    }

    boolean unlimited() {
        return bytesPerSecond <= 0;
    }

    void acquire(long n) throws InterruptedException {
        if (unlimited()) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            refill();
            tokens -= n;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
        }
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * bytesPerSecond / 1e9);
        last = now;
    }
}
