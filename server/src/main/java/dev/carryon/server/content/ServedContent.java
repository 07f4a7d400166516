package dev.carryon.server.content;

import dev.carryon.core.path.RequestPath;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * What {@code carryon serve} serves: look a request path up, open a file pinned to the version looked up, list
 * a directory in pages. The rules of what a request may reach (no escape from the root, no state, no hidden
 * names unless served) belong to the implementation; handlers see only what it lets through.
 *
 * <p>Called on I/O threads: {@link #lookup} is the hot path and should cost one metadata read at most.
 *
 * <p>{@link dev.carryon.server.files.LocalDirectory} serves a directory of the local file system.
 */
public interface ServedContent {

    /** The file or directory a request names, or why there is none it may reach. */
    ContentLookup lookup(RequestPath.Parsed path);

    /**
     * The entry as it is now, for a file whose version changed between look-up and read.
     *
     * @throws NoSuchFileException when it is gone
     */
    ContentEntry reload(ContentEntry entry) throws IOException;

    /**
     * Opens a file pinned to {@code file.version()}. Reads of another version fail with
     * {@link ContentChangedException}, at {@link PinnedContent#confirm()} at the latest; the caller releases it.
     *
     * @throws NoSuchFileException when it is gone
     * @throws java.nio.file.AccessDeniedException when it may not be read
     */
    PinnedContent open(ContentEntry file) throws IOException;

    /**
     * Up to {@code limit} entries of a directory, after {@code cursor} (null for the first page).
     *
     * @throws IOException when the directory cannot be read
     */
    ContentPage list(ContentEntry directory, String cursor, int limit) throws IOException;
}
