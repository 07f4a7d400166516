package dev.carryon.server.store;

import dev.carryon.server.content.ContentVersion;

import java.util.Optional;

/**
 * Digests of served files, remembered per key and version token so that each version is hashed once. One
 * record per key: recording a version replaces what was known of the earlier one.
 */
public interface DigestStore {

    /**
     * Digests of one version of a file.
     *
     * @param sha512      empty or null when not computed (an upload hashes sha-256 only)
     * @param contentEtag the file came in as an upload: its ETag is its sha-256, the same on every node
     */
    record StoredDigests(byte[] sha256, byte[] sha512, boolean contentEtag) {
    }

    /** The digests recorded for this version of {@code key}, if any; safe to call from any thread. */
    Optional<StoredDigests> find(String key, String version);

    /** Records the digests of {@code version} of {@code key}, replacing those of any earlier version. */
    void put(String key, ContentVersion version, StoredDigests digests);
}
