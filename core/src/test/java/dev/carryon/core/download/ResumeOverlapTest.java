package dev.carryon.core.download;

import dev.carryon.core.range.RangeSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resumption trusts held bytes only once the server's bytes just below the resume point equal them: a
 * validator cannot see a file replaced with its size and date kept (nginx's ETag is exactly those two).
 */
class ResumeOverlapTest {

    private static final int OVERLAP = 64 << 10;

    @Test
    void aSegmentResumingAfterHeldBytesAsksForTheOverlapBelowItsPosition() {
        RangeSet held = RangeSet.of(0, 3 << 20);
        SegmentPlanner planner = new SegmentPlanner(8 << 20, held, 1 << 20);
        SegmentPlanner.Segment s = planner.claim().orElseThrow();
        assertThat(s.position()).isEqualTo(3 << 20);
        assertThat(planner.requestStart(s, OVERLAP)).isEqualTo((3 << 20) - OVERLAP);
    }

    @Test
    void theOverlapNeverReachesBelowTheHeldRun() {
        RangeSet held = RangeSet.of(1000, 1100);
        SegmentPlanner planner = new SegmentPlanner(1 << 20, held, 1 << 10);
        SegmentPlanner.Segment s = planner.claimFrom(1100).orElseThrow();
        assertThat(planner.requestStart(s, OVERLAP)).isEqualTo(1000);
    }

    @Test
    void aFreshSegmentWithNothingHeldBelowAsksFromItsPosition() {
        SegmentPlanner planner = new SegmentPlanner(8 << 20, new RangeSet(), 1 << 20);
        SegmentPlanner.Segment first = planner.claim().orElseThrow();
        SegmentPlanner.Segment stolen = planner.claim().orElseThrow();
        assertThat(stolen.start()).isPositive();
        assertThat(planner.requestStart(first, OVERLAP)).isZero();
        assertThat(planner.requestStart(stolen, OVERLAP)).isEqualTo(stolen.position());
    }

    @Test
    void aSegmentThatWroteAndLostItsConnectionComparesItsOwnLastBytes() {
        SegmentPlanner planner = new SegmentPlanner(8 << 20, new RangeSet(), 1 << 20);
        SegmentPlanner.Segment s = planner.claim().orElseThrow();
        planner.wrote(s, 100_000);
        assertThat(planner.requestStart(s, OVERLAP)).isEqualTo(100_000 - OVERLAP);
    }

    @Test
    void noOverlapAsksFromThePosition() {
        RangeSet held = RangeSet.of(0, 5000);
        SegmentPlanner planner = new SegmentPlanner(10_000, held, 1000);
        SegmentPlanner.Segment s = planner.claim().orElseThrow();
        assertThat(planner.requestStart(s, 0)).isEqualTo(5000);
    }
}
