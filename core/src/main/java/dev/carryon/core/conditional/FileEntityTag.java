package dev.carryon.core.conditional;

import java.time.Instant;

/**
 * The entity tag of a file whose content hash is not known: a version token that names one version of its
 * bytes, such as its size, its modification time to the nanosecond and its identity (device and inode, say).
 *
 * <p>The tag is a function of the token and the modification time only, so that every server holding the same
 * version gives the same tag.
 *
 * <p>A file modified within the last second may still be being written, and a second write in the same clock
 * tick would not change the tag, so such a file gets a weak tag until it has been still for a second: weak tags
 * never satisfy If-Range, so no client splices bytes of a file that was changing.
 */
public final class FileEntityTag {

    private FileEntityTag() {
    }

    /**
     * @param identity a stable number for the file's identity on its file system, 0 when unknown
     */
    public static EntityTag of(long size, Instant modified, long identity, Instant now) {
        return of(token(size, modified, identity), modified, now);
    }

    /**
     * The version token of a local file: size, modification time in nanoseconds and identity, in hexadecimal.
     * Part of every ETag carryon has sent for a file, so it must never change.
     */
    public static String token(long size, Instant modified, long identity) {
        long nanos = modified.getEpochSecond() * 1_000_000_000L + modified.getNano();
        return Long.toHexString(size) + '-' + Long.toHexString(nanos) + '-' + Long.toHexString(identity);
    }

    /**
     * The tag of the version named by {@code token} (which must be valid entity-tag characters), weak while
     * the version is less than a second old.
     */
    public static EntityTag of(String token, Instant modified, Instant now) {
        boolean fresh = now.isBefore(modified.plus(Validators.STRONG_AFTER));
        return new EntityTag(token, fresh);
    }
}
