package dev.carryon.client.download;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to download, beyond how to connect ({@link dev.carryon.client.http.ClientConfig}).
 *
 * @param connections      connections per download (HTTP/2: streams)
 * @param minSplit         the smallest piece worth a connection of its own
 * @param limitRate        bytes per second for all connections together; 0 for no limit
 * @param checksum         a digest the file must have, or null
 * @param retries          failures in a row without progress before giving up; progress resets the count
 * @param overwrite        start afresh and replace an existing file of the same name
 * @param headers          extra request header fields
 * @param userPassword     {@code user:password} for Basic authentication, or null
 * @param lowestSpeed      bytes per second below which a connection is replaced (0: never)
 * @param lowestSpeedWindow how long a connection may stay below that before it is replaced
 * @param checkpoint       how often the control file is brought up to date while bytes flow
 * @param maxRedirects     redirects followed per request
 * @param overlap          bytes of held data compared on resumption when the server has no strong validator
 */
public record DownloadOptions(int connections, long minSplit, long limitRate, Checksum checksum, int retries,
                              boolean overwrite, List<String[]> headers, String userPassword, long lowestSpeed,
                              Duration lowestSpeedWindow, Duration checkpoint, int maxRedirects, int overlap) {

    public DownloadOptions {
        if (connections < 1) {
            throw new IllegalArgumentException("at least one connection");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        headers = List.copyOf(headers);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int connections = 4;
        private long minSplit = 1 << 20;
        private long limitRate;
        private Checksum checksum;
        private int retries = 10;
        private boolean overwrite;
        private final List<String[]> headers = new ArrayList<>();
        private String userPassword;
        private long lowestSpeed;
        private Duration lowestSpeedWindow = Duration.ofSeconds(20);
        // Twice a second: what a kill -9 costs is what the last checkpoint did not claim, plus what was in flight
        // (socket buffers on both sides), and the sum must stay under a second of transfer.
        private Duration checkpoint = Duration.ofMillis(500);
        private int maxRedirects = 10;
        private int overlap = 64 << 10;

        public Builder connections(int v) { connections = v; return this; }
        public Builder minSplit(long v) { minSplit = v; return this; }
        public Builder limitRate(long v) { limitRate = v; return this; }
        public Builder checksum(Checksum v) { checksum = v; return this; }
        public Builder retries(int v) { retries = v; return this; }
        public Builder overwrite(boolean v) { overwrite = v; return this; }
        public Builder header(String name, String value) { headers.add(new String[] {name, value}); return this; }
        public Builder userPassword(String v) { userPassword = v; return this; }
        public Builder lowestSpeed(long v) { lowestSpeed = v; return this; }
        public Builder lowestSpeedWindow(Duration v) { lowestSpeedWindow = v; return this; }
        public Builder checkpoint(Duration v) { checkpoint = v; return this; }
        public Builder maxRedirects(int v) { maxRedirects = v; return this; }
        public Builder overlap(int v) { overlap = v; return this; }

        public DownloadOptions build() {
            return new DownloadOptions(connections, minSplit, limitRate, checksum, retries, overwrite, headers,
                    userPassword, lowestSpeed, lowestSpeedWindow, checkpoint, maxRedirects, overlap);
        }
    }
}
