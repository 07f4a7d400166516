package dev.carryon.server.upload;

import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.core.upload.StoredName;
import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.core.upload.UploadMetadata;
import dev.carryon.core.upload.UploadRules;
import dev.carryon.server.digest.DigestService;
import dev.carryon.server.files.OpenFile;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.UploadStore;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upload engine under both protocols (tus and the IETF draft): records in an {@link UploadStore}, bytes in a
 * data file per upload, and the rules of {@link UploadRules}.
 *
 * <p>Durability: bytes are written to the data file as they arrive (on the I/O thread of the request); an
 * offset is committed only after the data file is fsync'd and the offset recorded, on this service's own thread,
 * and only committed offsets are ever told to a client. A crash loses nothing that was acknowledged; bytes written
 * past the committed offset are overwritten by the next append.
 *
 * <p>One writer per upload: a second request for an upload whose writer is silent (or any PATCH at all) takes
 * over, ending the earlier request and keeping its bytes, so a client that lost its connection is never locked out.
 */
public final class UploadService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final long COMMIT_BYTES = 16L << 20;
    private static final long COMMIT_NANOS = 1_000_000_000L;
    /** How much of a chunk verified whole may wait for its fsync: a smaller step, since no offset rides on it. */
    private static final long FLUSH_BYTES = 4L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UploadStore store;
    private final UploadSettings settings;
    private final Path root;
    private final DigestService digests;
    private final ServerMetrics metrics;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "carryon-upload-io");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "carryon-upload-sweeper");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger writing = new AtomicInteger();

    /** What is kept in memory for an upload: its committed record, its writer, and its running digest. */
    private static final class Session {
        Upload upload;
        Appender writer;
        /**
         * Deleted (terminated). A request that looked the session up before the deletion continues on the service's
         * thread after it, holding this object: it must answer 404 as if it had come later, not update a record or
         * open a file that are gone (which answered 500).
         */
        boolean gone;
        MessageDigest sha256;
        long hashed;

        Session(Upload upload) {
            this.upload = upload;
        }
    }

    public UploadService(UploadStore store, UploadSettings settings, Path root, DigestService digests,
                         ServerMetrics metrics) {
        this.store = store;
        this.settings = settings;
        this.root = root;
        this.digests = digests;
        this.metrics = metrics;
        // Once a minute, or more often when uploads expire sooner, so that an expired upload's disk comes back
        // within about a quarter of its lifetime.
        long every = settings.expiry().isZero() ? 60_000
                : Math.max(100, Math.min(60_000, settings.expiry().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, Math.min(1000, every), every, TimeUnit.MILLISECONDS);
    }

    public UploadSettings settings() {
        return settings;
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
            if (c.concat().kind() == TusFields.Concat.Kind.FINAL) {
                UploadRules.finalParts(c.parts());
                List<Long> lengths = new ArrayList<>();
                for (String partId : c.parts()) {
                    Upload part = load(partId).orElseThrow(() -> new UploadException(UploadException.Reason.CONCAT_INVALID,
                            "Upload-Concat names " + partId + ", which is not an upload here"));
                    UploadRules.access(part, c.owner(), now);
                    if (!part.isPartial()) {
                        throw new UploadException(UploadException.Reason.CONCAT_INVALID, "Upload-Concat names " + partId
                                + ", which is not a partial upload");
                    }
                    lengths.add(part.length());
                }
                length = UploadRules.finalLength(lengths, settings.maxSize());
            } else {
                UploadRules.creation(length, c.deferred(), settings.maxSize());
            }
            if (length > 0) {
                checkSpace(length);
            }
            String id = newId();
            Upload u = new Upload(id, length, 0, c.metadata(), c.concat().kind() == TusFields.Concat.Kind.FINAL
                    ? new TusFields.Concat(TusFields.Concat.Kind.FINAL, c.parts()) : c.concat(), c.owner(), now,
                    expiry(now), Upload.State.ACTIVE, null, null);
            try {
                Files.deleteIfExists(store.data(id));
                Files.createFile(store.data(id));
            } catch (IOException e) {
                throw new UploadException(UploadException.Reason.NO_SPACE, "cannot create the upload's file: " + e.getMessage());
            }
            store.create(u);
            Session s = new Session(u);
            sessions.put(id, s);
            metrics.uploadCreated();
            if (u.isFinal()) {
                assembleIfReady(s);
            } else if (u.length() == 0) {
                finish(s);
            }
            return current(id);
        }, io);
    }

    // ---- lookup ----

    /** The upload as a client may see it: access checked, a stalled writer taken over first. */
    public CompletableFuture<Upload> head(String id, String requester) {
        Session s = session(id);
        return takeOverIfStalled(s).thenApplyAsync(v -> {
            Upload u = current(id);
            UploadRules.access(u, requester, Instant.now());
            return u;
        }, io);
    }

    /** The committed record, from memory or the store; empty if there is none. */
    private Optional<Upload> load(String id) {
        Session s = sessions.get(id);
        if (s != null) {
            synchronized (s) {
                return Optional.of(s.upload);
            }
        }
        Optional<Upload> stored = store.find(id);
        stored.ifPresent(u -> sessions.putIfAbsent(id, new Session(u)));
        return stored;
    }

    private Upload current(String id) {
        Session s = session(id);
        synchronized (s) {
            return s.upload;
        }
    }

    /** The session's upload; 404 when it was deleted since the session was looked up. */
    private static Upload live(Session s) {
        synchronized (s) {
            if (s.gone) {
                throw new UploadException(UploadException.Reason.NOT_FOUND, "no such upload");
            }
            return s.upload;
        }
    }

    private Session session(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            Upload u = store.find(id).orElseThrow(() -> new UploadException(UploadException.Reason.NOT_FOUND, "no such upload"));
            sessions.putIfAbsent(id, new Session(u));
            s = sessions.get(id);
        }
        return s;
    }

    // ---- appending ----

    /**
     * What an append request asks for. {@code bodyLength} is -1 when the body is chunked; {@code checksumTrailer}
     * when the request announced ({@code Trailer: Upload-Checksum}) that its checksum follows the body;
     * {@code completed} how the request's protocol meets an append to an upload that is already complete.
     */
    public record Append(String id, String requester, long offset, OptionalLong declaredLength, long bodyLength,
                         TusFields.Checksum checksum, boolean checksumTrailer, Channel channel,
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
     * Prepares an append: takes over an earlier writer, checks the rules, opens the data file at the offset. The
     * returned appender receives the body on the request's event loop.
     */
    public CompletableFuture<Appender> append(Append a) {
        Session s;
        try {
            s = session(a.id());
        } catch (UploadException e) {
            return CompletableFuture.failedFuture(e);
        }
        return takeOver(s, "a newer request for the same upload").thenComposeAsync(v -> {
            synchronized (s) {
                if (s.writer != null && !s.gone) {
                    // Another append, prepared here since this one's takeover, is the writer now: take it over too.
                    // Seeing no writer and becoming it happen in one task of this thread, so only one append can.
                    return append(a);
                }
            }
            return CompletableFuture.completedFuture(prepare(s, a));
        }, io);
    }

    /** Checks the rules and opens the data file; on the service's thread, with no other writer. */
    private Appender prepare(Session s, Append a) {
        Upload u = live(s);
        UploadRules.access(u, a.requester(), Instant.now());
        long length = UploadRules.append(u, a.offset(), a.declaredLength(), a.bodyLength(), settings.maxSize(),
                a.completed());
        if (u.isPartial() && !u.lengthKnown() && length >= 0) {
            holdWaitingFinals(u.id(), length);
        }
        if (length != u.length()) {
            u = u.withLength(length);
            store.update(u);
            synchronized (s) {
                s.upload = u;
            }
        }
        if (length >= 0 && length > u.offset()) {
            checkSpace(length - u.offset());
        }
        if (writing.incrementAndGet() > settings.maxConcurrent()) {
            writing.decrementAndGet();
            throw new UploadException(UploadException.Reason.BUSY, "the server is taking " + settings.maxConcurrent()
                    + " uploads at once; try again in a moment");
        }
        // A complete upload passes the rules only with nothing to write, and its data file has been moved into
        // the served root: its appender has no file (any byte would run past the length and be refused).
        boolean nothingToWrite = u.state() == Upload.State.COMPLETE;
        if (!nothingToWrite) {
            catchUpDigest(s);
        }
        try {
            FileChannel data = nothingToWrite ? null : FileChannel.open(store.data(a.id()),
                    StandardOpenOption.WRITE, StandardOpenOption.READ);
            Appender appender = new Appender(this, s, a, data);
            synchronized (s) {
                s.writer = appender;
            }
            return appender;
        } catch (IOException e) {
            writing.decrementAndGet();
            throw new UploadException(UploadException.Reason.INTERNAL, "the upload's data cannot be opened: " + e.getMessage());
        }
    }

    /**
     * A writer of one request body into one upload. Its methods run on the request's event loop; commits run on
     * the service's thread and never block the event loop.
     */
    public static final class Appender {
        private final UploadService service;
        private final Session session;
        private final Append request;
        private final FileChannel data;
        private final long start;
        private final MessageDigest chunkChecksum;
        private final MessageDigest tentative;
        private long written;
        private volatile long committedWritten;
        private long scheduledWritten;
        private long lastCommitNanos = System.nanoTime();
        private volatile long lastByteNanos = System.nanoTime();
        private boolean ended;
        private CompletableFuture<Void> commitInFlight = CompletableFuture.completedFuture(null);
        private final CompletableFuture<Void> stopped = new CompletableFuture<>();

        Appender(UploadService service, Session session, Append request, FileChannel data) {
            this.service = service;
            this.session = session;
            this.request = request;
            this.data = data;
            synchronized (session) {
                this.start = session.upload.offset();
            }
            // A trailer names its algorithm only at the end; sha-256, the one clients choose first, is hashed on the
            // way in on speculation, so that the chunk need not be read back when it is the one.
            this.chunkChecksum = request.checksum() != null ? request.checksum().algorithm().newDigest()
                    : request.checksumTrailer() ? DigestAlgorithm.SHA_256.newDigest() : null;
            MessageDigest running;
            synchronized (session) {
                running = session.sha256 != null && session.hashed == start ? clone(session.sha256) : null;
            }
            this.tentative = running;
        }

        /** Writes a piece of the body at its place; false when the body must stop (over length, disk full). */
        public boolean write(ByteBuf content) {
            if (ended) {
                return false;
            }
            int n = content.readableBytes();
            long length;
            synchronized (session) {
                length = session.upload.length();
            }
            if (length >= 0 && start + written + n > length) {
                fail(new UploadException(UploadException.Reason.PAST_LENGTH, "the body runs past the upload's length of " + length));
                return false;
            }
            if (service.settings.maxSize() > 0 && start + written + n > service.settings.maxSize()) {
                fail(new UploadException(UploadException.Reason.TOO_LARGE, "the upload would exceed the server's maximum of "
                        + service.settings.maxSize() + " bytes"));
                return false;
            }
            ByteBuffer nio = content.nioBuffer();
            try {
                long at = start + written;
                while (nio.hasRemaining()) {
                    at += data.write(nio, at);
                }
            } catch (IOException e) {
                fail(new UploadException(UploadException.Reason.NO_SPACE, "the server's disk is full; " + (start + committedWritten)
                        + " bytes are kept: resume later"));
                return false;
            }
            ByteBuffer seen = content.nioBuffer();
            if (chunkChecksum != null) {
                chunkChecksum.update(seen.duplicate());
            }
            if (tentative != null) {
                tentative.update(seen);
            }
            written += n;
            lastByteNanos = System.nanoTime();
            service.metrics.uploadBytes(n);
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
            return true;
        }

        /**
         * The body ended. Verifies the chunk's checksum (a mismatch discards the chunk: 460), commits, and
         * completes the upload when every byte is there. The future gives the upload to answer with.
         */
        public CompletableFuture<Upload> end(TusFields.Checksum trailerChecksum) {
            if (ended) {
                return CompletableFuture.failedFuture(failure != null ? failure
                        : new UploadException(UploadException.Reason.SUPERSEDED, "this request was ended by a newer one"));
            }
            TusFields.Checksum expected = request.checksum() != null ? request.checksum() : trailerChecksum;
            if (expected == null && request.checksumTrailer()) {
                written = 0;
                ended = true;
                release();
                return CompletableFuture.failedFuture(new UploadException(UploadException.Reason.CHECKSUM_TRAILER_MISSING, "the body ended without the"
                        + " Upload-Checksum trailer it announced; the chunk was discarded, the offset is unchanged"));
            }
            if (expected != null) {
                // A trailer names its algorithm only at the end: the chunk is read back from the data file then.
                byte[] actual = chunkChecksum != null && chunkChecksum.getAlgorithm().equals(
                        expected.algorithm().newDigest().getAlgorithm()) ? chunkChecksum.digest()
                        : hashChunk(expected.algorithm());
                if (actual == null || !MessageDigest.isEqual(actual, expected.value())) {
                    written = 0;
                    ended = true;
                    service.metrics.uploadChecksumFailed();
                    release();
                    return CompletableFuture.failedFuture(new UploadException(UploadException.Reason.CHECKSUM_MISMATCH,
                            "the chunk's " + TusFields.tusName(expected.algorithm()) + " checksum does not match; it was"
                                    + " discarded, the offset is unchanged"));
                }
            }
            ended = true;
            return commit(true).thenComposeAsync(v -> {
                release();
                Upload u;
                synchronized (session) {
                    u = session.upload;
                }
                if (u.full() && u.state() == Upload.State.ACTIVE) {
                    service.finish(session);
                }
                synchronized (session) {
                    return CompletableFuture.completedFuture(session.upload);
                }
            }, service.io);
        }

        /**
         * The request ended early (the connection broke, a newer request took over, the body stalled). Without
         * a checksum what arrived is kept; with one, in the header or announced as a trailer that now will not
         * come, the chunk cannot be verified and is discarded.
         */
        public CompletableFuture<Void> abort(String why) {
            if (ended) {
                return stopped;
            }
            ended = true;
            if (request.checksum() != null || request.checksumTrailer()) {
                written = 0;
                release();
                return stopped;
            }
            commit(true).whenComplete((v, e) -> release());
            return stopped;
        }

        private UploadException failure;

        private byte[] hashChunk(DigestAlgorithm algorithm) {
            MessageDigest d = algorithm.newDigest();
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
            long at = start;
            try {
                while (at < start + written) {
                    buf.clear().limit((int) Math.min(buf.capacity(), start + written - at));
                    int n = data.read(buf, at);
                    if (n < 0) {
                        return null;
                    }
                    buf.flip();
                    d.update(buf);
                    at += n;
                }
            } catch (IOException e) {
                return null;
            }
            return d.digest();
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

        public long lastByteNanos() {
            return lastByteNanos;
        }

        /** The longest silence allowed within the body (zero: no limit). */
        public java.time.Duration bodyTimeout() {
            return service.settings.bodyTimeout();
        }

        public Channel channel() {
            return request.channel();
        }

        /** fsync, then record the offset, on the service's thread; commits never overlap. */
        /**
         * Writes what arrived of a chunk that is verified whole to the disk ahead of its verdict, without recording
         * an offset: the final commit then has only the chunk's tail left to fsync.
         */
        private void flush() {
            scheduledWritten = written;
            lastCommitNanos = System.nanoTime();
            commitInFlight = commitInFlight.thenRunAsync(() -> {
                try {
                    data.force(false);
                } catch (IOException e) {
                    log.warn("fsync of upload {} failed: {}", request.id(), e.getMessage());
                }
            }, service.io);
        }

        private CompletableFuture<Void> commit(boolean last) {
            long upTo = written;
            scheduledWritten = upTo;
            MessageDigest digestSoFar = last && tentative != null ? clone(tentative) : null;
            lastCommitNanos = System.nanoTime();
            commitInFlight = commitInFlight.thenRunAsync(() -> {
                if (upTo == committedWritten) {
                    return;
                }
                try {
                    data.force(false);
                } catch (IOException e) {
                    log.warn("fsync of upload {} failed: {}", request.id(), e.getMessage());
                    return;
                }
                Upload u;
                synchronized (session) {
                    u = session.upload.withOffset(start + upTo);
                }
                Upload renewed = new Upload(u.id(), u.length(), u.offset(), u.metadata(), u.concat(), u.owner(),
                        u.created(), service.expiry(Instant.now()), u.state(), u.path(), u.sha256());
                service.store.update(renewed);
                synchronized (session) {
                    session.upload = renewed;
                    if (digestSoFar != null) {
                        session.sha256 = digestSoFar;
                        session.hashed = start + upTo;
                    } else if (session.hashed != start + upTo) {
                        session.sha256 = null; // will be caught up from the file when needed
                    }
                }
                committedWritten = upTo;
            }, service.io).exceptionally(e -> {
                log.warn("recording upload {} failed: {}", request.id(), e.getMessage());
                return null;
            });
            return commitInFlight;
        }

        private void release() {
            synchronized (session) {
                if (session.writer == this) {
                    session.writer = null;
                }
            }
            try {
                if (data != null) {
                    data.close();
                }
            } catch (IOException ignored) {
                // the committed offset is what counts
            }
            service.writing.decrementAndGet();
            stopped.complete(null);
        }

        private static MessageDigest clone(MessageDigest d) {
            try {
                return (MessageDigest) d.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Ends whatever request is writing to the upload, keeping its bytes. */
    private CompletableFuture<Void> takeOver(Session s, String why) {
        Appender w;
        synchronized (s) {
            w = s.writer;
        }
        if (w == null) {
            return CompletableFuture.completedFuture(null);
        }
        metrics.uploadTakeover();
        CompletableFuture<Void> done = new CompletableFuture<>();
        w.channel().eventLoop().execute(() -> {
            w.abort(why).whenComplete((v, e) -> done.complete(null));
            w.channel().close();
        });
        return done;
    }

    private CompletableFuture<Void> takeOverIfStalled(Session s) {
        Appender w;
        synchronized (s) {
            w = s.writer;
        }
        // A writer whose connection is gone is still committing what arrived: wait for it, so that the answer
        // counts those bytes (else the client resends them, or meets a 409).
        if (w == null || w.channel().isActive()
                && System.nanoTime() - w.lastByteNanos() < settings.stallTakeover().toNanos()) {
            return CompletableFuture.completedFuture(null);
        }
        return takeOver(s, w.channel().isActive() ? "it stalled" : "its connection is gone");
    }

    /** Hashes what an earlier process received, so that the running digest starts where the next append does. */
    private void catchUpDigest(Session s) {
        long offset;
        synchronized (s) {
            if (s.sha256 != null && s.hashed == s.upload.offset()) {
                return;
            }
            offset = s.upload.offset();
        }
        MessageDigest d = DigestAlgorithm.SHA_256.newDigest();
        if (!hashFile(store.data(s.upload.id()), offset, d)) {
            return;
        }
        synchronized (s) {
            s.sha256 = d;
            s.hashed = offset;
        }
    }

    private static boolean hashFile(Path file, long length, MessageDigest d) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long at = 0;
            while (at < length) {
                buf.clear().limit((int) Math.min(buf.capacity(), length - at));
                int n = ch.read(buf, at);
                if (n < 0) {
                    return false;
                }
                buf.flip();
                d.update(buf);
                at += n;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- completion ----

    /** Every byte is there: a partial stays for its final; anything else is moved into the served root. */
    private void finish(Session s) {
        Upload u;
        MessageDigest running;
        synchronized (s) {
            u = s.upload;
            running = s.sha256 != null && s.hashed == u.length() ? s.sha256 : null;
        }
        if (u.isPartial()) {
            Upload done = u.completed(null, null);
            store.update(done);
            synchronized (s) {
                s.upload = done;
            }
            metrics.uploadCompleted();
            finalsWaitingFor(u.id()).forEach(this::assembleIfReady);
            return;
        }
        Path data = store.data(u.id());
        byte[] sha256;
        if (running != null) {
            sha256 = running.digest();
        } else {
            MessageDigest d = DigestAlgorithm.SHA_256.newDigest();
            hashFile(data, u.length(), d);
            sha256 = d.digest();
        }
        Path target;
        try {
            target = place(data, u);
        } catch (IOException e) {
            throw new UploadException(UploadException.Reason.NO_SPACE, "the completed upload cannot be moved into place: " + e.getMessage());
        }
        try {
            OpenFile.FileVersion version = OpenFile.FileVersion.read(target);
            if (digests != null) {
                digests.record(target.toRealPath(), version, sha256, null, true);
            }
        } catch (IOException e) {
            log.warn("cannot record the digest of {}: {}", target, e.getMessage());
        }
        Upload done = u.completed(root.relativize(target).toString(), sha256);
        store.update(done);
        synchronized (s) {
            s.upload = done;
            s.sha256 = null;
        }
        metrics.uploadCompleted();
    }

    /**
     * Moves the data into the served root under the upload's name without ever replacing a file (unless asked):
     * a hard link fails if the name exists, and only then is the data file unlinked.
     */
    private Path place(Path data, Upload u) throws IOException {
        String suggested = u.metadata().text("filename").or(() -> u.metadata().text("name")).orElse(null);
        for (int attempt = 0; attempt < 5; attempt++) {
            String name = StoredName.choose(suggested, u.id(), settings.overwrite(),
                    n -> Files.exists(root.resolve(n)));
            Path target = root.resolve(name);
            if (settings.overwrite()) {
                moveReplacing(data, target);
                return target;
            }
            try {
                Files.createLink(target, data);
                Files.delete(data);
                syncDirectory(root);
                return target;
            } catch (FileAlreadyExistsException e) {
                continue; // another file took the name meanwhile: choose again
            } catch (UnsupportedOperationException | IOException e) {
                // Another file system (no hard link across): copy beside the target, then rename it in.
                Path tmp = root.resolve("." + u.id() + ".tmp");
                Files.copy(data, tmp, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
                try {
                    Files.createLink(target, tmp);
                    Files.delete(tmp);
                } catch (FileAlreadyExistsException exists) {
                    Files.delete(tmp);
                    continue;
                }
                Files.delete(data);
                syncDirectory(root);
                return target;
            }
        }
        throw new IOException("no free name for " + suggested);
    }

    private void moveReplacing(Path data, Path target) throws IOException {
        try {
            Files.move(data, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(data, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(root);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system can fsync a directory
        }
    }

    // ---- concatenation ----

    private List<Session> finalsWaitingFor(String partId) {
        List<Session> out = new ArrayList<>();
        for (Session s : sessions.values()) {
            synchronized (s) {
                if (s.upload.isFinal() && s.upload.state() == Upload.State.ACTIVE
                        && s.upload.concat().parts().contains(partId)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * A partial whose length was deferred declares it: the finals already waiting for it were held to the maximum
     * only by the lengths known then, so they are held to it again with this one (413 to the declaring PATCH).
     */
    private void holdWaitingFinals(String partId, long declared) {
        for (Session f : finalsWaitingFor(partId)) {
            Upload fin;
            synchronized (f) {
                fin = f.upload;
            }
            List<Long> lengths = new ArrayList<>();
            for (String id : fin.concat().parts()) {
                lengths.add(id.equals(partId) ? declared : load(id).map(Upload::length).orElse(-1L));
            }
            try {
                UploadRules.finalLength(lengths, settings.maxSize());
            } catch (UploadException e) {
                throw new UploadException(e.reason(), "a length of " + declared + " bytes for this partial upload"
                        + " is refused: it is part of the final upload " + fin.id() + ", and " + e.getMessage());
            }
        }
    }

    /** Assembles a final upload once all its parts are complete, copying in the kernel (never through the heap). */
    private void assembleIfReady(Session f) {
        Upload fin;
        synchronized (f) {
            fin = f.upload;
        }
        List<Upload> parts = new ArrayList<>();
        long length = 0;
        for (String id : fin.concat().parts()) {
            Optional<Upload> p = load(id);
            if (p.isEmpty() || p.get().state() != Upload.State.COMPLETE) {
                return; // concatenation-unfinished: assembled when the last part completes
            }
            parts.add(p.get());
            length += p.get().length();
        }
        if (settings.maxSize() > 0 && length > settings.maxSize()) {
            // Only a final recorded before finals were held to the maximum gets here: it is never published.
            log.warn("final upload {} is not assembled: its {} bytes exceed the maximum of {}", fin.id(), length,
                    settings.maxSize());
            return;
        }
        Path target = store.data(fin.id());
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long at = 0;
            for (Upload p : parts) {
                try (FileChannel in = FileChannel.open(store.data(p.id()), StandardOpenOption.READ)) {
                    long done = 0;
                    while (done < p.length()) {
                        done += in.transferTo(done, p.length() - done, out);
                    }
                    at += done;
                }
            }
            out.force(true);
            if (at != length) {
                throw new IOException("assembled " + at + " of " + length + " bytes");
            }
        } catch (IOException e) {
            log.warn("cannot assemble final upload {}: {}", fin.id(), e.getMessage());
            return;
        }
        Upload assembled = fin.withLength(length).withOffset(length);
        store.update(assembled);
        synchronized (f) {
            f.upload = assembled;
            f.sha256 = null;
        }
        finish(f);
        for (Upload p : parts) {
            try {
                Files.deleteIfExists(store.data(p.id()));
            } catch (IOException e) {
                log.debug("cannot remove part {}: {}", p.id(), e.getMessage());
            }
        }
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
        return takeOver(s, "the upload was deleted").thenComposeAsync(v -> {
            Upload u = live(s);
            UploadRules.access(u, requester, Instant.now());
            synchronized (s) {
                s.gone = true;
            }
            // An append that passed its own takeover before this one began may have become the writer since (its
            // preparation runs on this thread too, and none can now): end it too, so that it does not record an
            // offset after the record is deleted, nor answer 204 for an upload that no longer exists.
            return takeOver(s, "the upload was deleted");
        }, io).thenRunAsync(() -> {
            store.delete(id);
            sessions.remove(id);
            try {
                Files.deleteIfExists(store.data(id));
            } catch (IOException e) {
                log.warn("cannot remove the data of upload {}: {}", id, e.getMessage());
            }
        }, io);
    }

    /** Removes the data of unfinished uploads past their expiry; their records stay a week to answer 410. */
    void sweep() {
        try {
            io.submit(() -> {
                Instant now = Instant.now();
                for (Upload u : store.expired(now, 1000)) {
                    Session s = sessions.get(u.id());
                    if (s != null) {
                        synchronized (s) {
                            if (s.writer != null) {
                                continue; // being written to right now: not abandoned
                            }
                        }
                    }
                    try {
                        Files.deleteIfExists(store.data(u.id()));
                    } catch (IOException e) {
                        log.warn("cannot remove expired upload {}: {}", u.id(), e.getMessage());
                        continue;
                    }
                    Upload expired = u.expired();
                    store.update(expired);
                    if (s != null) {
                        synchronized (s) {
                            s.upload = expired;
                        }
                    }
                    metrics.uploadExpired();
                }
                store.purgeExpired(now.minus(java.time.Duration.ofDays(7)));
            }).get();
        } catch (Exception e) {
            log.warn("sweeping expired uploads failed: {}", e.toString());
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
        try {
            long usable = Files.getFileStore(store.data("probe").getParent()).getUsableSpace();
            if (bytes > usable) {
                throw new UploadException(UploadException.Reason.NO_SPACE, "the server has " + usable + " bytes free, not the " + bytes
                        + " this upload needs");
            }
        } catch (IOException e) {
            log.debug("cannot check free space: {}", e.getMessage());
        }
    }

    /** 128 random bits, as 26 lower-case base32 characters: unguessable and safe in a URL and a file name. */
    static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        StringBuilder s = new StringBuilder(26);
        int buffer = 0;
        int bits = 0;
        for (byte x : b) {
            buffer = (buffer << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                s.append("abcdefghijklmnopqrstuvwxyz234567".charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            s.append("abcdefghijklmnopqrstuvwxyz234567".charAt((buffer << (5 - bits)) & 31));
        }
        return s.toString();
    }

    /** Whether a path segment could be an upload id (before asking the store). */
    public static boolean looksLikeId(String s) {
        if (s.length() != 26) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return false;
            }
        }
        return true;
    }

    /** The id named by an upload URL or path, e.g. {@code /uploads/ID} or {@code https://h/uploads/ID}. */
    public String idFromUrl(String url) {
        String u = url.strip();
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        String id = u.substring(u.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (!looksLikeId(id)) {
            throw new UploadException(UploadException.Reason.CONCAT_INVALID, "'" + url + "' is not the URL of an upload here");
        }
        return id;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        io.shutdown();
        try {
            io.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (NoSuchFileException ignored) {
            // gone already
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", p, e.getMessage());
        }
    }
}
