package dev.carryon.server.upload;

import dev.carryon.server.metrics.ServerMetrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** {@link UploadLocks} within one process: a map from upload id to its writer. */
public final class LocalUploadLocks implements UploadLocks {

    private final Map<String, Holder> writers = new ConcurrentHashMap<>();
    private final ServerMetrics metrics;

    /** @param metrics counts takeovers, or null */
    public LocalUploadLocks(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Holder writer(String id) {
        return writers.get(id);
    }

    @Override
    public boolean claim(String id, Holder holder) {
        return writers.putIfAbsent(id, holder) == null;
    }

    @Override
    public void release(String id, Holder holder) {
        writers.remove(id, holder);
    }

    @Override
    public CompletableFuture<Void> takeOver(String id, String why) {
        Holder w = writers.get(id);
        if (w == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (metrics != null) {
            metrics.uploadTakeover();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        w.writer().execute(() -> {
            w.abort(why).whenComplete((v, e) -> done.complete(null));
            w.writer().end();
        });
        return done;
    }

    @Override
    public CompletableFuture<Void> takeOverIfStalled(String id, Duration stall) {
        Holder w = writers.get(id);
        // A writer whose connection is gone is still committing what arrived: wait for it, so that the answer
        // counts those bytes (else the client resends them, or meets a 409).
        if (w == null || w.writer().connected() && System.nanoTime() - w.lastByteNanos() < stall.toNanos()) {
            return CompletableFuture.completedFuture(null);
        }
        return takeOver(id, w.writer().connected() ? "it stalled" : "its connection is gone");
    }
}
