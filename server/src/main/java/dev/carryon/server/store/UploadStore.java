package dev.carryon.server.store;

import dev.carryon.core.upload.Upload;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Upload records, and where each upload's bytes accumulate until it is complete. An implementation must make
 * {@link #update} durable before it returns: the offset it records is what clients are told.
 */
public interface UploadStore {

    void create(Upload upload);

    Optional<Upload> find(String id);

    /** Replaces the record; durable when it returns. */
    void update(Upload upload);

    void delete(String id);

    /** Active uploads whose expiry has passed, at most {@code limit}. */
    List<Upload> expired(Instant now, int limit);

    /** An upload record and when it last changed (epoch ms; its creation time for records older than that). */
    record RecentUpload(Upload upload, long updatedMillis) {
    }

    /**
     * The records that changed most recently, at most {@code limit}, the most recent first: what the transfer
     * journal shows. Read-only, and must not hold up {@link #update}: it is polled once a second.
     */
    List<RecentUpload> recent(int limit);

    /** Removes records of expired uploads swept before {@code before}. */
    int purgeExpired(Instant before);

    /** The file that holds an upload's bytes while it is not complete. */
    Path data(String id);
}
