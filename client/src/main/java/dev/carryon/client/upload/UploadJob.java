package dev.carryon.client.upload;

import dev.carryon.client.FileRanges;
import dev.carryon.client.TransferException;
import dev.carryon.client.http.Call;
import dev.carryon.client.http.FileSlice;
import dev.carryon.client.http.HttpClient;
import dev.carryon.client.http.Request;
import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.core.download.Backoff;
import dev.carryon.core.download.ResponseHead;
import dev.carryon.core.progress.SpeedAverage;
import dev.carryon.core.retry.RetryPolicy;
import dev.carryon.core.upload.ChunkSizer;
import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.UploadMetadata;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file to one tus endpoint: discovers what the server offers, resumes the upload an earlier run began (or
 * starts one), sends the rest in PATCHes with per-chunk checksums where offered, in parallel parts where
 * concatenation is offered, and retries from the server's own offset after any failure.
 */
final class UploadJob {

    private static final long MIN_PART = 8L << 20;
    /**
     * The most data sent on a creation (creation-with-upload). Until its answer names the upload nothing can be
     * resumed, so a process killed during a long POST would lose everything it sent: the rest goes in PATCHes.
     */
    static final long CREATION_DATA = 1L << 20;

    private final HttpClient client;
    private final UploadOptions options;
    private final UploadListener listener;
    private final ResumeStore store;
    private final Path file;
    private final URI endpoint;
    private final long startNanos = System.nanoTime();
    private final AtomicLong sent = new AtomicLong();
    private final Object lock = new Object();
    private final RetryPolicy retry;
    private long size;
    private long mtimeNanos;
    private String identity;
    private Capabilities caps;
    private int failures;
    /** Where the server said it serves the finished file (parts may finish on several threads). */
    private volatile URI served;
    private long[] acknowledged = new long[0];
    private Thread ticker;

    /** What the endpoint's OPTIONS said; without an answer, creation alone is assumed. */
    private record Capabilities(Set<String> extensions, Set<String> checksums, long maxSize) {
        boolean has(String extension) {
            return extensions.contains(extension);
        }
    }

    UploadJob(HttpClient client, UploadOptions options, UploadListener listener, ResumeStore store, Path file,
              URI endpoint) {
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.store = store;
        this.file = file;
        this.endpoint = endpoint;
        this.retry = new RetryPolicy(options.retries(), Backoff.DEFAULT);
    }

    UploadListener.Finished run() throws TransferException {
        try {
            return attempt();
        } catch (TransferException e) {
            listener.failed(file, e);
            throw e;
        }
    }

    private UploadListener.Finished attempt() throws TransferException {
        readVersion();
        caps = discover();
        if (caps.maxSize() > 0 && size > caps.maxSize()) {
            throw new TransferException(TransferException.Kind.HTTP, file + " has " + size + " bytes; the server"
                    + " takes at most " + caps.maxSize());
        }
        ResumeStore.Entry entry = store.find(file, endpoint.toString()).orElse(null);
        if (entry != null && !entry.sameVersion(identity, size, mtimeNanos)) {
            listener.notice(file, file.getFileName() + " changed since the last run: starting a new upload");
            entry = null;
        }
        if (entry != null && entry.complete()) {
            URI done = URI.create(entry.upload());
            long[] state = offsetOf(done);
            if (state != null && state[0] == size && state[1] == size) {
                listener.notice(file, "already uploaded to " + done + ": nothing to send");
                UploadListener.Finished f = new UploadListener.Finished(file, done, size, 0,
                        Duration.ofNanos(System.nanoTime() - startNanos), true, served);
                listener.finished(f);
                return f;
            }
            listener.notice(file, "the finished upload " + done + " is gone from the server: uploading again");
            entry = null;
        }
        int parts = options.connections() > 1 && caps.has("concatenation") && size >= 2 * MIN_PART
                ? (int) Math.min(options.connections(), size / MIN_PART) : 1;
        if (entry != null && !entry.parts().isEmpty()) {
            parts = entry.parts().size();
        } else if (entry != null) {
            parts = 1;
        } else if (options.connections() > 1 && parts == 1) {
            listener.notice(file, !caps.has("concatenation")
                    ? "the server does not offer concatenation: one upload instead of " + options.connections()
                    + " parallel parts"
                    : "under " + (2 * MIN_PART >> 20) + " MiB: one upload instead of parallel parts");
        }
        try {
            URI result = parts > 1 ? parallel(entry, parts) : single(entry);
            // kept, marked complete: a rerun of the same command then sends nothing (and makes no second copy)
            save(result, List.of(), true);
            UploadListener.Finished f = new UploadListener.Finished(file, result, size, sent.get(),
                    Duration.ofNanos(System.nanoTime() - startNanos), false, served);
            listener.finished(f);
            return f;
        } finally {
            if (ticker != null) {
                ticker.interrupt();
            }
        }
    }

