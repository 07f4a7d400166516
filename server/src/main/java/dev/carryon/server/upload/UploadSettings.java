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
 */
public record UploadSettings(String path, long maxSize, Duration expiry, boolean overwrite, List<String> tokens,
                             List<String> corsOrigins, boolean trustProxy, int maxConcurrent, Duration bodyTimeout,
                             Duration stallTakeover) {

    public static final UploadSettings DEFAULT = new UploadSettings("/uploads/", 0, Duration.ofHours(24), false,
            List.of(), List.of(), false, 64, Duration.ofSeconds(60), Duration.ofSeconds(3));

    public UploadSettings {
        Objects.requireNonNull(path);
        if (!path.startsWith("/") || !path.endsWith("/") || path.equals("/") || path.startsWith("/-/")) {
            throw new IllegalArgumentException("the upload path must look like /uploads/ (not the root, not under /-/)");
        }
        tokens = List.copyOf(tokens);
        corsOrigins = List.copyOf(corsOrigins);
    }
}
