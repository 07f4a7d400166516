package dev.carryon.server.store;

import dev.carryon.server.content.ServedContent;

/**
 * Everything {@code carryon serve} keeps, behind its interfaces: the served content and the records beside it.
 * Made by a {@link StorageFactory} when the server starts and closed when it stops.
 */
public interface Storage extends AutoCloseable {

    ServedContent content();

    DigestStore digests();

    UploadStore uploads();

    TransferStore transfers();

    /** Releases what the stores hold open; the server calls it last, after everything that uses them. */
    @Override
    void close();
}
