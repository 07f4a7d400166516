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

    /** Removes records of expired uploads swept before {@code before}. */
    int purgeExpired(Instant before);

    /** The file that holds an upload's bytes while it is not complete. */
    Path data(String id);
}
