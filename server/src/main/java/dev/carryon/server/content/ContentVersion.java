package dev.carryon.server.content;

import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.conditional.FileEntityTag;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a file's bytes as the content store names it. The token alone tells versions apart: two
 * reads that see the same token see the same bytes, on any node. The ETag is made from it, so the same version
 * gets the same ETag wherever it is served.
 *
 * @param size     the length in bytes
 * @param modified when this version was written
 * @param token    names this version; entity-tag characters only (it becomes the ETag's opaque part)
 */
public record ContentVersion(long size, Instant modified, String token) {

    public ContentVersion {
        Objects.requireNonNull(modified, "modified");
        EntityTag.strong(token); // refuses a token that cannot be an ETag, here rather than at the first GET
        if (size < 0) {
            throw new IllegalArgumentException("a negative size: " + size);
        }
    }

    /** The ETag of this version when its content hash is not used: weak while it is less than a second old. */
    public EntityTag etag(Instant now) {
        return FileEntityTag.of(token, modified, now);
    }
}
