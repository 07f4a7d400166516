package dev.carryon.server.upload;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@code carryon serve} takes uploads.
 *
 * @param path            the endpoint, e.g. {@code /uploads/}
 * @param maxSize         the largest upload accepted, 0 for no limit
 * @param expiry          how long an unfinished upload lives after its last byte
 * @param overwrite       a completed upload may replace a file of the same name
 * @param tokens          Bearer tokens that may upload; empty means anyone may
 * @param corsOrigins     origins allowed to call the endpoint from a browser ("*" for any)
 * @param trustProxy      build absolute Locations from X-Forwarded-* / Forwarded
 * @param maxConcurrent   the most requests writing at once
 * @param bodyTimeout     the longest silence within a request body
 * @param stallTakeover   how long a writer may be silent before a HEAD of the same upload takes over
 * @param minBodyRate     the slowest a request body may arrive on average, in bytes a second, once its grace
 *                        has passed (0: any speed); a body that trickles in is never silent long enough for the
 *                        body timeout, and enough of them would hold every writing slot
 * @param bodyRateGrace   how long a body may take before the rate counts: it is cut when it has taken longer
 *                        than the grace plus one second for every {@code minBodyRate} bytes (Apache's
 *                        mod_reqtimeout {@code MinRate})
 */
public record UploadSettings(String path, long maxSize, Duration expiry, boolean overwrite, List<String> tokens,
                             List<String> corsOrigins, boolean trustProxy, int maxConcurrent, Duration bodyTimeout,
                             Duration stallTakeover, long minBodyRate, Duration bodyRateGrace) {

    /** As Apache's mod_reqtimeout does by default for bodies: 20 s, then 500 bytes a second. */
    public static final long DEFAULT_MIN_BODY_RATE = 500;
    public static final Duration DEFAULT_BODY_RATE_GRACE = Duration.ofSeconds(20);

    public static final UploadSettings DEFAULT = new UploadSettings("/uploads/", 0, Duration.ofHours(24), false,
            List.of(), List.of(), false, 64, Duration.ofSeconds(60), Duration.ofSeconds(3));

    /** With the default body rate rule. */
    public UploadSettings(String path, long maxSize, Duration expiry, boolean overwrite, List<String> tokens,
                          List<String> corsOrigins, boolean trustProxy, int maxConcurrent, Duration bodyTimeout,
                          Duration stallTakeover) {
        this(path, maxSize, expiry, overwrite, tokens, corsOrigins, trustProxy, maxConcurrent, bodyTimeout,
                stallTakeover, DEFAULT_MIN_BODY_RATE, DEFAULT_BODY_RATE_GRACE);
    }

    /** A copy with another body rate rule (0: none). */
    public UploadSettings withMinBodyRate(long bytesPerSecond, Duration grace) {
        return new UploadSettings(path, maxSize, expiry, overwrite, tokens, corsOrigins, trustProxy, maxConcurrent,
                bodyTimeout, stallTakeover, bytesPerSecond, grace);
    }

    public UploadSettings {
        Objects.requireNonNull(path);
        if (!path.startsWith("/") || !path.endsWith("/") || path.equals("/") || path.startsWith("/-/")) {
            throw new IllegalArgumentException("the upload path must look like /uploads/ (not the root, not under /-/)");
        }
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("the minimum body rate must be at least 0: " + minBodyRate);
        }
        Objects.requireNonNull(bodyRateGrace);
        tokens = List.copyOf(tokens);
        corsOrigins = List.copyOf(corsOrigins);
    }
}
