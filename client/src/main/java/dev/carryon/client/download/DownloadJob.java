package dev.carryon.client.download;

import dev.carryon.client.FileRanges;
import dev.carryon.client.TransferException;
import dev.carryon.client.http.BodyPiece;
import dev.carryon.client.http.Call;
import dev.carryon.client.http.HttpClient;
import dev.carryon.core.digest.OrderedHasher;
import dev.carryon.core.download.Backoff;
import dev.carryon.core.download.ContentDisposition;
import dev.carryon.core.download.DownloadState;
import dev.carryon.core.download.FileNames;
import dev.carryon.core.download.RemoteVersion;
import dev.carryon.core.download.ResponseHead;
import dev.carryon.core.download.ResponseJudge;
import dev.carryon.core.download.SegmentPlanner;
import dev.carryon.core.download.Verdict;
import dev.carryon.core.progress.SpeedAverage;
import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.RangeSet;
import dev.carryon.core.retry.RetryPolicy;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One URL to one file. The decisions are the core's ({@link ResponseJudge}, {@link SegmentPlanner}); this class
 * runs them: it finds what an earlier run left, asks the server, splits the work over connections, writes
 * bytes at their positions, checkpoints what is durable, retries what failed, starts over when the file on the
 * server changed, and verifies before the file gets its name.
 *
 * <p>Two kinds of transfer. Segmented: the server has ranges, a known length and a strong validator, so every
 * request carries If-Range and several connections can share the file. Single stream otherwise: one connection;
 * a resumption re-reads an overlap of held bytes and compares it before trusting the rest (weak or no
 * validators), or starts from zero (no range support).
 *
 * <p>Locking: {@code this} guards the plan and the version. Writing a piece takes the read side of
 * {@link #writes}; starting over takes the write side, so no piece of an old version can be written once a
 * new version has begun.
 */
final class DownloadJob {

    private final HttpClient client;
    private final DownloadOptions options;
    private final DownloadListener listener;
    private final RateLimiter limiter;
    private final URI url;
    private final Destination destination;
    private final Fetcher fetcher;
    private final ExpectedDigests digests;
    private final RetryPolicy retry;
    private final ReentrantReadWriteLock writes = new ReentrantReadWriteLock();
    private final long startNanos = System.nanoTime();

    private PartFile part;
    private RemoteVersion version;
    private final RangeSet held = new RangeSet();
    private SegmentPlanner planner;
    private Phase phase = Phase.DISCOVERING;
    private boolean adopted;
    private int generation;
    private int failures;
    private long fetched;
    private long heldAtStart;
    private TransferException fatal;
    private int running;
    private String protocol = "HTTP/1.1";
    private boolean dirty;
    private boolean completeBefore;
    /** The version of the finished copy whose freshness the first request asks about (like wget -N), or null. */
    private RemoteVersion refreshing;
    /** The target exists and is an older copy from this URL: the new version replaces it once verified. */
    private boolean replacing;
    /** In {@link Phase#DISCOVERING}: whether a worker is already asking (the others wait for its answer). */
    private boolean asking;

    DownloadJob(HttpClient client, DownloadOptions options, DownloadListener listener, RateLimiter limiter, URI url,
                Destination destination) {
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.limiter = limiter;
        this.url = url;
        this.destination = destination;
        this.fetcher = new Fetcher(client, options, url);
        this.digests = new ExpectedDigests(options.checksum());
        this.retry = new RetryPolicy(options.retries(), Backoff.DEFAULT);
    }

    DownloadListener.Finished run() throws TransferException {
        try {
            return attempt();
        } catch (TransferException e) {
            listener.failed(url, e);
            throw e;
        } finally {
            if (part != null) {
                try {
                    part.close();
                } catch (IOException ignored) {
                    // closing after the end; the control file already says what is held
                }
            }
        }
    }

    private DownloadListener.Finished attempt() throws TransferException {
        Path target = destination.file();
        if (target == null) {
            target = resumable(destination.directory()).orElse(null);
        }
        if (target != null) {
            Optional<DownloadListener.Finished> done = prepare(target);
            if (done.isPresent()) {
                return done.get();
            }
        }
        Body first = null;
        if (version == null) {
            first = firstContact();
            if (completeBefore) {
                return alreadyComplete(part.target());
            }
        }
        synchronized (this) {
            enter(version);
            heldAtStart = held.size();
        }
        // Without ranges what is held cannot be used: the transfer says it starts over, not that it resumes.
        boolean resumes = heldAtStart > 0 && version.acceptsRanges() && version.length() >= 0;
        listener.started(new DownloadListener.Started(url, part.target(), version.length(), resumes ? heldAtStart : 0,
                resumes, version.acceptsRanges(), validatorDescription(), protocol));
        if (phase == Phase.SINGLE && version.ifRange().isEmpty() && version.acceptsRanges() && version.length() != 0) {
            listener.notice(url, "the server gives no strong validator, so one connection downloads, and every"
                    + " resumption first compares bytes already held");
        } else if (!version.acceptsRanges() && heldAtStart == 0) {
            listener.notice(url, "the server does not support ranges: one connection, and a broken transfer starts"
                    + " over from zero");
        }
        transfer(first);
        return finish();
    }

    /** Where the download is. Every worker reads it under this object's lock; the transitions are below. */
    private enum Phase {
        /** The version is not known (the first contact, or after a 206 of another version): one worker asks. */
        DISCOVERING,
        /** A strong validator, a known length, ranges: workers claim segments, every request has If-Range. */
        SEGMENTED,
        /** One connection from the held prefix; each resumption first compares an overlap of held bytes. */
        SINGLE
    }

    /** The version is known: segmented if it can be ({@link RemoteVersion#segmentable}), else one stream. */
    private void enter(RemoteVersion v) {
        version = v;
        phase = v.segmentable() ? Phase.SEGMENTED : Phase.SINGLE;
        planner = new SegmentPlanner(Math.max(v.length(), 0), held, options.minSplit());
    }

    // ---- finding what an earlier run left ----

    /** In a directory: the file whose control file names this URL, if an earlier run left one. */
    private Optional<Path> resumable(Path dir) {
        Optional<String> fromUrl = FileNames.fromUrlPath(url.getRawPath());
        if (fromUrl.isPresent() && belongsHere(dir.resolve(fromUrl.get()))) {
            return Optional.of(dir.resolve(fromUrl.get()));
        }
        try (DirectoryStream<Path> controls = Files.newDirectoryStream(dir, "*.carryon")) {
            for (Path c : controls) {
                String name = c.getFileName().toString();
                Path target = dir.resolve(name.substring(0, name.length() - ".carryon".length()));
                if (belongsHere(target)) {
                    return Optional.of(target);
                }
            }
        } catch (IOException e) {
            // no directory yet, or unreadable: nothing to resume
        }
        return Optional.empty();
    }

    private boolean belongsHere(Path target) {
        try {
            return new PartFile(target).readState().map(s -> s.url().equals(url.toString())).orElse(false)
                    || (Files.exists(target) && PartFile.source(target).map(url.toString()::equals).orElse(false));
        } catch (IOException e) {
            return false;
        }
    }

    /** Looks at the target, its part file and its control file. Present when the work is already done. */
    private Optional<DownloadListener.Finished> prepare(Path target) throws TransferException {
        part = new PartFile(target);
        try {
            if (Files.exists(target)) {
                if (!options.overwrite()) {
                    if (PartFile.source(target).map(url.toString()::equals).orElse(false)) {
                        Optional<DownloadListener.Finished> fresh = olderCopy(target);
                        if (fresh.isPresent()) {
                            return fresh;
                        }
                        if (refreshing != null) {
                            return Optional.empty();
                        }
                        replacing = true; // an interrupted fetch of a newer version: resumed below
                    } else {
                        throw new TransferException(TransferException.Kind.USAGE, target + " already exists and was not"
                            + " downloaded by carryon from this URL; choose another name with -o, or replace it with"
                            + " --overwrite");
                    }
                }
            }
            if (options.overwrite()) {
                part.discard();
                part.open();
                return Optional.empty();
            }
            Optional<DownloadState> state = part.readState();
            long partSize = Files.exists(part.part()) ? Files.size(part.part()) : -1;
            if (state.isPresent() && state.get().url().equals(url.toString()) && partSize >= 0) {
                DownloadState s = state.get();
                version = s.version();
                for (long[] iv : s.held().intervals()) {
                    held.add(iv[0], Math.min(iv[1], Math.max(iv[0], partSize)));
                }
                fetcher.source(URI.create(s.finalUrl()));
                digests.remember(s.reprDigest());
                if (version.acceptsRanges()) { // else the transfer says that it starts over, and only that
                    listener.notice(url, "resuming " + part.part().getFileName() + ": " + held.size() + " bytes held");
                }
                if (version.length() >= 0 && held.isComplete(version.length())) {
                    listener.notice(url, "every byte is already held; verifying");
                }
            } else if (state.isPresent() || (Files.exists(part.control()) && partSize < 0)) {
                listener.notice(url, part.control().getFileName() + " is for another URL or lost its part file;"
                        + " starting over");
                part.discard();
            } else if (partSize > 0) {
                adopted = true;
                held.add(0, partSize);
                listener.notice(url, part.part().getFileName() + " has no control file: its bytes are compared with"
                        + " the server's before any is kept");
            }
            part.open();
            return Optional.empty();
        } catch (TransferException e) {
            throw e;
        } catch (IOException e) {
            throw local("cannot prepare " + target, e);
        }
    }

    /**
     * A finished copy from this URL is there. Done (present) when there is nothing to ask the server: it has no
     * recorded version, or one without a validator. Otherwise the first request asks whether the copy is still
     * current ({@link #refreshing}); or, when the fetch of a newer version was interrupted, that fetch resumes.
     * Either way the new version replaces the copy only once it is complete and verified.
     */
    private Optional<DownloadListener.Finished> olderCopy(Path target) throws IOException {
        if (part.readState().filter(st -> st.url().equals(url.toString())).isPresent() && Files.exists(part.part())) {
            return Optional.empty();
        }
        Optional<DownloadState> done = PartFile.finished(target);
        if (done.isEmpty() || done.get().version().etag() == null && done.get().version().lastModified() == null) {
            return Optional.of(alreadyComplete(target));
        }
        part.discard(); // a part file without a control file here is of no use: the copy is complete
        part.open();
        refreshing = done.get().version();
        replacing = true;
        return Optional.empty();
    }

    private DownloadListener.Finished alreadyComplete(Path target) {
        long size;
        try {
            size = Files.size(target);
        } catch (IOException e) {
            size = -1;
        }
        DownloadListener.Finished f = new DownloadListener.Finished(url, target, size, 0, elapsed(), Map.of(), true);
        listener.finished(f);
        return f;
    }

    // ---- the first request: learning the version, the length and the name ----

    /**
     * Asks from byte 0, or, for an adopted part file, from a little before its end so that an overlap can be
     * compared. Returns the body positioned where writing goes on, or null when there is nothing left to do.
     */
    private Body firstContact() throws TransferException {
        while (true) {
            long start = adopted ? Math.max(0, held.size() - options.overlap()) : 0;
            Body body = null;
            try {
                List<String[]> ask = fields("Range", "bytes=" + start + "-", "Want-Repr-Digest", "sha-256=5, sha-512=3");
                if (refreshing != null) {
                    ask.add(refreshing.etag() != null
                            ? new String[] {"If-None-Match", refreshing.etag().headerValue()}
                            : new String[] {"If-Modified-Since", refreshing.lastModified()});
                }
                Fetcher.Response r = fetcher.get(ask);
                body = new Body(r, start);
                if (refreshing != null && stillCurrent(r.head())) {
                    body.close();
                    part.discard();
                    completeBefore = true;
                    return null;
                }
                Verdict v = ResponseJudge.judge(new ByteRange(start, Long.MAX_VALUE - 1), null, false, r.head(),
                        Instant.now());
                if (v instanceof Verdict.Body b) {
                    version = b.version();
                    protocol = r.call().protocol();
                    if (part == null) {
                        RemoteVersion learnt = version;
                        version = null;
                        if (prepare(nameFor(r.head())).isPresent()) {
                            body.close();
                            completeBefore = true;
                            return null;
                        }
                        if (version != null) {
                            // The server's name led to an earlier run's control file: resume that with If-Range.
                            body.close();
                            return null;
                        }
                        version = learnt;
                        if (adopted) {
                            body.close(); // a part file without control: ask again with an overlap to compare
                            continue;
                        }
                    }
                    if (r.head().status() == 200) {
                        if (!held.isEmpty()) {
                            listener.notice(url, "the server sent the whole file: starting over from zero");
                        }
                        resetHeld(); // forgets every promise too: take this response's after it
                        adopted = false;
                        digests.take(r.head(), true);
                        return body;
                    }
                    digests.take(r.head(), false);
                    if (adopted) {
                        long end = held.size();
                        if (version.length() < end || !body.matches(part, end)) {
                            listener.notice(url, "the bytes in " + part.part().getFileName()
                                    + " are not the server's: starting over");
                            body.close();
                            resetHeld();
                            adopted = false;
                            continue;
                        }
                        adopted = false;
                        if (version.length() == end) {
                            body.close();
                            return Body.empty(end);
                        }
                    }
                    return body;
                }
                if (v instanceof Verdict.Failure f) {
                    throw refusal(f, r); // reads the server's reason from the body first, then closes
                }
                body.close();
                if (v instanceof Verdict.Unsatisfiable u) {
                    if (u.length() == 0 && !adopted) {
                        version = new RemoteVersion(0, null, null, false, true);
                        if (part == null && prepare(nameFor(r.head())).isPresent()) {
                            completeBefore = true;
                            return null;
                        }
                        return Body.empty(0);
                    }
                    if (adopted) {
                        listener.notice(url, "the file on the server is shorter than " + part.part().getFileName()
                                + ": starting over");
                        resetHeld();
                        adopted = false;
                        continue;
                    }
                    throw new TransferException(TransferException.Kind.HTTP,
                            "the server refused the range bytes=0- (416) of a file it calls " + u.length() + " bytes long");
                }
                if (v instanceof Verdict.Retry retry) {
                    failed(retry.reason(), retry.retryAfter(), false);
                    continue;
                }
                throw new IllegalStateException("unexpected verdict " + v);
            } catch (TransferException e) {
                if (body != null) {
                    body.close();
                }
                throw e;
            } catch (IOException e) {
                if (body != null) {
                    body.close();
                }
                failed(describe(e), null, false);
            }
        }
    }

    /**
     * Whether the answer to the first request of a rerun says the finished copy is still the server's: a 304,
     * or (from a server that ignores conditions) the same version. Anything else is a new version, said so.
     */
    private boolean stillCurrent(ResponseHead head) {
        RemoteVersion was = refreshing;
        refreshing = null;
        if (head.status() == 304) {
            return true;
        }
        if (head.status() != 200 && head.status() != 206) {
            return false; // judged below like any answer
        }
        RemoteVersion now = RemoteVersion.of(head, was.length(), Instant.now());
        if (now.compare(was) != RemoteVersion.Match.DIFFERENT) {
            return true;
        }
        listener.notice(url, part.target().getFileName() + " changed on the server since it was downloaded: fetching"
                + " the new version; the old copy stays until the new one is complete and verified");
        return false;
    }

    /** Header fields from name, value pairs. */
    private static List<String[]> fields(String... nameValue) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            out.add(new String[] {nameValue[i], nameValue[i + 1]});
        }
        return out;
    }

    private Path nameFor(ResponseHead head) {
        String name = ContentDisposition.filename(head.first("content-disposition")).flatMap(FileNames::safe)
                .or(() -> FileNames.fromUrlPath(url.getRawPath()))
                .orElse(FileNames.FALLBACK);
        return destination.directory().resolve(name);
    }

    // ---- the transfer ----

    private void transfer(Body first) throws TransferException {
        int workers = phase == Phase.SEGMENTED ? options.connections() : 1;
        List<Thread> threads = new ArrayList<>();
        SegmentPlanner.Segment firstSegment = null;
        synchronized (this) {
            running = workers;
            if (phase == Phase.SEGMENTED && first != null) {
                // Claimed before any other worker starts, so the first response is never thrown away.
                firstSegment = planner.claimFrom(first.position()).orElse(null);
            }
        }
        for (int i = 0; i < workers; i++) {
            Body mine = i == 0 ? first : null;
            SegmentPlanner.Segment claimed = i == 0 ? firstSegment : null;
            Thread t = new Thread(() -> work(mine, claimed), "carryon-get-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        supervise(threads);
    }

    /** The main thread's part: checkpoints and progress until every worker has stopped. */
    private void supervise(List<Thread> threads) throws TransferException {
        long lastCheckpoint = System.nanoTime();
        SpeedAverage speed = new SpeedAverage(fetchedNow(), System.nanoTime());
        boolean interrupted = false;
        try {
            for (Thread t : threads) {
                while (t.isAlive()) {
                    t.join(200);
                    long now = System.nanoTime();
                    listener.progress(progress(speed.update(fetchedNow(), now)));
                    if (now - lastCheckpoint >= options.checkpoint().toNanos()) {
                        checkpoint();
                        lastCheckpoint = now;
                    }
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            synchronized (this) {
                fatal = new TransferException(TransferException.Kind.NETWORK, "interrupted");
            }
        }
        try {
            checkpoint(); // with the interrupt flag clear: an interrupted FileChannel closes instead of syncing
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (fatal != null) {
                throw fatal;
            }
        }
    }

    /** Waits for a change of the plan (a release, a restart, the end); called holding this object's lock. */
    private void waitQuietly() {
        try {
            wait(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private synchronized long fetchedNow() {
        return fetched;
    }

    private synchronized DownloadListener.Progress progress(long speed) {
        int connections = phase == Phase.SEGMENTED && planner != null ? planner.active().size() : running;
        return new DownloadListener.Progress(url, held.size(), version == null ? -1 : version.length(), speed,
                connections);
    }

    private void work(Body first, SegmentPlanner.Segment claimed) {
        try {
            if (phase == Phase.SEGMENTED) {
                segmentedWork(first, claimed);
            } else {
                singleWork(first);
            }
        } catch (TransferException e) {
            synchronized (this) {
                if (fatal == null) {
                    fatal = e;
                }
                notifyAll();
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                if (fatal == null) {
                    fatal = new TransferException(TransferException.Kind.NETWORK, "internal error: " + e, e);
                }
                notifyAll();
            }
        } finally {
            synchronized (this) {
                running--;
                notifyAll();
            }
        }
    }

    /** One connection of a segmented download: claim, fetch with If-Range, write, until nothing is left. */
    private void segmentedWork(Body first, SegmentPlanner.Segment claimed) throws TransferException {
        Body body = first;
        SegmentPlanner.Segment segment = claimed;
        int gen;
        synchronized (this) {
            gen = generation;
            if (body != null && segment == null) {
                body.close();
                body = null;
            }
        }
        while (true) {
            if (body == null) {
                segment = null;
                synchronized (this) {
                    while (true) {
                        if (fatal != null || (version != null && planner.complete())) {
                            return;
                        }
                        if (phase == Phase.DISCOVERING) {
                            if (!asking) {
                                asking = true;
                                break;
                            }
                            waitQuietly();
                            continue;
                        }
                        if (phase == Phase.SINGLE) {
                            return; // the version changed to one that needs a single stream
                        }
                        Optional<SegmentPlanner.Segment> s = planner.claim();
                        if (s.isPresent()) {
                            segment = s.get();
                            gen = generation;
                            break;
                        }
                        if (planner.active().isEmpty()) {
                            return;
                        }
                        waitQuietly();
                    }
                }
                if (segment == null) {
                    body = rediscover();
                    if (body == null) {
                        continue;
                    }
                } else {
                    body = request(segment, gen);
                    if (body == null) {
                        synchronized (this) {
                            planner.release(segment);
                            notifyAll();
                        }
                        continue;
                    }
                }
                if (segment == null || body.position() == 0 && segment.start() != 0) {
                    // A body from byte 0 (asked afresh, or the whole file sent for a range) starts the new
                    // generation.
                    NewGeneration g = claimWhole();
                    if (g == null) {
                        singleWork(body);
                        return;
                    }
                    gen = g.gen();
                    segment = g.segment();
                    if (segment == null) {
                        body.close();
                        body = null;
                        continue;
                    }
                }
            }
            try {
                stream(body, segment, gen);
                boolean done = segment.remaining() == 0;
                boolean finished = body.call() == null || body.call().complete();
                body.close();
                body = null;
                synchronized (this) {
                    planner.release(segment);
                    notifyAll();
                }
                if (!done && finished) {
                    failed("the response ended " + segment.remaining() + " bytes early", null, false);
                }
            } catch (Abandoned a) {
                body.close();
                body = null;
                synchronized (this) {
                    planner.release(segment);
                    notifyAll();
                }
            } catch (IOException e) {
                boolean stale = body.call() != null && body.call().reusedConnection() && segment.position() == segment.start();
                body.close();
                body = null;
                synchronized (this) {
                    planner.release(segment);
                    notifyAll();
                }
                if (e instanceof TransferException de) {
                    throw de;
                }
                failed(describe(e), null, stale);
            }
        }
    }

    /** The generation a whole-file body starts, and the segment from byte 0 it fills (null if already claimed). */
    private record NewGeneration(int gen, SegmentPlanner.Segment segment) {
    }

    /** For a body from byte 0 of a new generation: its segment, or null when the version needs a single stream. */
    private synchronized NewGeneration claimWhole() {
        if (phase == Phase.SINGLE) {
            return null;
        }
        return new NewGeneration(generation, planner.claimFrom(0).orElse(null));
    }

    /**
     * Asks for a segment with If-Range. Null when the answer was a retryable failure (already counted and
     * waited for) or a change of version (already handled).
     */
    private Body request(SegmentPlanner.Segment segment, int gen) throws TransferException {
        RemoteVersion expected;
        long from;
        synchronized (this) {
            expected = version;
            from = planner.requestStart(segment, options.overlap());
        }
        ByteRange asked = new ByteRange(from, segment.end() - 1);
        String ifRange = expected.ifRange().orElseThrow();
        Fetcher.Response r;
        try {
            r = fetcher.get(fields("Range", "bytes=" + asked.first() + "-" + asked.last(), "If-Range", ifRange));
        } catch (TransferException e) {
            throw e;
        } catch (IOException e) {
            failed(describe(e), null, false);
            return null;
        }
        Verdict v = ResponseJudge.judge(asked, expected, true, r.head(), Instant.now());
        if (v instanceof Verdict.Body b) {
            if (b.restart()) {
                // 200 to a ranged request: keep this body as the download from byte 0 of the new version, and
                // its digests (after starting over, which forgets the old version's).
                if (!startOver(gen, b.version(), "the server sent the whole file instead of a range (the file"
                        + " changed, or it stopped supporting ranges): starting over with it")) {
                    r.call().close();
                    return null;
                }
                digests.take(r.head(), true);
                return new Body(r, 0);
            }
            String contradiction = digests.take(r.head(), b.range() != null && b.range().first() == 0
                    && b.range().last() == b.version().length() - 1);
            if (contradiction != null) {
                r.call().close();
                startOver(gen, null, contradiction);
                return null;
            }
            Body body = new Body(r, asked.first());
            if (from < segment.position()) {
                boolean same;
                try {
                    same = body.matches(part, segment.position());
                } catch (IOException e) {
                    body.close();
                    failed(describe(e), null, false);
                    return null;
                }
                if (!same) {
                    body.close();
                    startOver(gen, null, "the server's bytes before " + segment.position() + " are not the ones held,"
                            + " although its validator is unchanged (the file was replaced keeping its size and"
                            + " date): starting over");
                    return null;
                }
            } else if (!b.verified()) {
                // Nothing held below to compare, and the answer does not prove its version (a weak validator
                // where a strong one was assembled): its bytes cannot be trusted, so learn the version afresh.
                body.close();
                startOver(gen, null, "the server's answer does not prove it is the version being assembled (its"
                        + " validator is now " + b.version().describe() + "): starting over");
                return null;
            }
            return body;
        }
        if (v instanceof Verdict.Changed c) {
            r.call().close();
            startOver(gen, null, c.reason() + ": starting over");
            return null;
        }
        if (v instanceof Verdict.Unsatisfiable u) {
            r.call().close();
            startOver(gen, null, "the server has fewer bytes than before (416, length " + u.length() + "): starting over");
            return null;
        }
        if (v instanceof Verdict.Retry retry) {
            r.call().close();
            failed(retry.reason(), retry.retryAfter(), false);
            return null;
        }
        Verdict.Failure f = (Verdict.Failure) v;
        if (f.kind() == Verdict.Kind.HTTP && (f.status() == 403 || f.status() == 404 || f.status() == 410)
                && fetcher.backToOrigin()) {
            r.call().close();
            listener.notice(url, "the redirected URL answers " + f.status() + "; asking the original URL again");
            return null;
        }
        throw refusal(f, r);
    }

    /** Thrown when a body belongs to a generation that has been replaced. */
    private static final class Abandoned extends IOException {
        Abandoned() {
            super("abandoned", null);
        }
    }

    /** Writes a body's bytes at their positions until the segment ends or the body does. */
    private void stream(Body body, SegmentPlanner.Segment segment, int gen) throws IOException {
        if (body.call() == null) {
            return;
        }
        long windowStart = System.nanoTime();
        long windowBytes = 0;
        while (segment.remaining() > 0) {
            BodyPiece piece = body.next();
            if (piece == null) {
                return;
            }
            try {
                ByteBuffer nio = piece.buffer();
                long usable;
                synchronized (this) {
                    usable = planner.writable(segment, nio.remaining());
                }
                nio.limit(nio.position() + (int) usable);
                limiter.acquire(usable);
                long at = segment.position();
                writes.readLock().lock();
                try {
                    synchronized (this) {
                        if (gen != generation) {
                            throw new Abandoned();
                        }
                    }
                    part.write(nio.duplicate(), at);
                    synchronized (this) {
                        // A steal may have lowered the segment's end since writable(): the bytes past it are
                        // the same version's and the thief writes them too, so only what counts is counted.
                        fetched += planner.wrote(segment, usable);
                        failures = 0;
                        dirty = true;
                    }
                } finally {
                    writes.readLock().unlock();
                }
                digests.offer(at, nio);
                body.advance(usable);
                windowBytes += usable;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } catch (IOException e) {
                if (e instanceof Abandoned || e instanceof Call.StalledException) {
                    throw e;
                }
                throw local("cannot write " + part.part(), e);
            } finally {
                piece.close();
            }
            long now = System.nanoTime();
            if (now - windowStart >= options.lowestSpeedWindow().toNanos()) {
                long rate = windowBytes * 1_000_000_000L / (now - windowStart);
                if (options.lowestSpeed() > 0 && rate < options.lowestSpeed()) {
                    throw new Call.StalledException("the connection ran at " + rate + " bytes/s, below --lowest-speed "
                            + options.lowestSpeed());
                }
                windowStart = now;
                windowBytes = 0;
            }
        }
    }

    /** The single connection of a download that cannot be split. */
    private void singleWork(Body first) throws TransferException {
        Body body = first;
        while (true) {
            if (body == null) {
                synchronized (this) {
                    if (fatal != null || (version.length() >= 0 && held.isComplete(version.length()))) {
                        return;
                    }
                }
                body = resumeSingle();
                if (body == null) {
                    continue;
                }
            }
            try {
                long before = body.position();
                streamSingle(body);
                boolean finished = body.call() == null || body.call().complete();
                body.close();
                body = null;
                synchronized (this) {
                    if (version.length() < 0 && finished) {
                        version = version.withLength(held.size()); // the length was learnt at the end
                        return;
                    }
                    if (held.isComplete(version.length())) {
                        return;
                    }
                }
                failed("the response ended before the end of the file", null, before == held.size());
            } catch (IOException e) {
                body.close();
                body = null;
                if (e instanceof TransferException de) {
                    throw de;
                }
                failed(describe(e), null, false);
            }
        }
    }

    /** The next request of a single-stream download: from the held prefix's end, with an overlap to compare. */
    private Body resumeSingle() throws TransferException {
        long have;
        RemoteVersion expected;
        synchronized (this) {
            have = held.heldFrom(0);
            expected = version;
        }
        if (!expected.acceptsRanges() || expected.length() < 0) {
            if (have > 0) {
                listener.notice(url, "starting over from zero: the server does not support ranges");
            }
            resetHeld();
            have = 0;
        }
        long start = have == 0 ? 0 : Math.max(0, have - options.overlap());
        List<String[]> fields = new ArrayList<>();
        if (have > 0) {
            fields.add(new String[] {"Range", "bytes=" + start + "-"});
            expected.ifRange().ifPresent(v -> fields.add(new String[] {"If-Range", v}));
        }
        Fetcher.Response r;
        try {
            r = fetcher.get(fields);
        } catch (TransferException e) {
            throw e;
        } catch (IOException e) {
            failed(describe(e), null, false);
            return null;
        }
        Verdict v = ResponseJudge.judge(have > 0 ? new ByteRange(start, Long.MAX_VALUE - 1) : null, expected,
                expected.ifRange().isPresent() && have > 0, r.head(), Instant.now());
        Body body = new Body(r, start);
        try {
            if (v instanceof Verdict.Body b) {
                if (b.restart() || r.head().status() == 200) {
                    if (have > 0) {
                        listener.notice(url, "the server sent the whole file: starting over from zero");
                    }
                    synchronized (this) {
                        version = b.version();
                    }
                    resetHeld();
                    digests.reset();
                    digests.take(r.head(), true);
                    return new Body(r, 0);
                }
                if (start < have && !body.matches(part, have)) {
                    listener.notice(url, "the bytes held do not match the server's any more: starting over");
                    body.close();
                    resetHeld();
                    return null;
                }
                digests.take(r.head(), false);
                return body;
            }
            if (v instanceof Verdict.Failure f) {
                throw refusal(f, r); // reads the server's reason from the body first, then closes
            }
            body.close();
            if (v instanceof Verdict.Changed c) {
                listener.notice(url, c.reason() + ": starting over");
                synchronized (this) {
                    version = c.version();
                }
                resetHeld();
                return null;
            }
            if (v instanceof Verdict.Unsatisfiable u) {
                listener.notice(url, "the server has fewer bytes than are held (416, length " + u.length()
                        + "): starting over");
                resetHeld();
                return null;
            }
            if (v instanceof Verdict.Retry retry) {
                failed(retry.reason(), retry.retryAfter(), false);
                return null;
            }
            throw new IllegalStateException("unexpected verdict " + v);
        } catch (TransferException e) {
            body.close();
            throw e;
        } catch (IOException e) {
            body.close();
            failed(describe(e), null, false);
            return null;
        }
    }

    private void streamSingle(Body body) throws IOException {
        if (body.call() == null) {
            return;
        }
        BodyPiece piece;
        while ((piece = body.next()) != null) {
            try {
                ByteBuffer nio = piece.buffer();
                long at = body.position();
                limiter.acquire(nio.remaining());
                part.write(nio.duplicate(), at);
                synchronized (this) {
                    held.add(at, at + nio.remaining());
                    fetched += nio.remaining();
                    failures = 0;
                    dirty = true;
                }
                digests.offer(at, nio);
                body.advance(nio.remaining());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } catch (IOException e) {
                if (e instanceof Call.StalledException) {
                    throw e;
                }
                throw local("cannot write " + part.part(), e);
            } finally {
                piece.close();
            }
        }
    }

    // ---- starting over, failing, retrying ----

    /**
     * The representation changed: every held byte goes, and so do the other workers' bodies (their generation
     * ends). With {@code newVersion}, the caller's body is the new generation's first; without, the next
     * requests learn the new version. False when another worker already started over for this generation.
     */
    private boolean startOver(int gen, RemoteVersion newVersion, String reason) throws TransferException {
        writes.writeLock().lock();
        try {
            synchronized (this) {
                if (gen != generation) {
                    return false;
                }
                dropHeld();
                if (newVersion != null) {
                    enter(newVersion);
                } else {
                    planner.reset();
                    version = null;
                    phase = Phase.DISCOVERING;
                }
                notifyAll();
            }
        } finally {
            writes.writeLock().unlock();
        }
        listener.notice(url, reason);
        return true;
    }

    /**
     * After a change seen on a 206 the version is unknown; one worker asks afresh from byte 0, outside every
     * lock, and its body starts the new generation. Null when another worker is already asking, or on failure.
     */
    private Body rediscover() throws TransferException {
        Fetcher.Response r;
        try {
            r = fetcher.get(fields("Range", "bytes=0-", "Want-Repr-Digest", "sha-256=5, sha-512=3"));
        } catch (TransferException e) {
            throw e;
        } catch (IOException e) {
            synchronized (this) {
                asking = false;
                notifyAll();
            }
            failed(describe(e), null, false);
            return null;
        }
        Verdict v = ResponseJudge.judge(new ByteRange(0, Long.MAX_VALUE - 1), null, false, r.head(), Instant.now());
        if (v instanceof Verdict.Body b) {
            digests.take(r.head(), r.head().status() == 200);
            synchronized (this) {
                enter(b.version());
                asking = false;
                notifyAll();
            }
            return new Body(r, 0);
        }
        synchronized (this) {
            asking = false;
            notifyAll();
        }
        if (v instanceof Verdict.Retry retry) {
            r.call().close();
            failed(retry.reason(), retry.retryAfter(), false);
            return null;
        }
        if (v instanceof Verdict.Failure f) {
            throw refusal(f, r);
        }
        r.call().close();
        failed("the server answered " + r.head().status() + " to a fresh request", null, false);
        return null;
    }

    /** Drops every held byte, keeping the version: the bytes held were not the server's. */
    private void resetHeld() throws TransferException {
        writes.writeLock().lock();
        try {
            synchronized (this) {
                dropHeld();
            }
        } finally {
            writes.writeLock().unlock();
        }
    }

    /**
     * Ends the generation and forgets every held byte, on disk too; called holding the write side of
     * {@link #writes} and this object's lock, so that no piece of the old generation is written after it.
     */
    private void dropHeld() throws TransferException {
        generation++;
        held.clear();
        digests.reset();
        dirty = true;
        try {
            part.truncate();
        } catch (IOException e) {
            throw local("cannot truncate " + part.part(), e);
        }
    }

    /**
     * Counts a failure (unless it is a stale pooled connection, which costs nothing) and waits before the next
     * try. Gives up when failures in a row without progress exceed the retries.
     */
    private void failed(String reason, Duration retryAfter, boolean free) throws TransferException {
        RetryPolicy.Decision decision;
        int n;
        synchronized (this) {
            if (fatal != null) {
                throw fatal;
            }
            if (free) {
                return;
            }
            n = ++failures;
            decision = retry.afterFailure(n, reason, "What is held is kept", retryAfter,
                    ThreadLocalRandom.current().nextDouble());
            if (decision instanceof RetryPolicy.GiveUp g) {
                fatal = new TransferException(TransferException.Kind.NETWORK, g.message());
                notifyAll();
                throw fatal;
            }
        }
        Duration delay = ((RetryPolicy.Wait) decision).delay();
        listener.retrying(url, reason, delay, n);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException(TransferException.Kind.NETWORK, "interrupted");
        }
    }

    private TransferException refusal(Verdict.Failure f, Fetcher.Response r) {
        String reason = f.kind() == Verdict.Kind.HTTP ? Fetcher.reason(r.call(), r.head()) : "";
        r.call().close();
        String what = f.kind() == Verdict.Kind.PROTOCOL
                ? f.reason() + "; nothing of that answer was kept, and what is held is: rerun the same command to"
                        + " try again"
                : "the server answered " + f.reason() + (r.at().equals(url) ? "" : " for " + r.at())
                        + (reason.isEmpty() ? "" : ": " + reason);
        return new TransferException(TransferException.Kind.HTTP, what);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static TransferException local(String what, IOException e) {
        String why = e instanceof AccessDeniedException ? "permission denied" : describe(e);
        String advice = why.toLowerCase().contains("no space")
                ? "; free some space and rerun the same command: nothing held is lost"
                : "";
        return new TransferException(TransferException.Kind.LOCAL_IO, what + ": " + why + advice, e);
    }

    // ---- checkpoints and the end ----

    /** Makes the written bytes durable, then records them (never the other way round). */
    private void checkpoint() throws TransferException {
        // The read side of the write lock keeps a restart (which truncates the part file) from coming between
        // the snapshot and the control file that records it.
        writes.readLock().lock();
        try {
            DownloadState state;
            synchronized (this) {
                if (!dirty || version == null) {
                    return;
                }
                dirty = false;
                state = new DownloadState(url.toString(), fetcher.source().toString(), version, held.copy(),
                        digests.reprDigestField());
            }
            part.sync();
            part.writeState(state);
        } catch (IOException e) {
            throw local("cannot record progress in " + part.control(), e);
        } finally {
            writes.readLock().unlock();
        }
    }

    private DownloadListener.Finished finish() throws TransferException {
        long length;
        synchronized (this) {
            length = version.length();
            if (length < 0 || !held.isComplete(length)) {
                throw new TransferException(TransferException.Kind.NETWORK, "the download stopped with " + held.size()
                        + " of " + length + " bytes; rerun the same command to resume");
            }
        }
        Map<String, String> verified = new LinkedHashMap<>();
        if (digests.any()) {
            OrderedHasher hasher = digests.hasher();
            try {
                readBack(hasher, length);
            } catch (IOException e) {
                throw local("cannot read " + part.part() + " back to verify it", e);
            }
            String mismatch = digests.check(hasher.finish(), verified);
            if (mismatch != null) {
                throw new TransferException(TransferException.Kind.INTEGRITY, "the downloaded bytes are not the"
                        + " promised ones: " + mismatch + ". " + part.part() + " is kept for inspection but none of"
                        + " its parts can be trusted; rerun with --overwrite to download it again from scratch");
            }
        }
        try {
            part.finish(new DownloadState(url.toString(), fetcher.source().toString(), version,
                    RangeSet.of(0, length), digests.reprDigestField()), options.overwrite() || replacing);
        } catch (TransferException e) {
            throw e;
        } catch (IOException e) {
            throw local("cannot rename " + part.part() + " to " + part.target(), e);
        }
        DownloadListener.Finished f = new DownloadListener.Finished(url, part.target(), length, fetchedNow(),
                elapsed(), verified, false);
        listener.finished(f);
        return f;
    }

    /** Hashes whatever the ordered hasher has not seen yet, reading it back from the part file. */
    private void readBack(OrderedHasher hasher, long length) throws IOException {
        FileRanges.read(part.part(), hasher.hashed(), length, hasher::offer);
    }

    private synchronized String validatorDescription() {
        if (version.hasStrongEtag()) {
            return "strong ETag " + version.etag().headerValue();
        }
        if (version.etag() != null) {
            return "weak ETag " + version.etag().headerValue();
        }
        if (version.lastModified() != null) {
            return (version.lastModifiedStrong() ? "strong" : "weak") + " Last-Modified " + version.lastModified();
        }
        return "none";
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
