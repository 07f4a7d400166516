package dev.carryon.server.store;

import java.util.Optional;

/** Digests of served files, remembered per path and version so that each version is hashed once. */
public interface DigestStore {

    /**
     * Digests of one version of a file: the version is its size, modification time and identity.
     *
     * @param contentEtag the file came in as an upload: its ETag is its sha-256, the same on every node
     */
    record StoredDigests(long size, long mtimeNanos, long identity, byte[] sha256, byte[] sha512,
                         boolean contentEtag) {
    }

    /** The digests last recorded for {@code path}, of whatever version; safe to call from any thread. */
    Optional<StoredDigests> find(String path);

    /** Records the digests of {@code path}, replacing those of any earlier version. */
    void put(String path, StoredDigests digests);
}
