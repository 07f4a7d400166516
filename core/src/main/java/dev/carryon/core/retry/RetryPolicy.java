package dev.carryon.core.retry;

import dev.carryon.core.conditional.HttpDate;
import dev.carryon.core.download.Backoff;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a transfer tries again and when it gives up: one policy for downloads and uploads alike, so that a
 * status the downloader waits out is not one the uploader gives up on.
 *
 * <p>Failures are counted in a row since bytes last moved: a transfer that makes progress between failures
 * never gives up, one that makes none gives up after {@code retries} tries.
 *
 * @param retries how many failures in a row without progress are tried again
 * @param backoff the delays between the tries
 */
public record RetryPolicy(int retries, Backoff backoff) {

    public RetryPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be at least 0: " + retries);
        }
    }

    /** What to do after a failure. */
    public sealed interface Decision {
    }

    /** Try again after {@code delay}. */
    public record Wait(Duration delay) implements Decision {
    }

    /** Stop: {@code message} says why and that a rerun resumes. */
    public record GiveUp(String message) implements Decision {
    }

    /**
     * @param failures   failures in a row since bytes last moved, this one included (at least 1)
     * @param last       what the last failure was, for the message
     * @param kept       what is kept for a rerun ("What is held is kept"), for the message
     * @param retryAfter the delay the server asked for, or null
     * @param random     a number in [0, 1) for the jitter
     */
    public Decision afterFailure(int failures, String last, String kept, Duration retryAfter, double random) {
        if (failures > retries) {
            return new GiveUp("gave up after " + (failures - 1) + " failed attempts in a row without progress;"
                    + " the last: " + last + ". " + kept + ": rerun the same command to resume");
        }
        if (retryAfter != null) {
            // The server named the wait (RFC 9110 section 10.2.3): wait that, up to the cap, rather than our own
            // growing delay. Several connections that hit the same answer at once count several failures, and an
            // exponential delay would leave them waiting far longer than the server asked.
            return new Wait(retryAfter.compareTo(backoff.maxRetryAfter()) > 0 ? backoff.maxRetryAfter() : retryAfter);
        }
        return new Wait(backoff.delay(failures, null, random));
    }

    /**
     * Whether a status says "later" rather than "no". 408, 425 and 429 say so outright; 423 is a tus upload
     * still held by an earlier connection of ours; a 5xx is the server's trouble, except those that name
     * something a retry cannot change (501 a method it lacks, 505 a version, 508 a loop, 510 an extension, 511
     * a network log-in, 507 storage that a few seconds will not free).
     */
    public static boolean retryable(int status) {
        return switch (status) {
            case 408, 423, 425, 429 -> true;
            case 501, 505, 507, 508, 510, 511 -> false;
            default -> status >= 500 && status <= 599;
        };
    }

    /**
     * Retry-After (RFC 9110 section 10.2.3) as delay-seconds or an HTTP-date; absent when the field is absent
     * or unreadable. A date in the past is no wait; seconds are capped at a day so that an absurd number
     * cannot overflow (the backoff caps what it honours further).
     */
    public static Optional<Duration> retryAfter(String field, Instant now) {
        if (field == null) {
            return Optional.empty();
        }
        String s = field.strip();
        if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long seconds = s.length() > 6 ? 86_400 : Math.min(Long.parseLong(s), 86_400);
            return Optional.of(Duration.ofSeconds(seconds));
        }
        return HttpDate.parse(s, now).map(t -> {
            Duration d = Duration.between(now, t);
            return d.isNegative() ? Duration.ZERO : d;
        });
    }
}
