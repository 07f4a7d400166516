package dev.carryon.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's metrics, in one Micrometer registry scraped in the Prometheus text format. Meters that the hot
 * path touches are created once and kept, so a request costs a map lookup and an add, never a registration.
 */
public final class ServerMetrics implements AutoCloseable {

    /** How a request used ranges, for {@code carryon_range_requests_total{kind}}. */
    public enum RangeKind {
        SINGLE, MULTIPART, UNSATISFIABLE, INVALID, IF_RANGE_FAILED, ABUSE_GUARD, EMPTY_REPRESENTATION;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** Where a digest came from, for {@code carryon_digest_lookups_total{result}}. */
    public enum DigestLookup {
        MEMORY, STORED, MISS;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<Long, Counter> requests = new ConcurrentHashMap<>();
    private final Map<RangeKind, Counter> ranges = new ConcurrentHashMap<>();
    private final Map<DigestLookup, Counter> digestLookups = new ConcurrentHashMap<>();
    private final Counter bodyBytes;
    private final Counter connectionsAccepted;
    private final Counter responsesCut;
    private final Counter digestsComputed;
    private final Counter digestBytes;
    private final Counter accessLogDropped;
    private final Timer requestDuration;
    private final Counter uploadsCreated;
    private final Counter uploadsCompleted;
    private final Counter uploadsExpired;
    private final Counter uploadBytes;
    private final Counter uploadChecksumFailures;
    private final Counter uploadTakeovers;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger activeDownloadSessions = new AtomicInteger();
    private final AtomicInteger activeUploads = new AtomicInteger();
    private final Counter journalDropped;
    private final Timer journalWrite;

    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("carryon.connections.open", openConnections, AtomicInteger::get)
                .description("Client connections open now").register(registry);
        bodyBytes = Counter.builder("carryon.response.body.bytes")
                .description("Response body bytes sent").baseUnit("bytes").register(registry);
        connectionsAccepted = Counter.builder("carryon.connections.accepted")
                .description("Client connections accepted").register(registry);
        responsesCut = Counter.builder("carryon.responses.cut")
                .description("Responses ended before their last byte: the file changed, or the client went away")
                .register(registry);
        digestsComputed = Counter.builder("carryon.digest.computations")
                .description("Files hashed for Repr-Digest").register(registry);
        digestBytes = Counter.builder("carryon.digest.bytes")
                .description("Bytes read to compute digests").baseUnit("bytes").register(registry);
        accessLogDropped = Counter.builder("carryon.access.log.dropped")
                .description("Access log lines dropped because the writer fell behind").register(registry);
        requestDuration = Timer.builder("carryon.request.duration")
                .description("From the request's headers to the response's last byte").register(registry);
        // Not "carryon.uploads.created": Prometheus reserves the _created suffix and the exposition dropped it
        // (carryon_uploads_total).
        uploadsCreated = Counter.builder("carryon.upload.creations").description("Uploads created").register(registry);
        uploadsCompleted = Counter.builder("carryon.uploads.completed")
                .description("Uploads completed (and moved into the served directory, unless partial)").register(registry);
        uploadsExpired = Counter.builder("carryon.uploads.expired")
                .description("Unfinished uploads removed after their expiry").register(registry);
        uploadBytes = Counter.builder("carryon.upload.bytes").description("Upload bytes received")
                .baseUnit("bytes").register(registry);
        uploadChecksumFailures = Counter.builder("carryon.upload.checksum.failures")
                .description("Upload chunks discarded because their checksum did not match").register(registry);
        uploadTakeovers = Counter.builder("carryon.upload.takeovers")
                .description("Upload requests ended because a newer request for the same upload came").register(registry);
        Gauge.builder("carryon.journal.downloads.active", activeDownloadSessions, AtomicInteger::get)
                .description("Download sessions with bytes sent within the last 10 s and not complete")
                .register(registry);
        Gauge.builder("carryon.journal.uploads.active", activeUploads, AtomicInteger::get)
                .description("Uploads that received bytes within the last 10 s and are not complete")
                .register(registry);
        journalDropped = Counter.builder("carryon.journal.events.dropped")
                .description("Transfer journal events dropped because its thread fell behind").register(registry);
        journalWrite = Timer.builder("carryon.journal.write.duration")
                .description("Time to write one batch of changed transfers to the state database")
                .register(registry);
        for (RangeKind k : RangeKind.values()) {
            ranges.put(k, Counter.builder("carryon.range.requests").tag("kind", k.tag)
                    .description("Requests with a Range header, by what was done with it").register(registry));
        }
        for (DigestLookup d : DigestLookup.values()) {
            digestLookups.put(d, Counter.builder("carryon.digest.lookups").tag("result", d.tag)
                    .description("Digest cache lookups: found in memory, in the database, or not yet known")
                    .register(registry));
        }
    }

    public void request(String method, int status, long durationNanos) {
        String m = switch (method) {
            case "GET", "HEAD", "OPTIONS", "POST", "PATCH", "PUT", "DELETE" -> method;
            default -> "OTHER";
        };
        long key = ((long) m.hashCode() << 32) | status;
        requests.computeIfAbsent(key, k -> Counter.builder("carryon.http.requests")
                .tag("method", m).tag("status", Integer.toString(status))
                .description("Requests answered, by method and status").register(registry)).increment();
        requestDuration.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    public void bodyBytes(long n) {
        bodyBytes.increment(n);
    }

    public void range(RangeKind kind) {
        ranges.get(kind).increment();
    }

    public void digestLookup(DigestLookup result) {
        digestLookups.get(result).increment();
    }

    public void digestComputed(long bytes) {
        digestsComputed.increment();
        digestBytes.increment(bytes);
    }

    public void uploadCreated() {
        uploadsCreated.increment();
    }

    public void uploadCompleted() {
        uploadsCompleted.increment();
    }

    public void uploadExpired() {
        uploadsExpired.increment();
    }

    public void uploadBytes(long n) {
        uploadBytes.increment(n);
    }

    public void uploadChecksumFailed() {
        uploadChecksumFailures.increment();
    }

    public void uploadTakeover() {
        uploadTakeovers.increment();
    }

    public void responseCut() {
        responsesCut.increment();
    }

    public void accessLogDropped() {
        accessLogDropped.increment();
    }

    public void journalDropped() {
        journalDropped.increment();
    }

    public void journalWrite(long nanos) {
        journalWrite.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void journalActive(int downloads, int uploads) {
        activeDownloadSessions.set(downloads);
        activeUploads.set(uploads);
    }

    public void connectionOpened() {
        connectionsAccepted.increment();
        openConnections.incrementAndGet();
    }

    public void connectionClosed() {
        openConnections.decrementAndGet();
    }

    public int openConnections() {
        return openConnections.get();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
