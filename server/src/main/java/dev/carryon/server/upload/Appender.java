package dev.carryon.server.upload;

import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.server.store.UploadData;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A writer of one request body into one upload: counts and hashes the bytes as they arrive, hands them to the
 * upload's {@link UploadData.Sink}, and schedules commits. Its methods run on the request's own thread (its
 * {@link Writer}); commits run on the service's commit thread and never block the request's.
 */
public final class Appender implements UploadLocks.Holder {

    private static final long COMMIT_BYTES = 16L << 20;
    private static final long COMMIT_NANOS = 1_000_000_000L;
    /** How much of a chunk verified whole may wait for its fsync: a smaller step, since no offset rides on it. */
    private static final long FLUSH_BYTES = 4L << 20;

    private final UploadService service;
    private final UploadService.Session session;
    private final UploadService.Append request;
    private final UploadData.Sink data;
    private final long start;
    private final long epoch;
    private final MessageDigest chunkChecksum;
    private MessageDigest tentative;
    /** Written by the request's thread only; volatile so that its watchdog may read it. */
    private volatile long written;
    private volatile long committedWritten;
    private long scheduledWritten;
    private long lastCommitNanos = System.nanoTime();
    private volatile long lastByteNanos = System.nanoTime();
    private final long openedNanos = System.nanoTime();
    private boolean ended;
    private CompletableFuture<Void> commitInFlight = CompletableFuture.completedFuture(null);
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private UploadException failure;

    Appender(UploadService service, UploadService.Session session, UploadService.Append request,
             UploadData.Sink data, long epoch) {
        this.service = service;
        this.session = session;
        this.request = request;
        this.data = data;
        this.epoch = epoch;
        synchronized (session) {
            this.start = session.upload.offset();
        }
        // A trailer names its algorithm only at the end; sha-256, the one clients choose first, is hashed on the
        // way in on speculation, so that the chunk need not be read back when it is the one.
        this.chunkChecksum = request.checksum() != null ? request.checksum().algorithm().newDigest()
                : request.checksumTrailer() ? DigestAlgorithm.SHA_256.newDigest() : null;
        resumeDigest();
    }

    /**
     * Continues the upload's running sha-256 from where this append starts, if the session has it there (it may
     * have been caught up since this appender was made); before any byte is written.
     */
    void resumeDigest() {
        synchronized (session) {
            tentative = session.sha256 != null && session.hashed == start ? clone(session.sha256) : null;
        }
    }

    /** The request that writes, to be asked to let go. */
    @Override
    public Writer writer() {
        return request.writer();
    }

    /** The lease epoch this writer commits under: a commit of a writer whose lease was taken over is refused. */
    long epoch() {
        return epoch;
    }

    /**
     * Takes a piece of the body. The future completes once the piece may be reused; it fails (413, 507, or the
     * writer was ended) when the body must stop. A local sink completes it before this returns.
     */
    public CompletableFuture<Void> write(ByteBuffer content) {
        if (ended) {
            return CompletableFuture.failedFuture(failure != null ? failure : superseded());
        }
        int n = content.remaining();
        long length;
        synchronized (session) {
            length = session.upload.length();
        }
        if (length >= 0 && start + written + n > length) {
            fail(new UploadException(UploadException.Reason.PAST_LENGTH,
                    "the body runs past the upload's length of " + length));
            return CompletableFuture.failedFuture(failure);
        }
        long max = service.settings().maxSize();
        if (max > 0 && start + written + n > max) {
            fail(new UploadException(UploadException.Reason.TOO_LARGE, "the upload would exceed the server's maximum of "
                    + max + " bytes"));
            return CompletableFuture.failedFuture(failure);
        }
        ByteBuffer seen = content.duplicate();
        CompletableFuture<Void> w = data.write(content);
        if (w.isDone()) {
            return written(w, seen, n);
        }
        CompletableFuture<Void> out = new CompletableFuture<>();
        w.whenComplete((v, e) -> writer().execute(() -> written(w, seen, n).whenComplete((x, f) -> {
            if (f != null) {
                out.completeExceptionally(f);
            } else {
                out.complete(null);
            }
        })));
        return out;
    }

