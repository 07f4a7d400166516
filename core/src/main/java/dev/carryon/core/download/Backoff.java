package dev.carryon.core.download;

import java.time.Duration;

/**
 * How long to wait before trying again: exponential in the number of failures since the last progress, with
 * jitter so that many clients do not come back in step, and never sooner than the server's Retry-After.
 *
 * @param base        the first delay
 * @param max         the longest delay of our own choosing
 * @param maxRetryAfter the longest Retry-After honoured; a server asking for more is waited for this long
 */
public record Backoff(Duration base, Duration max, Duration maxRetryAfter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(10));

    /**
     * @param failures   failures in a row since bytes last arrived, at least 1
     * @param retryAfter what the server asked for, or null
     * @param random     a number in [0, 1)
     */
    public Duration delay(int failures, Duration retryAfter, double random) {
        int n = Math.max(1, Math.min(failures, 30));
        long cap = max.toMillis();
        long exp = Math.min(cap, base.toMillis() << Math.min(n - 1, 20));
        long jittered = exp / 2 + (long) (random * (exp / 2.0 + 1));
        long ours = Math.min(cap, jittered);
        if (retryAfter != null) {
            return Duration.ofMillis(Math.max(ours, Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis())));
        }
        return Duration.ofMillis(ours);
    }
}
