package dev.carryon.core.journal;

import java.util.List;

/**
 * An immutable copy of a {@link DownloadSession}: what is stored, and what the transfers API shows.
 *
 * @param clientKey who the client is for grouping: a token's identifier, or address and User-Agent
 * @param coverage  the bytes sent, as disjoint ordered {@code [start, endExclusive)} pairs
 * @param covered   how many bytes the coverage holds
 * @param rate      the recent rate, or null when not known (a session restored from storage)
 */
public record DownloadRecord(String id, String path, String etag, long size, String clientKey, String client,
                             String userAgent, int requests, long bytesSent, List<long[]> coverage, long covered,
                             long firstActivity, long lastActivity, boolean complete, RateWindow rate) {

    public double bytesPerSecond(long nowMillis) {
        return rate == null ? 0 : rate.perSecond(nowMillis);
    }

    public TransferState state(long nowMillis) {
        return TransferState.of(complete, lastActivity, nowMillis);
    }
}
