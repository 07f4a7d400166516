package dev.carryon.server.store;

import dev.carryon.core.journal.DownloadRecord;

import java.util.Collection;
import java.util.List;

/**
 * The transfer journal's download sessions, kept across restarts. Used by the journal's one thread only.
 * Uploads are not here: the journal reads those through {@link UploadStore#recent}.
 */
public interface TransferStore {

    /** Inserts or replaces these sessions, in one transaction. */
    void save(Collection<DownloadRecord> sessions);

    /** The sessions active at or after {@code sinceMillis}, the most recent first, at most {@code limit}. */
    List<DownloadRecord> load(long sinceMillis, int limit);

    /** Deletes sessions last active before {@code beforeMillis}, then the oldest beyond {@code cap}; returns how many. */
    int prune(long beforeMillis, int cap);

    int count();
}
