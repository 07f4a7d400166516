package dev.carryon.server.upload;

import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.core.upload.UploadMetadata;
import dev.carryon.core.upload.UploadRules;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.UploadData;
import dev.carryon.server.store.UploadStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upload engine under both protocols (tus and the IETF draft): the rules of {@link UploadRules} and the commit
 * protocol, over records in an {@link UploadStore}, bytes in an {@link UploadData} and one writer per upload by
 * {@link UploadLocks}. It knows no transport and no file: each of those is behind its interface.
 *
 * <p>Durability: bytes are handed to the data as they arrive (on the request's own thread); an offset is committed
 * only after the data says it is durable and the record is updated (compare-and-set on the offset it expects,
 * under the writer's lease), on this service's commit thread, and only committed offsets are ever told to a
 * client. A crash loses nothing that was acknowledged; bytes written past the committed offset are overwritten by
 * the next append. Hashing and the assembly of concatenations run on a thread of their own, only ever over
 * committed bytes, so that a large one never holds up another upload's commit.
 *
 * <p>One writer per upload: a second request for an upload whose writer is silent (or any PATCH at all) takes
 * over, ending the earlier request and keeping its bytes, so a client that lost its connection is never locked out.
 */
public final class UploadService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    /** A session unused for this long is forgotten: its record is read again from the store when next needed. */
    private static final long IDLE_SESSION_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final UploadStore store;
    private final UploadData data;
    private final UploadLocks locks;
    private final UploadSettings settings;
    private final ServerMetrics metrics;
    /**
     * Who holds the leases this service takes. One process serves a state directory, and the one after a crash is
     * the same holder (its predecessor's leases are its own, never a reason to wait); a cluster names each node.
     */
    private final String node = "local";
    private final ExecutorService commits = Executors.newSingleThreadExecutor(r -> daemon(r, "carryon-upload-io"));
    private final ExecutorService hashing = Executors.newSingleThreadExecutor(r -> daemon(r, "carryon-upload-hash"));
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "carryon-upload-sweeper"));
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger writing = new AtomicInteger();
    private final Completion completion;

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * What is kept in memory for an upload while it is in use: its record as last read or committed, and its
     * running digest. A cache: the store's record is the truth, read again when no writer holds the upload.
     */
    static final class Session {
        final String id;
        Upload upload;
        /**
         * Deleted (terminated). A request that looked the session up before the deletion continues on the service's
         * thread after it, holding this object: it must answer 404 as if it had come later, not update a record or
         * open data that are gone (which answered 500).
         */
        boolean gone;
        MessageDigest sha256;
        long hashed;
        /** While the upload is being finished (hashed, assembled, published): what the finish gives. */
        CompletableFuture<Upload> finishing;
        /** Append requests being prepared or writing. */
        final AtomicInteger appends = new AtomicInteger();
        volatile long usedNanos = System.nanoTime();

        Session(Upload upload) {
            this.id = upload.id();
            this.upload = upload;
        }
    }

    public UploadService(UploadStore store, UploadData data, UploadSettings settings, ServerMetrics metrics) {
        this(store, data, null, settings, metrics);
    }

    /** @param locks who holds each upload's writer; null for this process's own */
    public UploadService(UploadStore store, UploadData data, UploadLocks locks, UploadSettings settings,
                         ServerMetrics metrics) {
        this.store = store;
        this.data = data;
        this.locks = locks != null ? locks : new LocalUploadLocks(metrics);
        this.settings = settings;
        this.metrics = metrics;
        this.completion = new Completion(this, store, data, settings, metrics, commits, hashing);
        // Once a minute, or more often when uploads expire sooner, so that an expired upload's disk comes back
        // within about a quarter of its lifetime.
        long every = settings.expiry().isZero() ? 60_000
                : Math.max(100, Math.min(60_000, settings.expiry().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, Math.min(1000, every), every, TimeUnit.MILLISECONDS);
    }

    public UploadSettings settings() {
        return settings;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    Executor commits() {
        return commits;
    }

    Executor hashing() {
        return hashing;
    }

    // ---- creation ----

    /** What a creation request asks for. {@code length} is -1 when deferred; {@code parts} are upload ids. */
    public record Creation(long length, boolean deferred, UploadMetadata metadata, TusFields.Concat concat,
                           List<String> parts, String owner) {
    }

    /** Creates an upload; a final concatenation is assembled at once when its parts are complete. */
    public CompletableFuture<Upload> create(Creation c) {
        return CompletableFuture.supplyAsync(() -> {
            Instant now = Instant.now();
            long length = c.length();
            boolean isFinal = c.concat().kind() == TusFields.Concat.Kind.FINAL;
            if (isFinal) {
                length = completion.finalLength(c, now);
            } else {
                UploadRules.creation(length, c.deferred(), settings.maxSize());
            }
            if (length > 0) {
                checkSpace(length);
            }
            String id = UploadIds.newId();
            Upload u = new Upload(id, length, 0, c.metadata(), isFinal
                    ? new TusFields.Concat(TusFields.Concat.Kind.FINAL, c.parts()) : c.concat(), c.owner(), now,
                    expiry(now), Upload.State.ACTIVE, null, null);
            try {
                data.create(id);
            } catch (IOException e) {
                throw new UploadException(UploadException.Reason.NO_SPACE, "cannot create the upload's file: "
                        + e.getMessage());
            }
            store.create(u);
            Session s = new Session(u);
            sessions.put(id, s);
            metrics.uploadCreated();
            return s;
        }, commits).thenCompose(s -> {
            Upload u = s.upload;
            if (u.isFinal()) {
                return completion.assembleIfReady(s).thenApply(v -> current(s));
            }
            if (u.length() == 0) {
                return completion.finish(s);
            }
            return CompletableFuture.completedFuture(u);
        });
    }

    // ---- lookup ----

    /** The upload as a client may see it: access checked, a stalled writer taken over first. */
    public CompletableFuture<Upload> head(String id, String requester) {
        Session s;
        try {
            s = session(id);
        } catch (UploadException e) {
            return CompletableFuture.failedFuture(e);
        }
        return locks.takeOverIfStalled(id, settings.stallTakeover())
                .thenComposeAsync(v -> afterFinishing(s), commits)
                .thenComposeAsync(v -> {
                    Upload u = current(s);
                    UploadRules.access(u, requester, Instant.now());
                    return completeInterrupted(s, u);
                }, commits);
    }

    /**
     * Completes an upload whose completion was interrupted: every byte recorded but the data not published, or a
     * final whose parts are complete but which was not assembled. A kill -9 between those steps leaves this; a
     * tus client told the full offset stops there, so the upload is completed when it is next asked about rather
     * than left unserved. Without its data the kill came after the publication: the file is served, only the
     * record lags.
     */
    private CompletableFuture<Upload> completeInterrupted(Session s, Upload u) {
        if (u.state() != Upload.State.ACTIVE || locks.writer(s.id) != null) {
            return CompletableFuture.completedFuture(u);
        }
        try {
            if (u.isFinal()) {
                return completion.assembleIfReady(s).thenApply(v -> current(s));
            }
            if (u.lengthKnown() && u.offset() == u.length() && (u.isPartial() || data.exists(u.id()))) {
                return completion.finish(s).handle((done, e) -> {
                    if (e != null) {
                        log.warn("cannot complete upload {}: {}", u.id(), e.getMessage());
                    }
                    return current(s);
                });
            }
        } catch (IOException e) {
            log.warn("cannot complete upload {}: {}", u.id(), e.getMessage());
        }
        return CompletableFuture.completedFuture(u);
    }

    /** Completes once a finish under way (if any) is done, whatever its outcome. */
    private static CompletableFuture<Void> afterFinishing(Session s) {
        CompletableFuture<Upload> f;
        synchronized (s) {
            f = s.finishing;
        }
        return f == null ? CompletableFuture.completedFuture(null) : f.handle((u, e) -> null);
    }

    /** The committed record: the session's while a writer holds it, else read again from the store. */
    Optional<Upload> load(String id) {
        Session s = sessions.get(id);
        if (s != null) {
            return Optional.of(current(s));
        }
        return store.find(id);
    }

    /**
     * The session's record, read again from the store when nothing of this process holds it (another process may
     * have changed it); 404 when it was deleted since the session was looked up.
     */
    Upload current(Session s) {
        boolean held = locks.writer(s.id) != null;
        synchronized (s) {
            if (s.gone) {
                throw new UploadException(UploadException.Reason.NOT_FOUND, "no such upload");
            }
            if (held || s.finishing != null) {
                return s.upload;
            }
        }
        Optional<Upload> stored = store.find(s.id);
        synchronized (s) {
            if (stored.isEmpty()) {
                s.gone = true;
                throw new UploadException(UploadException.Reason.NOT_FOUND, "no such upload");
            }
            if (stored.get().offset() != s.upload.offset()) {
                s.sha256 = null; // someone else appended: the running digest is caught up from the data
            }
            s.upload = stored.get();
            return s.upload;
        }
    }

    private Session session(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            Upload u = store.find(id).orElseThrow(() -> new UploadException(UploadException.Reason.NOT_FOUND,
                    "no such upload"));
            sessions.putIfAbsent(id, new Session(u));
            s = sessions.get(id);
        }
        s.usedNanos = System.nanoTime();
        return s;
    }

    // ---- appending ----

    /**
     * What an append request asks for. {@code bodyLength} is -1 when the body is chunked; {@code checksumTrailer}
     * when the request announced ({@code Trailer: Upload-Checksum}) that its checksum follows the body;
     * {@code writer} is the request, to be asked to let go when a newer one takes over; {@code completed} how the
     * request's protocol meets an append to an upload that is already complete.
     */
    public record Append(String id, String requester, long offset, OptionalLong declaredLength, long bodyLength,
                         TusFields.Checksum checksum, boolean checksumTrailer, Writer writer,
                         UploadRules.Completed completed) {

        /**
         * Whether the chunk may have to be verified whole at its end: a checksum in the header, one announced as a
         * trailer, or a chunked body, which may end with a trailer nobody announced. Such a chunk is committed only
         * at its end, never in part, so that no byte of it is acknowledged before it is verified.
         */
        boolean verifiedWhole() {
            return checksum != null || checksumTrailer || bodyLength < 0;
        }
    }

    /**
     * Prepares an append: takes over an earlier writer, checks the rules, opens the data at the offset. The
     * returned appender receives the body on the request's own thread.
     */
    public CompletableFuture<Appender> append(Append a) {
        Session s;
        try {
            s = session(a.id());
        } catch (UploadException e) {
            return CompletableFuture.failedFuture(e);
        }
        s.appends.incrementAndGet();
        return append(s, a).whenComplete((appender, e) -> {
            if (e != null) {
                s.appends.decrementAndGet();
            }
        });
    }

    /**
     * Whether a request is appending to the upload: being prepared, or writing its body until its last commit is
     * done. Once it is not, everything the requests so far sent is accounted for (tests wait on it).
     */
    public boolean appending(String id) {
        Session s = sessions.get(id);
        return s != null && s.appends.get() > 0;
    }

    private CompletableFuture<Appender> append(Session s, Append a) {
        return locks.takeOver(a.id(), "a newer request for the same upload")
                .thenComposeAsync(v -> afterFinishing(s), commits)
                .thenComposeAsync(v -> {
                    if (locks.writer(a.id()) != null && !s.gone) {
                        // Another append, prepared here since this one's takeover, is the writer now: take it over
                        // too. Seeing no writer and becoming it happen in one task of this thread, so only one can.
                        return append(s, a);
                    }
                    return prepare(s, a);
                }, commits);
    }

    /** Checks the rules and opens the data; on the commit thread, with no other writer. */
    private CompletableFuture<Appender> prepare(Session s, Append a) {
        Upload u = current(s);
        UploadRules.access(u, a.requester(), Instant.now());
        long length = UploadRules.append(u, a.offset(), a.declaredLength(), a.bodyLength(), settings.maxSize(),
                a.completed());
        if (u.isPartial() && !u.lengthKnown() && length >= 0) {
            completion.holdWaitingFinals(u.id(), length);
        }
        if (length != u.length()) {
            Upload declared = u.withLength(length);
            record(declared, u.offset(), -1);
            synchronized (s) {
                s.upload = declared;
            }
            u = declared;
        }
        if (length >= 0 && length > u.offset()) {
            checkSpace(length - u.offset());
        }
        if (writing.incrementAndGet() > settings.maxConcurrent()) {
            writing.decrementAndGet();
            throw new UploadException(UploadException.Reason.BUSY, "the server is taking " + settings.maxConcurrent()
                    + " uploads at once; try again in a moment");
        }
        // A complete upload passes the rules only with nothing to write, and its data has been published into the
        // served root: its appender has no data (any byte would run past the length and be refused).
        boolean nothingToWrite = u.state() == Upload.State.COMPLETE;
        long epoch = -1;
        UploadData.Sink sink;
        try {
            if (!nothingToWrite) {
                UploadStore.Lease lease = store.acquire(u.id(), node, Instant.now(), leaseTtl()).orElseThrow(
                        () -> new UploadException(UploadException.Reason.BUSY, "another server is writing to this"
                                + " upload; try again in a moment"));
                epoch = lease.epoch();
            }
            sink = nothingToWrite ? NOTHING : data.append(a.id(), u.offset());
        } catch (IOException | RuntimeException e) {
            writing.decrementAndGet();
            if (epoch >= 0) {
                store.release(u.id(), node, epoch);
            }
            if (e instanceof UploadException ue) {
                throw ue;
            }
            throw new UploadException(UploadException.Reason.INTERNAL, "the upload's data cannot be opened: "
                    + e.getMessage());
        }
        Appender appender = new Appender(this, s, a, sink, epoch);
        if (!locks.claim(a.id(), appender)) {
            // Not in this process (the check and the claim share one task of this thread): another one's writer.
            sink.close();
            writing.decrementAndGet();
            if (epoch >= 0) {
                store.release(u.id(), node, epoch);
            }
            throw new UploadException(UploadException.Reason.BUSY, "another request is writing to this upload;"
                    + " try again in a moment");
        }
        if (nothingToWrite) {
            return CompletableFuture.completedFuture(appender);
        }
        // The running digest starts where this append does; what an earlier process received is hashed first.
        return catchUpDigest(s).handle((v, e) -> {
            appender.resumeDigest(); // without a caught-up digest, the finished upload is hashed once at its end
            return appender;
        });
    }

    /** How long a writer's lease lasts past its last commit: longer than any silence a body may have. */
    private Duration leaseTtl() {
        Duration body = settings.bodyTimeout().isZero() ? Duration.ofMinutes(10) : settings.bodyTimeout();
        return body.plus(settings.stallTakeover()).plusSeconds(30);
    }

    /** A sink for an append that has nothing to write. */
    private static final UploadData.Sink NOTHING = new UploadData.Sink() {
        @Override
        public CompletableFuture<Void> write(java.nio.ByteBuffer bytes) {
            return CompletableFuture.failedFuture(new IOException("nothing is to be written"));
        }

        @Override
        public long commit() throws IOException {
            throw new IOException("nothing is written");
        }

        @Override
        public void close() {
        }
    };

    /** After a writer's last commit: finishes the upload when every byte is there. On the commit thread. */
    CompletableFuture<Upload> finishIfFull(Session s) {
        return completion.finishIfFull(s);
    }

    // ---- the commit protocol (on the commit thread) ----

    /** Makes what a flush covers durable without recording an offset. */
    void sync(String id, UploadData.Sink sink) {
        try {
            sink.commit();
        } catch (IOException e) {
            log.warn("fsync of upload {} failed: {}", id, e.getMessage());
        }
    }

    /**
     * Commits an appender's bytes up to {@code offset}: durable in the data, then recorded (compare-and-set on the
     * offset the session has, under the appender's lease). False when nothing was recorded.
     */
    boolean commit(Session s, Appender a, UploadData.Sink sink, long offset, MessageDigest digestSoFar) {
        long durable;
        try {
            durable = sink.commit();
        } catch (IOException e) {
            log.warn("fsync of upload {} failed: {}", s.id, e.getMessage());
            return false;
        }
        // More may have arrived since this commit was scheduled, and be durable too: what the appender counted up
        // to then (and hashed) is what is recorded.
        if (durable < offset) {
            log.warn("upload {}: the data says {} bytes are durable, not {}", s.id, durable, offset);
            return false;
        }
        Upload before;
        synchronized (s) {
            if (s.gone) {
                return false;
            }
            before = s.upload;
        }
        Upload u = before.withOffset(offset);
        Upload renewed = new Upload(u.id(), u.length(), u.offset(), u.metadata(), u.concat(), u.owner(),
                u.created(), expiry(Instant.now()), u.state(), u.path(), u.sha256());
        try {
            if (!store.update(renewed, before.offset(), a.epoch())) {
                log.warn("upload {}: offset {} not recorded: its record changed meanwhile, or another writer took"
                        + " its lease", s.id, offset);
                return false;
            }
        } catch (RuntimeException e) {
            log.warn("recording upload {} failed: {}", s.id, e.getMessage());
            return false;
        }
        synchronized (s) {
            s.upload = renewed;
            if (digestSoFar != null) {
                s.sha256 = digestSoFar;
                s.hashed = offset;
            } else if (s.hashed != offset) {
                s.sha256 = null; // will be caught up from the data when needed
            }
        }
        return true;
    }

    /** An appender let go: the upload has no writer, and its lease is free. */
    void released(Session s, Appender a) {
        locks.release(s.id, a);
        writing.decrementAndGet();
        s.appends.decrementAndGet();
        if (a.epoch() >= 0) {
            commits.execute(() -> {
                try {
                    store.release(s.id, node, a.epoch());
                } catch (RuntimeException e) {
                    log.debug("cannot release the lease of upload {}: {}", s.id, e.getMessage());
                }
            });
        }
    }

    void discardAfter(String id, long offset) {
        try {
            data.discardAfter(id, offset);
        } catch (IOException e) {
            log.debug("cannot discard the tail of upload {}: {}", id, e.getMessage());
        }
    }

    /** Records a change that no writer makes (a declared length, completion, expiry): it must not conflict. */
    void record(Upload u, long expectedOffset, long epoch) {
        if (!store.update(u, expectedOffset, epoch)) {
            throw new UploadException(UploadException.Reason.INTERNAL, "upload " + u.id() + " changed meanwhile");
        }
    }

    // ---- hashing (on the hashing thread, over committed bytes only) ----

    /** The digest of {@code [from, to)} of an upload's data; null when it cannot be read. */
    byte[] hashRange(String id, long from, long to, DigestAlgorithm algorithm) {
        MessageDigest d = algorithm.newDigest();
        try {
            data.read(id, from, to, d::update);
            return d.digest();
        } catch (IOException e) {
            log.debug("cannot read back upload {}: {}", id, e.getMessage());
            return null;
        }
    }

    /** Hashes what an earlier process received, so that the running digest starts where the next append does. */
    private CompletableFuture<Void> catchUpDigest(Session s) {
        long offset;
        synchronized (s) {
            if (s.sha256 != null && s.hashed == s.upload.offset()) {
                return CompletableFuture.completedFuture(null);
            }
            offset = s.upload.offset();
        }
        return CompletableFuture.runAsync(() -> {
            MessageDigest d = DigestAlgorithm.SHA_256.newDigest();
            try {
                data.read(s.id, 0, offset, d::update);
            } catch (IOException e) {
                return;
            }
            synchronized (s) {
                if (s.upload.offset() == offset) {
                    s.sha256 = d;
                    s.hashed = offset;
                }
            }
        }, hashing);
    }

    Session sessionOf(Upload u) {
        Session s = sessions.computeIfAbsent(u.id(), id -> new Session(u));
        s.usedNanos = System.nanoTime();
        return s;
    }

    // ---- termination and expiry ----

    /** Deletes an upload and its data (tus termination, IETF cancellation). */
    public CompletableFuture<Void> terminate(String id, String requester) {
        Session s;
        try {
            s = session(id);
        } catch (UploadException e) {
            return CompletableFuture.failedFuture(e);
        }
        return locks.takeOver(id, "the upload was deleted")
                .thenComposeAsync(v -> afterFinishing(s), commits)
                .thenComposeAsync(v -> {
                    Upload u = current(s);
                    UploadRules.access(u, requester, Instant.now());
                    synchronized (s) {
                        s.gone = true;
                    }
                    // An append that passed its own takeover before this one began may have become the writer since
                    // (its preparation runs on this thread too, and none can now): end it too, so that it does not
                    // record an offset after the record is deleted, nor answer 204 for an upload that no longer
                    // exists.
                    return locks.takeOver(id, "the upload was deleted");
                }, commits).thenRunAsync(() -> {
                    store.delete(id);
                    sessions.remove(id, s);
                    try {
                        data.delete(id);
                    } catch (IOException e) {
                        log.warn("cannot remove the data of upload {}: {}", id, e.getMessage());
                    }
                }, commits);
    }

    /**
     * Removes the data of unfinished uploads past their expiry, claimed in batches (an upload whose writer holds
     * its lease is not claimed); their records stay a week to answer 410. Forgets sessions long unused.
     */
    void sweep() {
        try {
            commits.submit(() -> {
                Instant now = Instant.now();
                for (UploadStore.Lease lease : store.claimExpired(now, 1000, node, leaseTtl())) {
                    String id = lease.id();
                    if (locks.writer(id) != null) {
                        store.release(id, node, lease.epoch());
                        continue; // being written to right now: not abandoned
                    }
                    Optional<Upload> found = store.find(id);
                    if (found.isEmpty()) {
                        continue;
                    }
                    try {
                        data.delete(id);
                    } catch (IOException e) {
                        log.warn("cannot remove expired upload {}: {}", id, e.getMessage());
                        store.release(id, node, lease.epoch());
                        continue;
                    }
                    Upload expired = found.get().expired();
                    if (!store.update(expired, found.get().offset(), lease.epoch())) {
                        continue;
                    }
                    store.release(id, node, lease.epoch());
                    Session s = sessions.get(id);
                    if (s != null) {
                        synchronized (s) {
                            s.upload = expired;
                        }
                    }
                    metrics.uploadExpired();
                }
                store.purgeExpired(now.minus(Duration.ofDays(7)));
                removeUnrecorded();
                long idle = System.nanoTime() - IDLE_SESSION_NANOS;
                sessions.values().removeIf(s -> s.usedNanos - idle < 0 && locks.writer(s.id) == null
                        && s.finishing == null);
            }).get();
        } catch (Exception e) {
            log.warn("sweeping expired uploads failed: {}", e.toString());
        }
    }

    /**
     * Removes data that no record names: a kill between creating an upload's data and recording the upload, or
     * between deleting a record and its data, leaves some that nothing else would ever remove. Creation and
     * termination run on this thread, as this does, so none is half way through here.
     */
    private void removeUnrecorded() {
        try {
            for (String id : data.ids()) {
                if (looksLikeId(id) && !sessions.containsKey(id) && store.find(id).isEmpty()) {
                    log.info("removing the data of {}, which no upload record names", id);
                    data.delete(id);
                }
            }
        } catch (IOException e) {
            log.debug("cannot list the upload data: {}", e.getMessage());
        }
    }

    /** Runs the sweeper now (tests). */
    public void sweepNow() {
        sweep();
    }

    private Instant expiry(Instant now) {
        return settings.expiry().isZero() ? null : now.plus(settings.expiry());
    }

    private void checkSpace(long bytes) {
        long usable = data.room();
        if (bytes > usable) {
            throw new UploadException(UploadException.Reason.NO_SPACE, "the server has " + usable
                    + " bytes free, not the " + bytes + " this upload needs");
        }
    }

    /** Whether a path segment could be an upload id (before asking the store). */
    public static boolean looksLikeId(String s) {
        return UploadIds.looksLikeId(s);
    }

    /** The id named by an upload URL or path, e.g. {@code /uploads/ID} or {@code https://h/uploads/ID}. */
    public String idFromUrl(String url) {
        return UploadIds.fromUrl(url);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        hashing.shutdown();
        commits.shutdown();
        try {
            hashing.awaitTermination(10, TimeUnit.SECONDS);
            commits.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
