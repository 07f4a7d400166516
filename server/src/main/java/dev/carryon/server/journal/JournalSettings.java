package dev.carryon.server.journal;

import java.time.Duration;
import java.util.Objects;

/**
 * How the transfer journal records.
 *
 * @param retention   how long a session is kept after its last activity
 * @param maxSessions the most download sessions kept (the oldest go first)
 * @param gap         the longest pause between requests of one download session
 * @param queue       the most events waiting for the journal's thread; more are dropped and counted
 */
public record JournalSettings(Duration retention, int maxSessions, Duration gap, int queue) {

    public static final JournalSettings DEFAULT = new JournalSettings(Duration.ofDays(7), 10_000,
            Duration.ofSeconds(60), 16_384);

    public JournalSettings {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(gap, "gap");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the journal retention must be positive");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("the journal keeps at least one session, not " + maxSessions);
        }
        if (gap.isNegative()) {
            throw new IllegalArgumentException("the journal gap cannot be negative");
        }
        if (queue < 1) {
            throw new IllegalArgumentException("the journal queue holds at least one event");
        }
    }

    public JournalSettings withRetention(Duration v) {
        return new JournalSettings(v, maxSessions, gap, queue);
    }

    public JournalSettings withMaxSessions(int v) {
        return new JournalSettings(retention, v, gap, queue);
    }

    public JournalSettings withGap(Duration v) {
        return new JournalSettings(retention, maxSessions, v, queue);
    }

    public JournalSettings withQueue(int v) {
        return new JournalSettings(retention, maxSessions, gap, v);
    }
}