    /** After the sink took a piece: counts and hashes it, perhaps schedules a commit. On the request's thread. */
    private CompletableFuture<Void> written(CompletableFuture<Void> w, ByteBuffer seen, int n) {
        if (w.isCompletedExceptionally()) {
            fail(new UploadException(UploadException.Reason.NO_SPACE, "the server's disk is full; "
                    + (start + committedWritten) + " bytes are kept: resume later"));
            return CompletableFuture.failedFuture(failure);
        }
        if (ended) {
            return CompletableFuture.failedFuture(failure != null ? failure : superseded());
        }
        if (chunkChecksum != null) {
            chunkChecksum.update(seen.duplicate());
        }
        if (tentative != null) {
            tentative.update(seen);
        }
        written += n;
        lastByteNanos = System.nanoTime();
        service.metrics().uploadBytes(n);
        // One commit at a time: while an fsync is under way the bytes keep arriving, and a commit per piece
        // of body queued behind it would pile up (an fsync and a FULL-sync row each) faster than they drain.
        if (commitInFlight.isDone() && (written - scheduledWritten >= (request.verifiedWhole() ? FLUSH_BYTES
                : COMMIT_BYTES) || lastByteNanos - lastCommitNanos >= COMMIT_NANOS)) {
            if (request.verifiedWhole()) {
                flush(); // the offset waits for the verification; the fsync need not
            } else {
                commit(false);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private static UploadException superseded() {
        return new UploadException(UploadException.Reason.SUPERSEDED, "this request was ended by a newer one");
    }

    /**
     * The body ended. Verifies the chunk's checksum (a mismatch discards the chunk: 460), commits, and
     * completes the upload when every byte is there. The future gives the upload to answer with.
     */
    public CompletableFuture<Upload> end(TusFields.Checksum trailerChecksum) {
        if (ended) {
            return CompletableFuture.failedFuture(failure != null ? failure : superseded());
        }
        TusFields.Checksum expected = request.checksum() != null ? request.checksum() : trailerChecksum;
        if (expected == null && request.checksumTrailer()) {
            discard();
            return CompletableFuture.failedFuture(new UploadException(UploadException.Reason.CHECKSUM_TRAILER_MISSING,
                    "the body ended without the Upload-Checksum trailer it announced; the chunk was discarded, the"
                            + " offset is unchanged"));
        }
        ended = true;
        if (expected == null) {
            return commitAndFinish();
        }
        boolean hashedOnTheWay = chunkChecksum != null
                && chunkChecksum.getAlgorithm().equals(expected.algorithm().newDigest().getAlgorithm());
        // An empty chunk needs no reading back (and a complete upload has no data left to read).
        byte[] onTheWay = hashedOnTheWay ? chunkChecksum.digest()
                : written == 0 ? expected.algorithm().newDigest().digest() : null;
        // A trailer names its algorithm only at the end: the chunk is read back then, on the hashing thread,
        // once what was written of it is durable (never ahead of its fsync).
        CompletableFuture<byte[]> actual = onTheWay != null ? CompletableFuture.completedFuture(onTheWay)
                : flush().thenApplyAsync(v -> service.hashRange(request.id(), start, start + written,
                expected.algorithm()), service.hashing());
        CompletableFuture<Upload> out = new CompletableFuture<>();
        actual.whenComplete((digest, e) -> writer().execute(() -> {
            if (e != null || digest == null || !MessageDigest.isEqual(digest, expected.value())) {
                discard();
                service.metrics().uploadChecksumFailed();
                out.completeExceptionally(new UploadException(UploadException.Reason.CHECKSUM_MISMATCH,
                        "the chunk's " + TusFields.tusName(expected.algorithm()) + " checksum does not match; it was"
                                + " discarded, the offset is unchanged"));
                return;
            }
            commitAndFinish().whenComplete((u, f) -> {
                if (f != null) {
                    out.completeExceptionally(f);
                } else {
                    out.complete(u);
                }
            });
        }));
        return out;
    }

    private CompletableFuture<Upload> commitAndFinish() {
        return commit(true).thenComposeAsync(v -> {
            release();
            return service.finishIfFull(session);
        }, service.commits());
    }

    /** The chunk cannot be vouched for: nothing of it is recorded, and its bytes are discarded. */
    private void discard() {
        written = 0;
        ended = true;
        // Queued on the commit thread before anything a next writer of the upload can do there.
        commitInFlight = commitInFlight.thenRunAsync(() -> service.discardAfter(request.id(), start),
                service.commits());
        release();
    }

    /**
     * The request ended early (the connection broke, a newer request took over, the body stalled). Without
     * a checksum what arrived is kept; with one, in the header or announced as a trailer that now will not
     * come, the chunk cannot be verified and is discarded.
     */
    @Override
    public CompletableFuture<Void> abort(String why) {
        if (ended) {
            return stopped;
        }
        if (request.checksum() != null || request.checksumTrailer()) {
            discard();
            return stopped;
        }
        ended = true;
        commit(true).whenComplete((v, e) -> release());
        return stopped;
    }

    private void fail(UploadException e) {
        failure = e;
        ended = true;
        commit(true).whenComplete((v, x) -> release());
    }

    /** The failure that ended this body early (413, 507), if any. */
    public UploadException failure() {
        return failure;
    }

    @Override
    public long lastByteNanos() {
        return lastByteNanos;
    }

    /**
     * Whether the body arrives too slowly to keep its writing slot: it has taken longer than the grace plus a
     * second for every {@code minBodyRate} bytes received (never, with a rate of 0).
     */
    public boolean tooSlow(long nowNanos) {
        UploadSettings s = service.settings();
        if (s.minBodyRate() <= 0) {
            return false;
        }
        long allowed = s.bodyRateGrace().toNanos() + written * 1_000_000_000L / s.minBodyRate();
        return nowNanos - openedNanos > allowed;
    }

    /** The slowest average rate a body may arrive at, bytes a second (0: any). */
    public long minBodyRate() {
        return service.settings().minBodyRate();
    }

    /** Bytes of the body received so far. */
    public long received() {
        return written;
    }

    /** The longest silence allowed within the body (zero: no limit). */
    public Duration bodyTimeout() {
        return service.settings().bodyTimeout();
    }

    /**
     * Makes what arrived of a chunk that is verified whole durable ahead of its verdict, without recording an
     * offset: the final commit then has only the chunk's tail left to fsync.
     */
    private CompletableFuture<Void> flush() {
        scheduledWritten = written;
        lastCommitNanos = System.nanoTime();
        commitInFlight = commitInFlight.thenRunAsync(() -> service.sync(request.id(), data), service.commits());
        return commitInFlight;
    }

    /** fsync, then record the offset, on the service's commit thread; commits never overlap. */
    private CompletableFuture<Void> commit(boolean last) {
        long upTo = written;
        scheduledWritten = upTo;
        MessageDigest digestSoFar = last && tentative != null ? clone(tentative) : null;
        lastCommitNanos = System.nanoTime();
        commitInFlight = commitInFlight.thenRunAsync(() -> {
            if (upTo == committedWritten) {
                return;
            }
            if (service.commit(session, this, data, start + upTo, digestSoFar)) {
                committedWritten = upTo;
            }
        }, service.commits());
        return commitInFlight;
    }

    private void release() {
        // A discarded chunk (checksum, cut) may still have an early fsync queued: the data closes after it, or the
        // fsync meets a closed channel and logs a failure for a chunk nobody keeps.
        commitInFlight.whenComplete((v, e) -> data.close());
        service.released(session, this);
        stopped.complete(null);
    }

    static MessageDigest clone(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
