package dev.carryon.core.journal;

import dev.carryon.core.range.RangeSet;

/**
 * One download as the journal groups it: the requests of one client for one version of one file, close in time.
 * However many connections a segmented downloader opens, they make one session; its coverage is the union of
 * the bytes actually sent. Mutable, owned by one thread; {@link #snapshot()} gives an immutable copy.
 */
public final class DownloadSession {

    private final String id;
    private final String path;
    private final String etag;
    private final long size;
    private final String clientKey;
    private String client;
    private String userAgent;
    private int requests;
    private long bytesSent;
    private final RangeSet coverage;
    private long firstActivity;
    private long lastActivity;
    private final RateWindow rate = new RateWindow();
    private boolean changed;

    DownloadSession(String id, String path, String etag, long size, String clientKey, String client,
                    String userAgent, long firstActivity) {
        this(id, path, etag, size, clientKey, client, userAgent, 0, 0, new RangeSet(), firstActivity, firstActivity);
    }

    private DownloadSession(String id, String path, String etag, long size, String clientKey, String client,
                            String userAgent, int requests, long bytesSent, RangeSet coverage, long firstActivity,
                            long lastActivity) {
        this.id = id;
        this.path = path;
        this.etag = etag;
        this.size = size;
        this.clientKey = clientKey;
        this.client = client;
        this.userAgent = userAgent;
        this.requests = requests;
        this.bytesSent = bytesSent;
        this.coverage = coverage;
        this.firstActivity = firstActivity;
        this.lastActivity = lastActivity;
    }

    static DownloadSession restore(DownloadRecord r) {
        RangeSet coverage = new RangeSet();
        for (long[] i : r.coverage()) {
            coverage.add(i[0], i[1]);
        }
        return new DownloadSession(r.id(), r.path(), r.etag(), r.size(), r.clientKey(), r.client(), r.userAgent(),
                r.requests(), r.bytesSent(), coverage, r.firstActivity(), r.lastActivity());
    }

    void apply(DownloadEvent e) {
        e.coverInto(coverage);
        bytesSent += e.bytes();
        if (e.finished()) {
            requests++;
        }
        client = e.remote();
        if (e.userAgent() != null) {
            userAgent = e.userAgent();
        }
        firstActivity = Math.min(firstActivity, e.startMillis());
        lastActivity = Math.max(lastActivity, e.endMillis());
        if (e.bytes() > 0) {
            rate.add(e.bytes(), e.endMillis(), firstActivity);
        }
        changed = true;
    }

    public String id() {
        return id;
    }

    public String path() {
        return path;
    }

    public String etag() {
        return etag;
    }

    public long size() {
        return size;
    }

    public String clientKey() {
        return clientKey;
    }

    public long firstActivity() {
        return firstActivity;
    }

    public long lastActivity() {
        return lastActivity;
    }

    public long covered() {
        return coverage.size();
    }

    public boolean complete() {
        return coverage.isComplete(size);
    }

    /** Whether it changed since the last {@link #clearChanged()}: what the writer has to store. */
    public boolean changed() {
        return changed;
    }

    public void clearChanged() {
        changed = false;
    }

    public DownloadRecord snapshot() {
        return new DownloadRecord(id, path, etag, size, clientKey, client, userAgent, requests, bytesSent,
                coverage.intervals(), coverage.size(), firstActivity, lastActivity, complete(), rate.copy());
    }
}
