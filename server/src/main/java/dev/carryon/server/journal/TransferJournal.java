package dev.carryon.server.journal;

import dev.carryon.core.journal.DownloadEvent;
import dev.carryon.core.journal.DownloadRecord;
import dev.carryon.core.journal.DownloadSession;
import dev.carryon.core.journal.RateWindow;
import dev.carryon.core.journal.SessionGrouper;
import dev.carryon.core.journal.TransferState;
import dev.carryon.core.path.RequestPath;
import dev.carryon.core.upload.Upload;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.TransferStore;
import dev.carryon.server.store.UploadStore;
import dev.carryon.server.upload.UploadEndpoint;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.locks.LockSupport;

/**
 * The transfer journal: which files are being downloaded and uploaded, by whom, and how far each has come.
 *
 * <p>The I/O threads only {@link #record} a small immutable event per finished response (and one a second while a
 * long body goes out): a non-blocking offer to a bounded queue, dropped and counted when full. One background
 * thread groups the events into sessions (the core's {@link SessionGrouper}), publishes an immutable
 * {@link View} for the API, writes the sessions that changed to the state database at most once a second in one
 * transaction, follows the upload records to tell their speed, and prunes by age and count. On start, the sessions
 * of the retention period are loaded back, so a restart still shows them.
 */
