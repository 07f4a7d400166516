package dev.carryon.core.digest;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Hashes a file that is assembled out of order, without reading it again where it can: bytes written right at
 * the hashed prefix's end are hashed as they are written; everything else waits until the prefix reaches it,
 * and the caller reads it back then, from {@link #hashed()} on. A download written mostly in order by its
 * first connection is thus hashed in stream, the rest from the page cache.
 */
public final class OrderedHasher {

    private final Map<DigestAlgorithm, MessageDigest> digests = new EnumMap<>(DigestAlgorithm.class);
    private long hashed;

    public OrderedHasher(List<DigestAlgorithm> algorithms) {
        for (DigestAlgorithm a : algorithms) {
            digests.put(a, a.newDigest());
        }
    }

    /** The algorithms being computed. */
    public java.util.Set<DigestAlgorithm> algorithms() {
        return digests.keySet();
    }

    /** How many bytes from 0 are hashed. */
    public long hashed() {
        return hashed;
    }

    /**
     * Offers bytes just written at {@code position}: hashed now if they continue the prefix (the part of them
     * before the prefix's end is skipped); returns whether anything was taken.
     */
    public boolean offer(long position, ByteBuffer bytes) {
        long end = position + bytes.remaining();
        if (position > hashed || end <= hashed) {
            return false;
        }
        ByteBuffer tail = bytes.duplicate();
        tail.position(tail.position() + (int) (hashed - position));
        long n = tail.remaining();
        for (MessageDigest d : digests.values()) {
            d.update(tail.duplicate());
        }
        hashed += n;
        return true;
    }

    /** The digests of bytes {@code [0, hashed())}; only meaningful once everything is hashed. */
    public Map<DigestAlgorithm, byte[]> finish() {
        Map<DigestAlgorithm, byte[]> out = new EnumMap<>(DigestAlgorithm.class);
        digests.forEach((a, d) -> out.put(a, d.digest()));
        return out;
    }
}
