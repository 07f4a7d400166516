package dev.carryon.server.content;

import java.time.Instant;
import java.util.Objects;

/**
 * A file or directory of the served content as one look-up saw it. Only the store that made an entry opens
 * or lists it: {@code key} is where that store finds it (a path for a local directory, an object key for an
 * object store) and means nothing to anyone else, except as the name digests are remembered under.
 *
 * @param key       where the store finds it; also the digests' key
 * @param name      the last segment of its name, as listed and as its media type is guessed from
 * @param kind      what it is
 * @param version   the version seen (for a directory, what the store knows of it)
 * @param mediaType the Content-Type of a file; null for anything else
 */
public record ContentEntry(String key, String name, Kind kind, ContentVersion version, String mediaType) {

    public enum Kind {
        FILE,
        DIRECTORY,
        /** Exists but is neither (a device, a socket, a pipe): refused rather than read. */
        OTHER
    }

    public ContentEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
    }

    public boolean isDirectory() {
        return kind == Kind.DIRECTORY;
    }

    public boolean isFile() {
        return kind == Kind.FILE;
    }

    public long size() {
        return version.size();
    }

    public Instant modified() {
        return version.modified();
    }
}
