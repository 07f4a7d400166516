package dev.carryon.server.store;

import dev.carryon.core.upload.Upload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Upload records: what each upload is and how far it got, and who may write to it (its lease). No bytes: those are
 * the {@link UploadData}'s. An implementation must make {@link #update} durable before it returns: the offset it
 * records is what clients are told.
 *
 * <p>A writer holds the upload's lease; the lease's epoch grows each time it is taken, so that a writer whose lease
 * was taken over (it stalled past the expiry, another node took it) is fenced: its updates under the old epoch
 * are refused.
 */
public interface UploadStore {

    void create(Upload upload);

    /** The record as stored now (never a copy kept from before). */
    Optional<Upload> find(String id);

    /**
     * Replaces the record if its offset is still {@code expectedOffset} (compare-and-set) and, when {@code epoch}
     * is not negative, its lease is still at that epoch. Durable when it returns.
     *
     * @return false when the record changed meanwhile (or is gone, or the lease moved on): nothing was written
     */
    boolean update(Upload upload, long expectedOffset, long epoch);

    void delete(String id);

    /** The final uploads (in any state) that name the partial upload {@code partId} among their parts. */
    List<Upload> finalsNaming(String partId);

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

    // ---- leases ----

    /** Who may write to an upload, until when, and the epoch that fences any writer before it. */
    record Lease(String id, String holder, long epoch, Instant expires) {
    }

    /**
     * Takes the upload's lease for {@code holder} for {@code ttl}: granted when it is free, expired, or already the
     * holder's; each grant is a new epoch. Empty when another holder's lease is still good (or there is no upload).
     */
    Optional<Lease> acquire(String id, String holder, Instant now, Duration ttl);

    /** Gives up a lease, if it is still {@code holder}'s at {@code epoch}. */
    void release(String id, String holder, long epoch);

    /**
     * Claims up to {@code limit} active uploads past their expiry, for the sweeper: each one's lease is taken for
     * {@code holder} (only those whose lease is free or expired: an upload being written is not claimed).
     */
    List<Lease> claimExpired(Instant now, int limit, String holder, Duration ttl);
}