    private void readVersion() throws TransferException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new TransferException(TransferException.Kind.USAGE, file + " is not a regular file");
            }
            size = a.size();
            mtimeNanos = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            identity = String.valueOf(a.fileKey());
        } catch (NoSuchFileException e) {
            throw new TransferException(TransferException.Kind.USAGE, file + " does not exist");
        } catch (IOException e) {
            throw new TransferException(TransferException.Kind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file must stay the version the upload began with: a change would splice two versions. */
    private void checkUnchanged() throws TransferException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (a.size() != size || a.lastModifiedTime().to(TimeUnit.NANOSECONDS) != mtimeNanos
                    || !String.valueOf(a.fileKey()).equals(identity)) {
                throw new TransferException(TransferException.Kind.LOCAL_IO, file + " changed while it was being"
                        + " uploaded; rerun the command to upload its new version");
            }
        } catch (IOException e) {
            throw new TransferException(TransferException.Kind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Capabilities discover() {
        try (Call c = client.send(request("OPTIONS", endpoint))) {
            ResponseHead h = c.head();
            drain(c);
            Set<String> ext = split(h.first("tus-extension"));
            Set<String> sums = split(h.first("tus-checksum-algorithm"));
            long max = parse(h.first("tus-max-size"));
            return new Capabilities(ext, sums, max);
        } catch (IOException e) {
            return new Capabilities(Set.of("creation"), Set.of(), -1);
        }
    }

    // ---- one upload ----

    private URI single(ResumeStore.Entry entry) throws TransferException {
        URI upload = null;
        long offset = 0;
        if (entry != null && entry.upload() != null) {
            URI known = URI.create(entry.upload());
            long[] state = offsetOf(known);
            if (state != null && state[1] == size) {
                upload = known;
                offset = state[0];
                listener.notice(file, "resuming " + known + " at " + offset + " of " + size + " bytes");
            } else {
                listener.notice(file, "the earlier upload " + known + " is gone: starting a new one");
            }
        }
        acknowledged = new long[] {offset};
        boolean resumed = upload != null;
        if (upload == null) {
            long[] createdOffset = new long[1];
            upload = create(size, null, createdOffset, true);
            offset = createdOffset[0];
            acknowledged[0] = offset;
            save(upload, List.of(), false);
        }
        begin(new UploadListener.Started(file, endpoint, upload, size, offset, resumed, 1));
        send(upload, 0, size, offset, 0);
        return upload;
    }

    // ---- parallel parts (tus concatenation) ----

    private URI parallel(ResumeStore.Entry entry, int parts) throws TransferException {
        long[] starts = new long[parts];
        long[] lengths = new long[parts];
        long each = size / parts;
        for (int i = 0; i < parts; i++) {
            starts[i] = i * each;
            lengths[i] = i == parts - 1 ? size - starts[i] : each;
        }
        List<URI> urls = new ArrayList<>();
        long[] offsets = new long[parts];
        boolean resumed = false;
        if (entry != null && entry.parts().size() == parts) {
            resumed = true;
            for (int i = 0; i < parts && resumed; i++) {
                URI part = URI.create(entry.parts().get(i));
                long[] state = offsetOf(part);
                if (state == null || state[1] != lengths[i]) {
                    resumed = false;
                } else {
                    urls.add(part);
                    offsets[i] = state[0];
                }
            }
            if (!resumed) {
                listener.notice(file, "the earlier parts are gone: starting a new upload");
                urls.clear();
                java.util.Arrays.fill(offsets, 0);
            }
        }
        // The final upload, when it was made before the parts were sent (a run that was stopped remembers it).
        URI whole = null;
        if (resumed && entry.upload() != null) {
            URI known = URI.create(entry.upload());
            long[] state = offsetOf(known);
            if (state != null && (state[1] == size || state[1] < 0)) {
                whole = known;
            }
        }
        boolean fresh = urls.isEmpty();
        if (fresh) {
            for (int i = 0; i < parts; i++) {
                urls.add(create(lengths[i], TusFields.Concat.PARTIAL, new long[1], false));
            }
        }
        if (whole == null && caps.has("concatenation-unfinished")) {
            // Made now, with the file's name, rather than once every part is there: a server can then show the parts
            // as the one file they make up while they travel (carryon serve's page does), and it assembles the file
            // itself when the last part completes.
            whole = concatenate(urls);
            fresh = true;
        }
        if (fresh) {
            save(whole, urls.stream().map(URI::toString).toList(), false);
        }
        acknowledged = offsets.clone();
        begin(new UploadListener.Started(file, endpoint, urls.get(0), size, sum(offsets), resumed, parts));
        ExecutorService pool = Executors.newFixedThreadPool(parts, r -> {
            Thread t = new Thread(r, "carryon-put-part");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                int n = i;
                running.add(pool.submit(() -> {
                    send(urls.get(n), starts[n], lengths[n], offsets[n], n);
                    return null;
                }));
            }
            for (Future<Void> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof TransferException te) {
                        throw te;
                    }
                    throw new TransferException(TransferException.Kind.NETWORK, "a part failed: " + e.getCause(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransferException(TransferException.Kind.NETWORK, "interrupted");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (whole != null) {
            long[] state = offsetOf(whole);
            if (state != null && state[0] == size && state[1] == size) {
                return whole;
            }
            // Not assembled (a server that lost the final, or one that assembles only when asked): a final of its
            // own, from parts that are all complete, is assembled at once.
            listener.notice(file, "the final upload " + whole + " was not assembled: joining the parts again");
        }
        return concatenate(urls);
    }

    private URI concatenate(List<URI> parts) throws TransferException {
        String concat = new TusFields.Concat(TusFields.Concat.Kind.FINAL,
                parts.stream().map(URI::toString).toList()).headerValue();
        while (true) {
            Request r = request("POST", endpoint).with("Upload-Concat", concat)
                    .with("Upload-Metadata", metadata());
            try (Call c = client.send(r)) {
                ResponseHead h = c.head();
                String reason = h.status() >= 400 ? reason(c, h) : drain(c);
                if (h.status() == 201 && h.first("location") != null) {
                    return endpoint.resolve(h.first("location").strip());
                }
                failOrRetry(h, reason, "joining the parts");
            } catch (TransferException e) {
                throw e;
            } catch (IOException e) {
                failed(describe(e), null);
            }
        }
    }

    // ---- requests ----

    /** POST: a new upload (or part) of {@code length} bytes; with data when creation-with-upload is offered. */
    private URI create(long length, TusFields.Concat concat, long[] offsetOut, boolean withData) throws TransferException {
        while (true) {
            Request r = request("POST", endpoint).with("Upload-Length", Long.toString(length));
            if (concat != null) {
                r = r.with("Upload-Concat", concat.headerValue());
            } else {
                r = r.with("Upload-Metadata", metadata());
            }
            long first = 0;
            // Data rides on the creation when offered, unless a checksum must precede it and no trailer can carry it.
            if (withData && length > 0 && caps.has("creation-with-upload")
                    && (!wantsChecksum() || caps.has("checksum-trailer"))) {
                first = Math.min(options.chunkSize() > 0 ? Math.min(options.chunkSize(), length) : length,
                        CREATION_DATA);
                r = r.with("Content-Type", "application/offset+octet-stream")
                        .withBody(slice(0, first, r));
            }
            try (Call c = client.send(r)) {
                ResponseHead h = c.head();
                String reason = h.status() >= 400 ? reason(c, h) : drain(c);
                if (h.status() == 201 && h.first("location") != null) {
                    URI upload = endpoint.resolve(h.first("location").strip());
                    noteServed(upload, h);
                    offsetOut[0] = first > 0 ? parse(h.first("upload-offset")) : 0;
                    if (offsetOut[0] < 0) {
                        offsetOut[0] = 0;
                    }
                    progress(0, offsetOut[0]);
                    return upload;
                }
                failOrRetry(h, reason, "creating the upload");
            } catch (TransferException e) {
                throw e;
            } catch (IOException e) {
                failed(describe(e), null);
            }
        }
    }

    /**
     * PATCHes bytes {@code [offset, length)} of a part that starts at {@code base} in the file. With checksums, each
     * chunk's is computed while the chunk before it travels and commits, so that the body itself can go with
     * sendfile(2) and the checksum in a header; chunks are sized by a {@link ChunkSizer}, one chunk ahead.
     */
    private void send(URI upload, long base, long length, long offset, int part) throws TransferException {
        // parts share the rate limit: each goes at its share at most
        ChunkSizer sizer = new ChunkSizer(options.limitRate() / Math.max(1, acknowledged.length));
        ExecutorService hasher = wantsChecksum() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "carryon-put-hash");
            t.setDaemon(true);
            return t;
        }) : null;
        Ahead ahead = null;
        try {
            long at = offset;
            while (at < length) {
                checkUnchanged();
                long chunk = ahead != null && ahead.at() == at ? ahead.length()
                        : Math.min(chunkLimit(sizer), length - at);
                Request r = request("PATCH", upload).with("Upload-Offset", Long.toString(at))
                        .with("Content-Type", "application/offset+octet-stream")
                        .withBody(new FileSlice(file, base + at, chunk, null, null, null, new LongAccumulatorSink(sent)));
                if (hasher != null) {
                    DigestAlgorithm alg = checksumAlgorithm();
                    byte[] sum = ahead != null && ahead.at() == at && ahead.length() == chunk ? ahead.sum()
                            : hashSlice(base + at, chunk, alg);
                    r = r.with("Upload-Checksum", new TusFields.Checksum(alg, sum).headerValue());
                    if (ahead != null) {
                        ahead.hash().cancel(true);
                    }
                    long nextAt = at + chunk;
                    long nextLength = Math.min(chunkLimit(sizer), length - nextAt);
                    ahead = nextAt >= length ? null : new Ahead(nextAt, nextLength,
                            hasher.submit(() -> hashSlice(base + nextAt, nextLength, alg)));
                }
                long began = System.nanoTime();
                try (Call c = client.send(r)) {
                    ResponseHead h = c.head();
                    String reason = h.status() >= 400 ? reason(c, h) : drain(c);
                    if (h.status() == 204 || h.status() == 200) {
                        noteServed(upload, h);
                        long now = parse(h.first("upload-offset"));
                        if (now < at) {
                            throw new TransferException(TransferException.Kind.HTTP, "the server answered the PATCH"
                                    + " with Upload-Offset " + h.first("upload-offset") + ", before " + at);
                        }
                        sizer.sent(now - at, System.nanoTime() - began);
                        progress(part, now);
                        at = now;
                        synchronized (lock) {
                            failures = 0;
                        }
                        continue;
                    }
                    if (h.status() == 409 || h.status() == 460) {
                        long[] state = offsetOf(upload);
                        if (state == null) {
                            throw new TransferException(TransferException.Kind.HTTP, "the upload " + upload
                                    + " is gone; rerun to start a new one");
                        }
                        at = state[0];
                        progress(part, at);
                        failed(h.status() == 460 ? "the server found a checksum mismatch; sending the chunk again"
                                : "the server is at another offset (" + at + ")", null);
                        continue;
                    }
                    failOrRetry(h, reason, "sending data");
                } catch (TransferException e) {
                    throw e;
                } catch (IOException e) {
                    failed(describe(e), null);
                }
                long[] state = offsetOf(upload);
                if (state != null) {
                    at = state[0];
                    progress(part, at);
                }
            }
        } finally {
            if (hasher != null) {
                hasher.shutdownNow();
            }
        }
    }

    /** The checksum of the chunk at {@code at}, being computed while the chunk before it is sent. */
    private record Ahead(long at, long length, Future<byte[]> hash) {
        byte[] sum() throws TransferException {
            try {
                return hash.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof TransferException te) {
                    throw te;
                }
                throw new TransferException(TransferException.Kind.LOCAL_IO, "cannot hash the next chunk: "
                        + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransferException(TransferException.Kind.NETWORK, "interrupted");
            }
        }
    }

    /** HEAD: {offset, length} of an upload; null when it is gone (404, 410, 403). Retries other failures. */
    /**
     * Notes where the server serves the finished upload, from a {@code Content-Location} on an answer about it
     * (carryon serve sends one once the upload is complete; tusd and @tus/server do not).
     */
    private void noteServed(URI upload, ResponseHead h) {
        String location = h.first("content-location");
        if (location != null && h.status() / 100 == 2) {
            try {
                served = upload.resolve(location.strip());
            } catch (IllegalArgumentException e) {
                // not a URI: the upload is done all the same, only not said where
            }
        }
    }

    private long[] offsetOf(URI upload) throws TransferException {
        while (true) {
            try (Call c = client.send(request("HEAD", upload))) {
                ResponseHead h = c.head();
                drain(c);
                if (h.status() == 200 || h.status() == 204) {
                    noteServed(upload, h);
                    return new long[] {parse(h.first("upload-offset")), parse(h.first("upload-length"))};
                }
                if (h.status() == 404 || h.status() == 410 || h.status() == 403) {
                    return null;
                }
                failOrRetry(h, "", "asking the upload's offset");
            } catch (TransferException e) {
                throw e;
            } catch (IOException e) {
                failed(describe(e), null);
            }
        }
    }

    private FileSlice slice(long position, long length, Request r) {
        LongAccumulatorSink counter = new LongAccumulatorSink(sent);
        if (wantsChecksum() && caps.has("checksum-trailer")) {
            DigestAlgorithm alg = checksumAlgorithm();
            MessageDigest d = alg.newDigest();
            return new FileSlice(file, position, length, d::update,
                    () -> List.<String[]>of(new String[] {"Upload-Checksum",
                            new TusFields.Checksum(alg, d.digest()).headerValue()}),
                    List.of("Upload-Checksum"), counter);
        }
        return new FileSlice(file, position, length, null, null, null, counter);
    }

    /** Counts bytes as they leave. */
    private record LongAccumulatorSink(AtomicLong total) implements java.util.function.LongConsumer {
        @Override
        public void accept(long n) {
            total.addAndGet(n);
        }
    }

    /**
     * The most bytes one PATCH carries: the user's --chunk-size; else, with checksums, what the sizer says (a chunk
     * verified whole is lost whole when its request breaks); else the rest of the file.
     */
    private long chunkLimit(ChunkSizer sizer) {
        return options.chunkSize() > 0 ? options.chunkSize() : wantsChecksum() ? sizer.next() : Long.MAX_VALUE;
    }

    private boolean wantsChecksum() {
        return options.checksums() && caps.has("checksum") && !caps.checksums().isEmpty();
    }

    private DigestAlgorithm checksumAlgorithm() {
        if (caps.checksums().contains("sha256")) {
            return DigestAlgorithm.SHA_256;
        }
        if (caps.checksums().contains("sha1")) {
            return DigestAlgorithm.SHA_1;
        }
        return caps.checksums().contains("sha512") ? DigestAlgorithm.SHA_512 : DigestAlgorithm.MD5;
    }

    private byte[] hashSlice(long position, long length, DigestAlgorithm alg) throws TransferException {
        MessageDigest d = alg.newDigest();
        try {
            FileRanges.read(file, position, position + length, (at, bytes) -> d.update(bytes));
        } catch (EOFException e) {
            throw new TransferException(TransferException.Kind.LOCAL_IO, file + " got shorter while uploading");
        } catch (IOException e) {
            throw new TransferException(TransferException.Kind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return d.digest();
    }

    private Request request(String method, URI uri) {
        Request r = new Request(method, uri, List.of()).with("Tus-Resumable", TusFields.VERSION).with(options.headers());
        if (options.token() != null) {
            r = r.with("Authorization", "Bearer " + options.token());
        }
        return r;
    }

    private String metadata() {
        UploadMetadata m = UploadMetadata.EMPTY.with("filename", file.getFileName().toString());
        for (Map.Entry<String, String> e : options.metadata().entrySet()) {
            m = m.with(e.getKey(), e.getValue());
        }
        return m.format();
    }

    private void save(URI upload, List<String> parts, boolean complete) {
        try {
            store.save(file, endpoint.toString(), new ResumeStore.Entry(identity, size, mtimeNanos,
                    upload == null ? null : upload.toString(), parts, complete));
        } catch (IOException e) {
            listener.notice(file, "cannot remember the upload for a later run (" + e.getMessage()
                    + "); it goes on, but a rerun would start over");
        }
    }

    // ---- failures ----

    /** Retryable statuses wait and return; others end the upload with the server's reason. */
    private void failOrRetry(ResponseHead h, String reason, String doing) throws TransferException {
        int s = h.status();
        if (RetryPolicy.retryable(s)) {
            Duration retryAfter = RetryPolicy.retryAfter(h.first("retry-after"), Instant.now()).orElse(null);
            failed(s + " while " + doing + (reason.isEmpty() ? "" : " (" + reason + ")"), retryAfter);
            return;
        }
        throw new TransferException(TransferException.Kind.HTTP, "the server answered " + s + " while " + doing
                + (reason.isEmpty() ? "" : ": " + reason));
    }

    private void failed(String reason, Duration retryAfter) throws TransferException {
        int n;
        synchronized (lock) {
            n = ++failures;
        }
        RetryPolicy.Decision decision = retry.afterFailure(n, reason, "What the server has is kept", retryAfter,
                ThreadLocalRandom.current().nextDouble());
        if (decision instanceof RetryPolicy.GiveUp g) {
            throw new TransferException(TransferException.Kind.NETWORK, g.message());
        }
        Duration delay = ((RetryPolicy.Wait) decision).delay();
        listener.retrying(file, reason, delay, n);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException(TransferException.Kind.NETWORK, "interrupted");
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // ---- progress ----

    private void progress(int part, long offset) {
        synchronized (lock) {
            if (part < acknowledged.length) {
                acknowledged[part] = offset;
            }
        }
    }

    /** Tells the listener the upload started, then progress every 200 ms: never progress before the start. */
    private void begin(UploadListener.Started started) {
        listener.started(started);
        ticker = ticker();
    }

    private Thread ticker() {
        Thread t = new Thread(() -> {
            SpeedAverage average = new SpeedAverage(sent.get(), System.nanoTime());
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(200);
                    long s = sent.get();
                    long speed = average.update(s, System.nanoTime());
                    long ack;
                    int parts;
                    synchronized (lock) {
                        ack = sum(acknowledged);
                        parts = acknowledged.length;
                    }
                    listener.progress(new UploadListener.Progress(file, ack, s, size, speed, parts));
                }
            } catch (InterruptedException e) {
                // the upload ended
            }
        }, "carryon-put-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    // ---- helpers ----

    private static String drain(Call c) throws IOException {
        c.discard();
        return "";
    }

    private static String reason(Call c, ResponseHead h) {
        String text = c.text(2048).replaceAll("\\s+", " ").strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static Set<String> split(String list) {
        Set<String> out = new HashSet<>();
        if (list != null) {
            for (String s : list.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static long parse(String v) {
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
