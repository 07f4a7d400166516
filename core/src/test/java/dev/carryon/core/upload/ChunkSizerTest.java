package dev.carryon.core.upload;

import dev.carryon.core.Props;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkSizerTest {

    static final long MiB = 1L << 20;
    static final long SECOND = 1_000_000_000L;

    @Test
    void startsAt4MiBWhileNothingIsKnownOfTheSpeed() {
        assertThat(new ChunkSizer().next()).isEqualTo(4 * MiB);
        assertThat(new ChunkSizer(0).next()).isEqualTo(4 * MiB);
    }

    /** put -x 4 --limit-rate 8M: each part goes at 2 MiB/s at most, so its first chunk is 2 s of that. */
    @Test
    void aKnownCapMakesTheFirstChunkTwoSecondsOfIt() {
        assertThat(new ChunkSizer(2 * MiB / 2).next()).isEqualTo(2 * MiB);
        assertThat(new ChunkSizer(100 * 1024).next()).as("never below the minimum").isEqualTo(ChunkSizer.MIN);
        assertThat(new ChunkSizer(1000 * MiB).next()).as("a high cap tells nothing more").isEqualTo(4 * MiB);
    }

    @Test
    void aChunkIsAboutTwoSecondsOfTransferAtTheLastSpeed() {
        ChunkSizer s = new ChunkSizer();
        s.sent(16 * MiB, SECOND / 2); // 32 MiB/s
        assertThat(s.next()).isEqualTo(64 * MiB);
        s.sent(64 * MiB, SECOND); // 64 MiB/s
        assertThat(s.next()).isEqualTo(128 * MiB);
        s.sent(128 * MiB, 4 * SECOND); // slower again: 32 MiB/s
        assertThat(s.next()).isEqualTo(64 * MiB);
    }

    @Test
    void aFastLinkStopsAt256MiBAndASlowOneAt1MiB() {
        ChunkSizer s = new ChunkSizer();
        s.sent(16 * MiB, SECOND / 100); // 1.6 GiB/s
        assertThat(s.next()).isEqualTo(256 * MiB);
        s.sent(256 * MiB, 2000 * SECOND); // 128 KiB/s
        assertThat(s.next()).isEqualTo(MiB);
        s.sent(16 * MiB, 0); // faster than the clock can tell
        assertThat(s.next()).isEqualTo(256 * MiB);
    }

    @Test
    void nothingSentChangesNothing() {
        ChunkSizer s = new ChunkSizer();
        s.sent(0, SECOND);
        assertThat(s.next()).isEqualTo(4 * MiB);
    }

    record Sent(long bytes, long nanos) {
    }

    @Test
    void alwaysWholeMebibytesWithinBoundsAndNeverMoreThanTwoSecondsWorthAboveTheMinimum() {
        Props.forAll(Props.TRIES, g -> new Sent(g.longIn(1, ChunkSizer.MAX), g.longIn(1, 100 * SECOND)), sample -> {
            long bytes = sample.bytes();
            long nanos = sample.nanos();
            ChunkSizer s = new ChunkSizer();
            s.sent(bytes, nanos);
            long next = s.next();
            assertThat(next).isBetween(ChunkSizer.MIN, ChunkSizer.MAX);
            assertThat(next % MiB).isZero();
            if (next > ChunkSizer.MIN) {
                // at the measured rate, the chunk takes at most the target time
                assertThat((double) next * nanos / bytes).isLessThanOrEqualTo(ChunkSizer.TARGET_NANOS * 1.0000001);
            }
        });
    }
}
