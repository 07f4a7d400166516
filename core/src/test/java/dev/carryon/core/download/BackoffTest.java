package dev.carryon.core.download;

import dev.carryon.core.Props;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long to wait before another try (downloader spec, "Robustness": exponential backoff with jitter,
 * Retry-After honoured). The random number is a parameter, so every case is exact.
 */
class BackoffTest {

    private static final Backoff B = Backoff.DEFAULT; // 500 ms, at most 30 s of our own, Retry-After up to 10 min
    private static final double ALMOST_ONE = Math.nextDown(1.0);

    private static long ms(int failures, Duration retryAfter, double random) {
        return B.delay(failures, retryAfter, random).toMillis();
    }

    @Test
    @DisplayName("the first delay is the base, jittered down to as little as half of it")
    void theFirstDelay() {
        assertThat(ms(1, null, 0)).isEqualTo(250);
        assertThat(ms(1, null, 0.5)).isEqualTo(375);
        assertThat(ms(1, null, ALMOST_ONE)).isEqualTo(500);
    }

    @Test
    @DisplayName("each failure in a row doubles the delay")
    void doublingPerFailure() {
        assertThat(ms(2, null, 0)).isEqualTo(500);
        assertThat(ms(2, null, ALMOST_ONE)).isEqualTo(1000);
        assertThat(ms(3, null, ALMOST_ONE)).isEqualTo(2000);
        assertThat(ms(6, null, ALMOST_ONE)).isEqualTo(16_000);
    }

    @Test
    @DisplayName("our own delay never exceeds the maximum; jitter still spreads clients over its upper half")
    void cappedAtTheMaximum() {
        assertThat(ms(7, null, ALMOST_ONE)).isEqualTo(30_000); // 32 s capped
        assertThat(ms(7, null, 0)).isEqualTo(15_000);
        assertThat(ms(30, null, ALMOST_ONE)).isEqualTo(30_000);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    @DisplayName("fewer than one failure counts as one")
    void atLeastOneFailure(int failures) {
        assertThat(ms(failures, null, 0)).isEqualTo(250);
    }

    @ParameterizedTest
    @ValueSource(ints = {31, 64, 1000, Integer.MAX_VALUE})
    @DisplayName("any number of failures stays within the maximum: no shift overflows")
    void noOverflow(int failures) {
        assertThat(ms(failures, null, ALMOST_ONE)).isEqualTo(30_000);
        assertThat(ms(failures, null, 0)).isEqualTo(15_000);
    }

    @Test
    @DisplayName("never sooner than the server's Retry-After")
    void retryAfterIsALowerBound() {
        assertThat(ms(1, Duration.ofSeconds(120), 0)).isEqualTo(120_000);
        assertThat(ms(1, Duration.ZERO, 0)).isEqualTo(250); // a shorter one leaves our own delay
        assertThat(ms(7, Duration.ofSeconds(1), 0)).isEqualTo(15_000);
    }

    @Test
    @DisplayName("a Retry-After beyond maxRetryAfter is waited for maxRetryAfter, not longer")
    void retryAfterIsCapped() {
        assertThat(ms(1, Duration.ofHours(5), 0)).isEqualTo(Duration.ofMinutes(10).toMillis());
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(b.delay(1, Duration.ofSeconds(60), 0)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("property: within [exp/2, exp] of base * 2^(n-1) capped at max, and at least Retry-After capped")
    void bounds() {
        Props.forAll(Props.TRIES, g -> new Object[] {
            new Backoff(Duration.ofMillis(g.longIn(1, 5_000)), Duration.ofMillis(g.longIn(1, 120_000)),
                    Duration.ofMillis(g.longIn(0, 3_600_000))),
            g.intIn(-3, 80), g.oneIn(2) ? null : Duration.ofMillis(g.longIn(0, 10_000_000)),
            g.pick(0.0, ALMOST_ONE, g.longIn(0, 999_999) / 1e6)}, c -> {
                Backoff b = (Backoff) c[0];
                int n = (Integer) c[1];
                Duration retryAfter = (Duration) c[2];
                long d = b.delay(n, retryAfter, (Double) c[3]).toMillis();
                int k = Math.max(1, Math.min(n, 30));
                long exp = Math.min(b.max().toMillis(), b.base().toMillis() << Math.min(k - 1, 20));
                long floor = exp / 2;
                long ceiling = exp;
                if (retryAfter != null) {
                    long asked = Math.min(retryAfter.toMillis(), b.maxRetryAfter().toMillis());
                    floor = Math.max(floor, asked);
                    ceiling = Math.max(ceiling, asked);
                }
                assertThat(d).isBetween(floor, ceiling);
            });
    }
}
