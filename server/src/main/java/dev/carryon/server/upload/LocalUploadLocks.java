package dev.carryon.server.upload;

import dev.carryon.server.metrics.ServerMetrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** {@link UploadLocks} within one process: a map from upload id to its writer. */
final class LocalUploadLocks implements UploadLocks {

    private final Map<String, Appender> writers = new ConcurrentHashMap<>();
    private final ServerMetrics metrics;

    LocalUploadLocks(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Appender writer(String id) {
        return writers.get(id);
    }

    @Override
    public boolean claim(String id, Appender appender) {
        return writers.putIfAbsent(id, appender) == null;
    }

    @Override
    public void release(String id, Appender appender) {
        writers.remove(id, appender);
    }

    @Override
    public CompletableFuture<Void> takeOver(String id, String why) {
        Appender w = writers.get(id);
        if (w == null) {
            return CompletableFuture.completedFuture(null);
        }
        metrics.uploadTakeover();
        CompletableFuture<Void> done = new CompletableFuture<>();
        w.writer().execute(() -> {
            w.abort(why).whenComplete((v, e) -> done.complete(null));
            w.writer().end();
        });
        return done;
    }

    @Override
    public CompletableFuture<Void> takeOverIfStalled(String id, Duration stall) {
        Appender w = writers.get(id);
        // A writer whose connection is gone is still committing what arrived: wait for it, so that the answer
        // counts those bytes (else the client resends them, or meets a 409).
        if (w == null || w.writer().connected() && System.nanoTime() - w.lastByteNanos() < stall.toNanos()) {
            return CompletableFuture.completedFuture(null);
        }
        return takeOver(id, w.writer().connected() ? "it stalled" : "its connection is gone");
    }
}
