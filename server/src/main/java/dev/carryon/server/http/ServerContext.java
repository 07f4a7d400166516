package dev.carryon.server.http;

import dev.carryon.core.conditional.HttpDate;
import dev.carryon.core.response.ResponsePlanner;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.content.ServedContent;
import dev.carryon.server.digest.ContentDigests;
import dev.carryon.server.journal.TransferJournal;
import dev.carryon.server.log.AccessLog;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.upload.UploadEndpoint;

/** What every request handler of one server shares. */
public final class ServerContext {

    private final ServerConfig config;
    private final ServedContent content;
    private final ResponsePlanner planner;
    private final ContentDigests digests;
    private final ServerMetrics metrics;
    private final AccessLog accessLog;
    private final UploadEndpoint uploads;
    private final TransferJournal journal;
    private volatile boolean shuttingDown;
    private volatile DateCache date = new DateCache(-1, "");

    private record DateCache(long second, String value) {
    }

    /**
     * @param digests null when digests are off
     * @param accessLog null when the access log is off
     * @param journal null when the transfer journal is off
     */
    public ServerContext(ServerConfig config, ServedContent content, ContentDigests digests, ServerMetrics metrics,
                         AccessLog accessLog, UploadEndpoint uploads, TransferJournal journal) {
        this.config = config;
        this.content = content;
        this.planner = new ResponsePlanner(config.rangePolicy());
        this.digests = digests;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.uploads = uploads;
        this.journal = journal;
    }

    /** The transfer journal, or null when it is off. */
    public TransferJournal journal() {
        return journal;
    }

    /** The upload endpoint, or null when uploads are off. */
    public UploadEndpoint uploads() {
        return uploads;
    }

    public ServerConfig config() {
        return config;
    }

    /** What is served. */
    public ServedContent content() {
        return content;
    }

    public ResponsePlanner planner() {
        return planner;
    }

    /** Digests for Repr-Digest and content-hash ETags, or null when they are off. */
    public ContentDigests digests() {
        return digests;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public AccessLog accessLog() {
        return accessLog;
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }

    public void startShutdown() {
        shuttingDown = true;
    }

    /** The Date header for a moment, formatted once per second. */
    public String dateHeader(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        DateCache d = date;
        if (d.second() != second) {
            d = new DateCache(second, HttpDate.format(second));
            date = d;
        }
        return d.value();
    }
}
