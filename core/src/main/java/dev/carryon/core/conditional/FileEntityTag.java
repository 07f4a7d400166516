package dev.carryon.core.conditional;

import java.time.Instant;

/**
 * The entity tag of a file whose content hash is not known: its size, its modification time to the
 * nanosecond and its identity (device and inode, say) together name one version of its bytes.
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
        long nanos = modified.getEpochSecond() * 1_000_000_000L + modified.getNano();
        String opaque = Long.toHexString(size) + '-' + Long.toHexString(nanos) + '-' + Long.toHexString(identity);
        boolean fresh = now.isBefore(modified.plus(Validators.STRONG_AFTER));
        return new EntityTag(opaque, fresh);
    }
}
