package dev.carryon.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where each upload's bytes accumulate until it is complete, and how a finished one is published into the served
 * content. The records (offsets, leases) are the {@link UploadStore}'s; this is only bytes, named by upload id.
 *
 * <p>Durability is the caller's protocol: bytes given to {@link Sink#write} may be lost until {@link Sink#commit}
 * says they are durable, and only an offset that a commit returned is ever recorded. Bytes past the recorded
 * offset are garbage that the next append overwrites (or that {@link #discardAfter} removes).
 */
public interface UploadData {

    /** Makes empty data for a new upload, replacing any left by an earlier one of the same id. */
    void create(String id) throws IOException;

    /** Opens the upload's data to append at {@code offset} (its recorded offset). */
    Sink append(String id, long offset) throws IOException;

    /** Appends to one upload's data; one writer at a time, not thread-safe. */
    interface Sink extends AutoCloseable {

        /**
         * Writes the buffer's remaining bytes after what this sink wrote. The future completes once the buffer
         * may be reused (an implementation may write it before it returns); a failed future (disk full) stops the
         * body, and what was written before stays.
         */
        CompletableFuture<Void> write(ByteBuffer bytes);

        /**
         * Makes every byte written so far durable; blocks, and returns the durable offset (start + written). It
         * may be called on another thread than the writes, while they go on: it covers at least what was written
         * before it was called.
         */
        long commit() throws IOException;

        @Override
        void close();
    }

    /** Discards whatever lies past {@code offset} (a chunk that failed its checksum, a tail no one recorded). */
    void discardAfter(String id, long offset) throws IOException;

    /** Reads {@code [from, to)} back in order, handing each piece to {@code reader} (for hashing). */
    void read(String id, long from, long to, Consumer<ByteBuffer> reader) throws IOException;

    /** A part of a concatenation: the first {@code length} bytes of an upload's data. */
    record Part(String id, long length) {
    }

    /**
     * Makes {@code target}'s data the parts one after another, durably, without copying them through the heap
     * (the kernel's copy for local files, a server-side copy for an object store).
     */
    void concatenate(String target, List<Part> parts) throws IOException;

    /**
     * Publishes the first {@code length} bytes of a finished upload into the served content, under the name
     * {@code suggested} sanitised (or the id when there is none), never replacing a file there unless the server
     * was told to: a clash takes the next free {@code name (1).ext}. The upload's data is gone afterwards.
     *
     * @param sha256 the digest of those bytes, for the served content to know at once (its ETag and Repr-Digest)
     * @return the published file's path relative to the served root, with '/' between segments
     */
    String publish(String id, long length, String suggested, byte[] sha256) throws IOException;

    /** Removes the upload's data; nothing if there is none. */
    void delete(String id) throws IOException;

    /** Whether the upload has data here (none once it is published, or before it is created). */
    boolean exists(String id) throws IOException;

    /**
     * The ids that have data here, for the sweep to find data that no record names (a kill between creating the
     * data and recording the upload, or between deleting the two, leaves some).
     */
    List<String> ids() throws IOException;

    /** The bytes there is room for, or {@link Long#MAX_VALUE} when that cannot be told. */
    long room();
}