public final class TransferJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransferJournal.class);
    private static final long WRITE_EVERY_MILLIS = 1000;
    private static final long PUBLISH_EVERY_MILLIS = 250;
    private static final long POLL_NANOS = 50_000_000;
    private static final long UPLOADS_EVERY_MILLIS = 1000;
    /** The most uploads the journal follows (the most recently changed). */
    public static final int MAX_UPLOADS = 1000;

    /**
     * One upload as the journal shows it. A final upload (tus concatenation) carries its parts, which are not
     * listed on their own: {@code carryon put -x 4} is one file in four parts, not four nameless uploads. Until
     * it is assembled, its offset is what its parts hold together, its length theirs when its own is not known
     * yet, and its last activity their latest.
     *
     * @param parts the parts of a final upload, in its order (those the journal still has); empty for any other
     */
    public record UploadView(String id, String name, long offset, long length, long created, long lastActivity,
                             Upload.State state, RateWindow rate, List<UploadView> parts) {

        public UploadView {
            parts = List.copyOf(parts);
        }

        public double bytesPerSecond(long nowMillis) {
            return rate == null ? 0 : rate.perSecond(nowMillis);
        }

        public TransferState state(long nowMillis) {
            return switch (state) {
                case COMPLETE -> TransferState.DONE;
                case EXPIRED -> TransferState.EXPIRED;
                case ACTIVE -> TransferState.of(false, lastActivity, nowMillis);
            };
        }
    }

    /** What the journal knows, as of its last batch: downloads and uploads, the most recent first. */
    public record View(List<DownloadRecord> downloads, List<UploadView> uploads) {
    }

    /**
     * Lock-free, bounded, array-backed (Netty's JCTools MPSC queue): an offer is a CAS, never a lock or a wake-up
     * of the journal's thread, which polls every {@link #POLL_NANOS} instead of waiting on the queue. (Waking a
     * waiting consumer on every offer cost the I/O threads a futex call per request: a third of the throughput
     * of 4 KiB range requests.)
     */
    private final Queue<DownloadEvent> queue;
    private final TransferStore store;
    private final UploadStore uploadSource;
    private final ServerMetrics metrics;
    private final JournalSettings settings;
    private final SessionGrouper grouper;
    private final Thread thread;
    private final long startedMillis = System.currentTimeMillis();
    /** A quarter of the retention, within 250 ms and a minute: a session outlives its retention by that at most. */
    private final long pruneEveryMillis;
    private volatile boolean running = true;
    private volatile View view = new View(List.of(), List.of());
    private final SendQueues sendQueues = new SendQueues();
    private static final long QUEUES_EVERY_MILLIS = 1000;

    // Owned by the journal's thread.
    private final Set<DownloadSession> unpublished = new LinkedHashSet<>();
    private final Set<DownloadSession> unwritten = new LinkedHashSet<>();
    private final Map<String, DownloadRecord> published = new HashMap<>();
    private final Map<String, UploadRate> uploadRates = new HashMap<>();
    private final Map<String, String> tokenIds = new HashMap<>();
    private final Map<String, String> canonical = new HashMap<>();
    private List<UploadView> uploads = List.of();

    private static final class UploadRate {
        long offset;
        final RateWindow rate = new RateWindow();
    }

    private TransferJournal(TransferStore store, UploadStore uploads, ServerMetrics metrics,
                            JournalSettings settings) {
        this.queue = PlatformDependent.newFixedMpscQueue(settings.queue());
        this.store = store;
        this.uploadSource = uploads;
        this.metrics = metrics;
        this.settings = settings;
        this.pruneEveryMillis = Math.max(250, Math.min(60_000, settings.retention().toMillis() / 4));
        this.grouper = new SessionGrouper(settings.gap().toMillis(), () -> UUID.randomUUID().toString());
        this.thread = new Thread(this::run, "carryon-journal");
        thread.setDaemon(true);
    }

    /**
     * Loads the sessions of the retention period and starts the journal's thread.
     *
     * @param uploads the upload records to follow, or null when there are no uploads to show
     */
    public static TransferJournal start(TransferStore store, UploadStore uploads, ServerMetrics metrics,
                                        JournalSettings settings) {
        TransferJournal j = new TransferJournal(store, uploads, metrics, settings);
        long since = j.startedMillis - settings.retention().toMillis();
        store.prune(since, settings.maxSessions());
        for (DownloadRecord r : store.load(since, settings.maxSessions())) {
            j.grouper.restore(r);
            j.published.put(r.id(), r);
        }
        if (uploads != null) {
            j.followUploads(j.startedMillis);
        }
        j.publish();
        j.thread.start();
        return j;
    }

    /**
     * Called on an I/O thread: never blocks; when the journal has fallen behind, the event is dropped and counted.
     * The event's path may be the raw request target and its credential the raw Authorization value: the
     * journal's thread resolves both.
     */
    public void record(DownloadEvent e) {
        if (!queue.offer(e)) {
            metrics.journalDropped();
        }
    }

    public View view() {
        return view;
    }

    /** The connections' send queues, so that a response counts what its client received (see SendQueues). */
    public SendQueues sendQueues() {
        return sendQueues;
    }

    private void run() {
        List<DownloadEvent> batch = new ArrayList<>(1024);
        long lastWrite = 0;
        long lastUploads = System.currentTimeMillis();
        long lastPrune = lastUploads;
        long lastGauges = lastUploads;
        long lastPublish = 0;
        long lastQueues = 0;
        while (running || !queue.isEmpty()) {
            try {
                DownloadEvent e;
                while (batch.size() < 4096 && (e = queue.poll()) != null) {
                    batch.add(e);
                }
                for (DownloadEvent each : batch) {
                    apply(each);
                }
                if (batch.isEmpty() && running) {
                    LockSupport.parkNanos(POLL_NANOS);
                }
                batch.clear();
            } catch (RuntimeException e) {
                batch.clear();
                log.warn("the transfer journal could not record an event", e);
            }
            long now = System.currentTimeMillis();
            if (sendQueues.wanted() && now - lastQueues >= QUEUES_EVERY_MILLIS) {
                sendQueues.refresh();
                lastQueues = now;
            }
            try {
                // A copy of a changed session costs its coverage's length: at most four a second.
                boolean changed = !unpublished.isEmpty() && now - lastPublish >= PUBLISH_EVERY_MILLIS;
                if (uploadSource != null && now - lastUploads >= UPLOADS_EVERY_MILLIS) {
                    followUploads(now);
                    lastUploads = now;
                    changed = true;
                }
                if (now - lastPrune >= pruneEveryMillis) {
                    prune(now);
                    lastPrune = now;
                    changed = true;
                }
                if (changed) {
                    publish();
                    lastPublish = now;
                } else if (now - lastGauges >= 1000) {
                    gauges(now, view);
                    lastGauges = now;
                }
                if (!unwritten.isEmpty() && (now - lastWrite >= WRITE_EVERY_MILLIS || !running)) {
                    write();
                    lastWrite = now;
                }
            } catch (RuntimeException e) {
                log.warn("the transfer journal could not write to the state database", e);
            }
        }
        try {
            publish();
            write();
        } catch (RuntimeException e) {
            log.warn("the transfer journal could not write to the state database", e);
        }
    }

    private void apply(DownloadEvent e) {
        String credential = null;
        String auth = e.credential();
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (tokenIds.size() > 1000) {
                tokenIds.clear();
            }
            credential = tokenIds.computeIfAbsent(auth.substring(7).strip(), UploadEndpoint::tokenId);
        }
        String path = canonical.get(e.path());
        if (path == null) {
            try {
                path = RequestPath.parse(e.path()).canonical();
            } catch (RequestPath.BadPathException bad) {
                path = e.path();
            }
            if (canonical.size() >= 4096) {
                canonical.clear();
            }
            canonical.put(e.path(), path);
        }
        DownloadSession s = grouper.record(e.resolved(path, credential));
        unpublished.add(s);
        unwritten.add(s);
    }

    private void write() {
        if (unwritten.isEmpty()) {
            return;
        }
        if (!unpublished.isEmpty()) {
            publish(); // what is written is what the API shows
        }
        List<DownloadRecord> records = new ArrayList<>(unwritten.size());
        for (DownloadSession s : unwritten) {
            DownloadRecord r = published.get(s.id());
            records.add(r != null ? r : s.snapshot());
        }
        unwritten.clear();
        long t0 = System.nanoTime();
        store.save(records);
        metrics.journalWrite(System.nanoTime() - t0);
    }

    private void prune(long now) {
        long before = now - settings.retention().toMillis();
        List<String> gone = grouper.prune(before, settings.maxSessions());
        for (String id : gone) {
            published.remove(id);
        }
        if (!gone.isEmpty()) {
            unpublished.removeIf(s -> grouper.find(s.id()) == null);
            unwritten.removeIf(s -> grouper.find(s.id()) == null);
        }
        store.prune(before, settings.maxSessions());
    }

    private void followUploads(long now) {
        List<UploadStore.RecentUpload> rows = uploadSource.recent(MAX_UPLOADS);
        Map<String, UploadStore.RecentUpload> byId = new HashMap<>();
        Set<String> inAFinal = new HashSet<>();
        for (UploadStore.RecentUpload row : rows) {
            byId.put(row.upload().id(), row);
            if (row.upload().isFinal()) {
                inAFinal.addAll(row.upload().concat().parts());
            }
        }
        Map<String, UploadRate> seen = new HashMap<>();
        List<UploadView> out = new ArrayList<>(rows.size());
        for (UploadStore.RecentUpload row : rows) {
            Upload u = row.upload();
            if (u.isPartial() && inAFinal.contains(u.id())) {
                continue; // shown under its final
            }
            if (u.isPartial() && u.offset() == 0 && u.state() == Upload.State.ACTIVE) {
                // A part no final names yet and that holds nothing: put creates its parts, then at once the final
                // that names them, and a view between the two would show nameless uploads that have not begun.
                continue;
            }
            List<UploadView> parts = new ArrayList<>();
            long offset = u.offset();
            long length = u.length();
            long changed = row.updatedMillis();
            if (u.isFinal()) {
                long held = 0;
                long total = 0;
                boolean lengthsKnown = true;
                for (String partId : u.concat().parts()) {
                    UploadStore.RecentUpload p = byId.get(partId);
                    if (p == null) {
                        lengthsKnown = false; // swept, or beyond the most recent MAX_UPLOADS
                        continue;
                    }
                    Upload part = p.upload();
                    parts.add(view(part, null, part.offset(), part.length(), p.updatedMillis(), List.of(), seen));
                    held += part.offset();
                    lengthsKnown &= part.lengthKnown();
                    total += Math.max(0, part.length());
                    changed = Math.max(changed, p.updatedMillis());
                }
                if (u.state() == Upload.State.ACTIVE) {
                    // concatenation-unfinished: nothing is in the final itself until its last part completes
                    if (length < 0 && lengthsKnown) {
                        length = total;
                    }
                    offset = length >= 0 ? Math.min(held, length) : held;
                }
            }
            String name = u.metadata().text("filename").or(() -> u.metadata().text("name")).orElse(null);
            out.add(view(u, name, offset, length, changed, parts, seen));
        }
        uploadRates.clear();
        uploadRates.putAll(seen);
        uploads = List.copyOf(out);
    }

    /** An upload's view, its speed from how far {@code offset} moved since the last look. */
    private UploadView view(Upload u, String name, long offset, long length, long changed, List<UploadView> parts,
                            Map<String, UploadRate> seen) {
        UploadRate r = uploadRates.get(u.id());
        if (r == null) {
            r = new UploadRate();
            // Bytes of an upload begun before the journal was watching are not a rate.
            r.offset = u.created().toEpochMilli() >= startedMillis ? 0 : offset;
        }
        if (offset > r.offset) {
            r.rate.add(offset - r.offset, changed, u.created().toEpochMilli());
        }
        r.offset = offset;
        seen.put(u.id(), r);
        return new UploadView(u.id(), name, offset, length, u.created().toEpochMilli(), changed, u.state(),
                r.rate.copy(), parts);
    }

    private void publish() {
        for (DownloadSession s : unpublished) {
            published.put(s.id(), s.snapshot());
        }
        unpublished.clear();
        List<DownloadRecord> downloads = new ArrayList<>(published.values());
        downloads.sort(Comparator.comparingLong(DownloadRecord::lastActivity).reversed());
        view = new View(List.copyOf(downloads), uploads);
        gauges(System.currentTimeMillis(), view);
    }

    private void gauges(long now, View v) {
        int activeDownloads = 0;
        for (DownloadRecord r : v.downloads()) {
            if (now - r.lastActivity() > TransferState.ACTIVE_MILLIS) {
                break;
            }
            if (r.state(now) == TransferState.ACTIVE) {
                activeDownloads++;
            }
        }
        int activeUploads = 0;
        for (UploadView u : v.uploads()) {
            if (u.state(now) == TransferState.ACTIVE) {
                activeUploads++;
            }
        }
        metrics.journalActive(activeDownloads, activeUploads);
    }

    /** Stops the thread after it has recorded what is queued and written what changed. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
