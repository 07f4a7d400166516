package dev.carryon.core.conditional;

import java.time.Duration;
import java.time.Instant;

/**
 * What a representation offers for validation: an entity tag and a modification time, each optional.
 *
 * @param lastModified with whatever precision the source has; HTTP sees it in whole seconds
 */
public record Validators(EntityTag etag, Instant lastModified) {

    /** A modification time is a strong validator only once it is at least this old (RFC 9110 8.8.2.2). */
    public static final Duration STRONG_AFTER = Duration.ofSeconds(1);

    /** Last-Modified as HTTP carries it: truncated to the second. */
    public long lastModifiedSecond() {
        return lastModified.getEpochSecond();
    }

    public boolean hasLastModified() {
        return lastModified != null;
    }

    /** Whether Last-Modified can stand for the bytes: modified at least a second before {@code now}. */
    public boolean lastModifiedIsStrong(Instant now) {
        return lastModified != null && lastModified.getEpochSecond() + STRONG_AFTER.getSeconds() <= now.getEpochSecond();
    }
}
