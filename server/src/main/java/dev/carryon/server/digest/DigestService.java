package dev.carryon.server.digest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.server.content.ContentEntry;
import dev.carryon.server.content.ContentVersion;
import dev.carryon.server.content.PinnedContent;
import dev.carryon.server.content.ServedContent;
import dev.carryon.server.files.OpenFile.FileVersion;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.DigestStore;
import dev.carryon.server.store.DigestStore.StoredDigests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Digests of served files for {@code Repr-Digest}, computed in the background once per file version (its
 * version token) and remembered in a {@link DigestStore}, with the recent ones in memory.
 *
 * <p>A request never waits for hashing: {@link #lookup} answers with what is known now and, for a version not
 * yet hashed, queues it. sha-256 and sha-512 come from the same single read of the version, opened pinned
 * through the served content, so digests never describe a mix of two versions.
 */
public final class DigestService implements ContentDigests, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DigestService.class);
    private static final int MAX_QUEUED = 10_000;

    private final DigestStore store;
    private final ServedContent content;
    private final ServerMetrics metrics;
    private final Cache<String, FileDigests> memory = Caffeine.newBuilder().maximumSize(100_000).build();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ExecutorService hasher;

    /** Remembers recorded digests only: nothing is there to read a file through. */
    public DigestService(DigestStore store, ServerMetrics metrics) {
        this(store, null, metrics);
    }

    /**
     * @param content where versions not yet hashed are read; null to remember recorded digests only
     */
    public DigestService(DigestStore store, ServedContent content, ServerMetrics metrics) {
        this.store = store;
        this.content = content;
        this.metrics = metrics;
        this.hasher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_QUEUED),
                r -> {
                    Thread t = new Thread(r, "carryon-digest");
                    t.setDaemon(true);
                    t.setPriority(Thread.MIN_PRIORITY);
                    return t;
                });
    }

    /**
     * The digests of this version of the file if known. Otherwise empty, and the file is queued for hashing.
     * Called on I/O threads: a memory lookup, and on a miss one indexed read of the store.
     */
    @Override
    public Optional<FileDigests> lookup(ContentEntry file) {
        String key = file.key();
        String version = file.version().token();
        FileDigests known = memory.getIfPresent(key);
        if (known != null && known.version().equals(version)) {
            metrics.digestLookup(ServerMetrics.DigestLookup.MEMORY);
            return Optional.of(known);
        }
        if (!queued.contains(key)) {
            Optional<StoredDigests> stored = store.find(key, version);
            if (stored.isPresent()) {
                FileDigests d = fromStored(version, stored.get());
                memory.put(key, d);
                metrics.digestLookup(ServerMetrics.DigestLookup.STORED);
                return Optional.of(d);
            }
            enqueue(file);
        }
        metrics.digestLookup(ServerMetrics.DigestLookup.MISS);
        return Optional.empty();
    }

    private void enqueue(ContentEntry file) {
        if (content == null || !queued.add(file.key())) {
            return;
        }
        try {
            hasher.execute(() -> {
                try {
                    compute(file);
                } finally {
                    queued.remove(file.key());
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(file.key()); // full or shutting down: a later request asks again
        }
    }

    private void compute(ContentEntry file) {
        PinnedContent pinned;
        try {
            pinned = content.open(file);
        } catch (IOException e) {
            log.debug("cannot hash {}: {}", file.key(), e.getMessage());
            return;
        }
        try {
            pinned.confirm(); // changed since it was queued: the next request queues the new version
            MessageDigest sha256 = DigestAlgorithm.SHA_256.newDigest();
            MessageDigest sha512 = DigestAlgorithm.SHA_512.newDigest();
            long read = 0;
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            for (int n; (n = pinned.read(buf, read)) >= 0; ) {
                buf.flip();
                read += n;
                sha256.update(buf.duplicate());
                sha512.update(buf);
                buf.clear();
            }
            if (read != file.size()) {
                return; // changed while being read: these digests describe no single version
            }
            pinned.confirm();
            record(file.key(), file.version(), sha256.digest(), sha512.digest(), false);
            metrics.digestComputed(read);
        } catch (IOException e) {
            log.debug("cannot hash {}: {}", file.key(), e.getMessage());
        } finally {
            pinned.release();
        }
    }

    @Override
    public void record(String key, ContentVersion version, byte[] sha256, byte[] sha512, boolean contentEtag) {
        StoredDigests d = new StoredDigests(sha256, sha512, contentEtag);
        store.put(key, version, d);
        memory.put(key, fromStored(version.token(), d));
    }

    /**
     * Records the digests of a local file (an upload placed it), under the key {@link
     * dev.carryon.server.files.LocalDirectory} gives it, with {@code contentEtag} its ETag becomes its content
     * hash.
     */
    public void record(Path path, FileVersion version, byte[] sha256, byte[] sha512, boolean contentEtag) {
        record(path.toString(), version.content(), sha256, sha512, contentEtag);
    }

    private static FileDigests fromStored(String version, StoredDigests s) {
        Map<DigestAlgorithm, byte[]> values = new EnumMap<>(DigestAlgorithm.class);
        values.put(DigestAlgorithm.SHA_256, s.sha256());
        if (s.sha512() != null && s.sha512().length > 0) {
            values.put(DigestAlgorithm.SHA_512, s.sha512());
        }
        return new FileDigests(version, values, s.contentEtag());
    }
    /** Waits until nothing is queued or being hashed; for tests and orderly shutdown. */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!queued.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        hasher.shutdownNow();
        try {
            hasher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
