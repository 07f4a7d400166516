package dev.carryon.server.digest;

import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.server.content.ContentEntry;
import dev.carryon.server.content.ContentVersion;

import java.util.Map;
import java.util.Optional;

/**
 * Digests of the served content for {@code Repr-Digest}, keyed by an entry's key and version token: a digest is
 * of one version only, and a version named by the same token on another node has the same digest.
 */
public interface ContentDigests {

    /**
     * The digests of one version of one file.
     *
     * @param version     the version token they are of
     * @param contentEtag the file came in as an upload, so its ETag is its content hash
     */
    record FileDigests(String version, Map<DigestAlgorithm, byte[]> values, boolean contentEtag) {

        public FileDigests {
            values = Map.copyOf(values);
        }
    }

    /**
     * The digests of this version of the file, if known now. A request never waits for hashing: an
     * implementation that computes digests schedules the missing ones and answers empty meanwhile.
     */
    Optional<FileDigests> lookup(ContentEntry file);

    /** Records digests known without reading the file (an upload hashed its bytes as they arrived). */
    void record(String key, ContentVersion version, byte[] sha256, byte[] sha512, boolean contentEtag);
}
