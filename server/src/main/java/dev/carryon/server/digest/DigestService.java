package dev.carryon.server.digest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.server.files.OpenFile.FileVersion;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.DigestStore;
import dev.carryon.server.store.DigestStore.StoredDigests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Digests of served files for {@code Repr-Digest}, computed in the background once per file version
 * (size, modification time, identity) and remembered in the embedded database, with the recent ones in memory.
 *
 * <p>A request never waits for hashing: {@link #lookup} answers with what is known now and, for a version not
 * yet hashed, queues it. sha-256 and sha-512 come from the same single read of the file.
 */
public final class DigestService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DigestService.class);
    private static final int MAX_QUEUED = 10_000;

    /**
     * The digests of one version of one file.
     *
     * @param contentEtag the file came in as an upload, so its ETag is its content hash
     */
    public record FileDigests(long size, long mtimeNanos, long identity, Map<DigestAlgorithm, byte[]> values,
                              boolean contentEtag) {

        boolean isOf(FileVersion v) {
            return size == v.size() && mtimeNanos == nanos(v) && identity == v.identity();
        }
    }

    private final DigestStore store;
    private final ServerMetrics metrics;
    private final Cache<String, FileDigests> memory = Caffeine.newBuilder().maximumSize(100_000).build();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ExecutorService hasher;

    public DigestService(DigestStore store, ServerMetrics metrics) {
        this.store = store;
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
     * Called on I/O threads: a memory lookup, and on a miss one indexed read of the database.
     */
    public Optional<FileDigests> lookup(Path path, FileVersion version) {
        String key = path.toString();
        FileDigests known = memory.getIfPresent(key);
        if (known != null && known.isOf(version)) {
            metrics.digestLookup(ServerMetrics.DigestLookup.MEMORY);
            return Optional.of(known);
        }
        if (!queued.contains(key)) {
            Optional<StoredDigests> stored = store.find(key);
            if (stored.isPresent()) {
                FileDigests d = fromStored(stored.get());
                if (d.isOf(version)) {
                    memory.put(key, d);
                    metrics.digestLookup(ServerMetrics.DigestLookup.STORED);
                    return Optional.of(d);
                }
            }
            enqueue(path, key, version);
        }
        metrics.digestLookup(ServerMetrics.DigestLookup.MISS);
        return Optional.empty();
    }

    private void enqueue(Path path, String key, FileVersion version) {
        if (!queued.add(key)) {
            return;
        }
        try {
            hasher.execute(() -> {
                try {
                    compute(path, key, version);
                } finally {
                    queued.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(key); // full or shutting down: a later request asks again
        }
    }

    private void compute(Path path, String key, FileVersion expected) {
        try {
            if (!FileVersion.read(path).equals(expected)) {
                return; // changed since it was queued; the next request queues the new version
            }
            MessageDigest sha256 = DigestAlgorithm.SHA_256.newDigest();
            MessageDigest sha512 = DigestAlgorithm.SHA_512.newDigest();
            long read = 0;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                while (ch.read(buf) >= 0) {
                    buf.flip();
                    read += buf.remaining();
                    sha256.update(buf.duplicate());
                    sha512.update(buf);
                    buf.clear();
                }
            }
            if (read != expected.size() || !FileVersion.read(path).equals(expected)) {
                return; // changed while being read: these digests describe no single version
            }
            Map<DigestAlgorithm, byte[]> values = new EnumMap<>(DigestAlgorithm.class);
            values.put(DigestAlgorithm.SHA_256, sha256.digest());
            values.put(DigestAlgorithm.SHA_512, sha512.digest());
            record(path, expected, values.get(DigestAlgorithm.SHA_256), values.get(DigestAlgorithm.SHA_512), false);
            metrics.digestComputed(read);
        } catch (IOException e) {
            log.debug("cannot hash {}: {}", path, e.getMessage());
        }
    }

    /**
     * Records digests known without reading the file (an upload hashed its bytes as they arrived); with
     * {@code contentEtag}, the file's ETag becomes its content hash.
     */
    public void record(Path path, FileVersion version, byte[] sha256, byte[] sha512, boolean contentEtag) {
        String key = path.toString();
        store.put(key, new StoredDigests(version.size(), nanos(version), version.identity(), sha256, sha512,
                contentEtag));
        memory.put(key, fromStored(new StoredDigests(version.size(), nanos(version), version.identity(), sha256,
                sha512, contentEtag)));
    }

    private static FileDigests fromStored(StoredDigests s) {
        Map<DigestAlgorithm, byte[]> values = new EnumMap<>(DigestAlgorithm.class);
        values.put(DigestAlgorithm.SHA_256, s.sha256());
        if (s.sha512() != null && s.sha512().length > 0) {
            values.put(DigestAlgorithm.SHA_512, s.sha512());
        }
        return new FileDigests(s.size(), s.mtimeNanos(), s.identity(), Map.copyOf(values), s.contentEtag());
    }

    static long nanos(FileVersion v) {
        return v.modified().to(TimeUnit.NANOSECONDS);
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
