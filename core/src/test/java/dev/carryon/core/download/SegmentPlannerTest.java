package dev.carryon.core.download;

import dev.carryon.core.Props;
import dev.carryon.core.range.RangeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who downloads which bytes (downloader spec, "Segments"): connections claim disjoint pieces of what is not held,
 * a connection with nothing left takes the far half of the largest remaining piece of another (work stealing),
 * and no byte is ever written by two connections or kept past a restart.
 */
class SegmentPlannerTest {

    private static final long MIN = 100;

    private static SegmentPlanner planner(long length) {
        return new SegmentPlanner(length, new RangeSet(), MIN);
    }

    private static SegmentPlanner.Segment claim(SegmentPlanner p) {
        Optional<SegmentPlanner.Segment> s = p.claim();
        assertThat(s).isPresent();
        return s.get();
    }

    private static void assertSegment(SegmentPlanner.Segment s, long position, long end) {
        assertThat(s.position()).as("position of %s", s).isEqualTo(position);
        assertThat(s.end()).as("end of %s", s).isEqualTo(end);
    }

    @Nested
    @DisplayName("Claiming work")
    class Claiming {

        @Test
        @DisplayName("the first connection claims everything not held")
        void theFirstClaimTakesTheWholeGap() {
            SegmentPlanner p = planner(1000);
            SegmentPlanner.Segment s = claim(p);
            assertSegment(s, 0, 1000);
            assertThat(s.start()).isZero();
        }

        @Test
        @DisplayName("a claim takes the largest gap that nobody holds or works on")
        void theLargestFreeGap() {
            RangeSet held = RangeSet.parse("0-99,400-599");
            SegmentPlanner p = new SegmentPlanner(1000, held, MIN);
            assertSegment(claim(p), 600, 1000);
            assertSegment(claim(p), 100, 400);
        }

        @Test
        @DisplayName("with no free gap, a claim steals the far half of the largest remaining piece")
        void stealingTheFarHalf() {
            SegmentPlanner p = planner(1000);
            SegmentPlanner.Segment first = claim(p);
            SegmentPlanner.Segment second = claim(p);
            assertSegment(second, 500, 1000);
            assertSegment(first, 0, 500);
            SegmentPlanner.Segment third = claim(p);
            assertSegment(third, 250, 500); // both halves are 500 long: the first found, first's, is split
            assertSegment(first, 0, 250);
        }

        @Test
        @DisplayName("a steal splits what is left to write, not what was claimed")
        void stealingSplitsTheRemainder() {
            SegmentPlanner p = planner(1000);
            SegmentPlanner.Segment first = claim(p);
            p.wrote(first, 200);
            assertSegment(claim(p), 600, 1000);
            assertSegment(first, 200, 600);
            assertThat(first.start()).isZero();
        }

        @Test
        @DisplayName("a piece is split only if both halves are at least minSplit")
        void smallPiecesAreNotSplit() {
            SegmentPlanner p = planner(2 * MIN - 1);
            claim(p);
            assertThat(p.claim()).isEmpty();
            SegmentPlanner q = planner(2 * MIN);
            claim(q);
            assertThat(q.claim()).hasValueSatisfying(s -> assertSegment(s, MIN, 2 * MIN));
        }

        @Test
        @DisplayName("a free gap below minSplit is taken only when no piece can be split instead")
        void aSmallGapOnlyWhenNothingSplits() {
            // held 0-49 and 100-999 would leave a 50-byte gap: with another connection's large piece around,
            // stealing half of that is worth more
            RangeSet held = RangeSet.parse("0-49");
            SegmentPlanner p = new SegmentPlanner(1000, held, MIN);
            SegmentPlanner.Segment big = p.claimFrom(50).orElseThrow();
            assertSegment(big, 50, 1000);
            p.wrote(big, 0);
            held.remove(0, 10); // a hole of 10 bytes at the start (as after a checkpoint that lost them)
            assertSegment(claim(p), 525, 1000); // stolen rather than the 10 bytes
            // nothing splittable any more: the small gap is taken
            SegmentPlanner q = new SegmentPlanner(300, RangeSet.parse("10-299"), MIN);
            assertSegment(claim(q), 0, 10);
        }

        @Test
        @DisplayName("claimFrom takes the free gap that starts exactly at a position, for a body already streaming")
        void claimFromAPosition() {
            RangeSet held = RangeSet.parse("0-99");
            SegmentPlanner p = new SegmentPlanner(1000, held, MIN);
            assertThat(p.claimFrom(50)).isEmpty();  // held
            assertThat(p.claimFrom(150)).isEmpty(); // not the start of a gap: the bytes 100-149 would be skipped
            SegmentPlanner.Segment s = p.claimFrom(100).orElseThrow();
            assertSegment(s, 100, 1000);
            assertThat(p.claimFrom(100)).isEmpty(); // claimed
        }

        @Test
        @DisplayName("when everything is held or claimed and nothing can be split, there is no work")
        void noWorkLeft() {
            SegmentPlanner p = new SegmentPlanner(1000, RangeSet.of(0, 1000), MIN);
            assertThat(p.claim()).isEmpty();
            assertThat(planner(0).claim()).isEmpty();
        }

        @Test
        @DisplayName("a released connection's unwritten bytes are free for the next claim")
        void releasedBytesAreFree() {
            SegmentPlanner p = planner(1000);
            SegmentPlanner.Segment s = claim(p);
            p.wrote(s, 300);
            p.release(s);
            assertThat(p.active()).isEmpty();
            assertSegment(claim(p), 300, 1000);
        }
    }

    @Nested
    @DisplayName("Writing")
    class Writing {

        @Test
        @DisplayName("bytes written are held and move the segment on")
        void writesAreHeld() {
            SegmentPlanner p = planner(1000);
            SegmentPlanner.Segment s = claim(p);
            assertThat(p.wrote(s, 400)).isEqualTo(400);
            assertSegment(s, 400, 1000);
            assertThat(s.remaining()).isEqualTo(600);
            assertThat(p.remaining()).isEqualTo(600);
        }

        @Test
        @DisplayName("bytes past an end lowered by a steal belong to the thief: not writable, not recorded")
        void bytesPastALoweredEnd() {
            SegmentPlanner p = planner(1000);
            SegmentPlanner.Segment first = claim(p);
            claim(p); // takes 500-999
            assertThat(p.writable(first, 800)).isEqualTo(500);
            assertThat(p.wrote(first, 800)).isEqualTo(500);
            assertThat(p.writable(first, 1)).isZero();
            assertThat(p.wrote(first, 1)).isZero();
            assertThat(p.remaining()).isEqualTo(500);
        }

        @Test
        @DisplayName("complete exactly when every byte is held")
        void completeness() {
            SegmentPlanner p = planner(1000);
            SegmentPlanner.Segment s = claim(p);
            p.wrote(s, 999);
            assertThat(p.complete()).isFalse();
            p.wrote(s, 1);
            assertThat(p.complete()).isTrue();
            assertThat(p.remaining()).isZero();
            assertThat(planner(0).complete()).isTrue();
        }

        @Test
        @DisplayName("splice: reset forgets every byte held and every claim (a new version starts from nothing)")
        void resetForgetsEverything() {
            RangeSet held = RangeSet.parse("0-99");
            SegmentPlanner p = new SegmentPlanner(1000, held, MIN);
            claim(p);
            p.reset();
            assertThat(held.isEmpty()).isTrue();
            assertThat(p.active()).isEmpty();
            assertSegment(claim(p), 0, 1000);
        }

        @Test
        @DisplayName("splice: after reset, a segment claimed before may write nothing (its bytes are the old version's)")
        void aSegmentFromBeforeAResetWritesNothing() {
            RangeSet held = new RangeSet();
            SegmentPlanner p = new SegmentPlanner(1000, held, MIN);
            SegmentPlanner.Segment old = claim(p);
            p.wrote(old, 100);
            p.reset();
            SegmentPlanner.Segment fresh = claim(p);
            assertSegment(fresh, 0, 1000);
            // the old connection's body is still arriving: none of it may count as held for the new version,
            // or the new claim would skip bytes that were never written for it
            assertThat(p.writable(old, 50)).isZero();
            assertThat(p.wrote(old, 50)).isZero();
            assertThat(held.isEmpty()).isTrue();
            assertThat(p.wrote(fresh, 50)).isEqualTo(50);
        }

        @Test
        @DisplayName("a released segment may write nothing more: its unwritten bytes may already be another's")
        void aReleasedSegmentWritesNothing() {
            SegmentPlanner p = planner(1000);
            SegmentPlanner.Segment s = claim(p);
            p.release(s);
            SegmentPlanner.Segment next = claim(p);
            assertSegment(next, 0, 1000);
            assertThat(p.writable(s, 10)).isZero();
            assertThat(p.wrote(s, 10)).isZero();
            assertThat(p.remaining()).isEqualTo(1000);
        }

        @Test
        @DisplayName("a negative length or a minSplit below 1 is refused")
        void arguments() {
            assertThatThrownBy(() -> new SegmentPlanner(-1, new RangeSet(), 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new SegmentPlanner(1, new RangeSet(), 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    @DisplayName("Properties of any sequence of claims, writes, releases and resets")
    class Properties {

        /** One random run: a length, a minSplit, what is held at the start, and a sequence of operations. */
        record Run(long length, long minSplit, String held, List<int[]> ops) {
        }

        private Run run(Props.Gen g) {
            long length = g.pick(0L, 1L, 7L, 100L, 1000L, g.longIn(0, 5000));
            long minSplit = g.pick(1L, 3L, 50L, 100L, 1000L);
            String held = "";
            if (length > 0 && g.bool()) {
                long a = g.longIn(0, length - 1);
                long b = g.longIn(a, length - 1);
                held = a + "-" + b;
            }
            // op codes: 0 claim, 1 write, 2 release, 3 claimFrom, 4 reset (rare); then two numbers to choose with
            List<int[]> ops = g.listOf(1, 60, () -> new int[] {g.oneIn(40) ? 4 : g.intIn(0, 3), g.intIn(0, 1 << 20),
                g.intIn(0, 1 << 20)});
            return new Run(length, minSplit, held, ops);
        }

        @Test
        @DisplayName("claims never overlap each other or held bytes, ends only fall, and writes stay within ends")
        void invariants() {
            Props.forAll(Props.TRIES, this::run, r -> {
                RangeSet held = RangeSet.parse(r.held());
                SegmentPlanner p = new SegmentPlanner(r.length(), held, r.minSplit());
                Map<SegmentPlanner.Segment, Long> ends = new IdentityHashMap<>();
                List<SegmentPlanner.Segment> gone = new ArrayList<>(); // released, or forgotten by a reset
                for (int[] op : r.ops()) {
                    List<SegmentPlanner.Segment> active = new ArrayList<>(p.active());
                    switch (op[0]) {
                        case 0 -> {
                            Optional<SegmentPlanner.Segment> s = p.claim();
                            if (s.isEmpty()) {
                                // no work: nothing free and nothing worth splitting
                                RangeSet taken = held.copy();
                                p.active().forEach(a -> taken.add(a.position(), a.end()));
                                assertThat(taken.isComplete(r.length())).isTrue();
                                assertThat(p.active()).allMatch(a -> a.remaining() < 2 * r.minSplit());
                            } else {
                                assertThat(s.get().remaining()).isPositive();
                                assertThat(s.get().start()).isEqualTo(s.get().position());
                            }
                        }
                        case 1 -> {
                            if (!active.isEmpty()) {
                                SegmentPlanner.Segment s = active.get(op[1] % active.size());
                                long n = op[2] % (2 * Math.max(1, s.remaining()) + 1);
                                long before = s.position();
                                long writable = p.writable(s, n);
                                assertThat(writable).isBetween(0L, s.end() - s.position());
                                assertThat(p.wrote(s, n)).isEqualTo(writable);
                                assertThat(s.position()).isEqualTo(before + writable);
                                assertThat(held.contains(before, before + writable)).isTrue();
                            }
                        }
                        case 2 -> {
                            if (!active.isEmpty()) {
                                SegmentPlanner.Segment s = active.get(op[1] % active.size());
                                p.release(s);
                                gone.add(s);
                            }
                            if (!gone.isEmpty()) {
                                // a connection that is no longer active still has bytes arriving: none is taken
                                SegmentPlanner.Segment s = gone.get(op[2] % gone.size());
                                long size = held.size();
                                assertThat(p.writable(s, op[2])).isZero();
                                assertThat(p.wrote(s, op[2])).isZero();
                                assertThat(held.size()).isEqualTo(size);
                            }
                        }
                        case 3 -> p.claimFrom(r.length() == 0 ? 0 : op[1] % r.length());
                        default -> {
                            gone.addAll(p.active());
                            p.reset();
                            assertThat(held.isEmpty()).isTrue();
                            assertThat(p.active()).isEmpty();
                        }
                    }
                    checkInvariants(p, held, ends);
                }
            });
        }

        private void checkInvariants(SegmentPlanner p, RangeSet held, Map<SegmentPlanner.Segment, Long> ends) {
            List<SegmentPlanner.Segment> active = p.active();
            for (int i = 0; i < active.size(); i++) {
                SegmentPlanner.Segment a = active.get(i);
                assertThat(a.start()).isLessThanOrEqualTo(a.position());
                assertThat(a.position()).isLessThanOrEqualTo(a.end());
                assertThat(a.end()).isLessThanOrEqualTo(p.length());
                Long before = ends.put(a, a.end());
                if (before != null) {
                    assertThat(a.end()).as("the end of %s only falls", a).isLessThanOrEqualTo(before);
                }
                // what a segment is still to write is held by nobody
                RangeSet rest = held.copy();
                rest.remove(0, a.position());
                rest.remove(a.end(), Long.MAX_VALUE);
                assertThat(rest.isEmpty()).as("%s overlaps held %s", a, held.format()).isTrue();
                for (int j = i + 1; j < active.size(); j++) {
                    SegmentPlanner.Segment b = active.get(j);
                    boolean overlap = a.position() < b.end() && b.position() < a.end();
                    assertThat(overlap).as("%s overlaps %s", a, b).isFalse();
                }
            }
            assertThat(p.complete()).isEqualTo(held.isComplete(p.length()));
            assertThat(p.complete()).isEqualTo(p.remaining() == 0);
        }

        @Test
        @DisplayName("connections that claim, write and release until no work is left write every byte exactly once")
        void everyByteExactlyOnce() {
            Props.forAll(300, g -> new long[] {g.longIn(0, 3000), g.pick(1L, 10L, 100L), g.intIn(1, 8),
                g.longIn(0, Long.MAX_VALUE)}, c -> {
                long length = c[0];
                int connections = (int) c[2];
                SplittableRandom random = new SplittableRandom(c[3]);
                RangeSet held = new RangeSet();
                SegmentPlanner p = new SegmentPlanner(length, held, c[1]);
                int[] writes = new int[(int) length];
                List<SegmentPlanner.Segment> working = new ArrayList<>();
                for (int step = 0; step < 100_000 && !(p.complete() && working.isEmpty()); step++) {
                    if (working.size() < connections) {
                        p.claim().ifPresent(working::add);
                    }
                    if (working.isEmpty()) {
                        break;
                    }
                    SegmentPlanner.Segment s = working.get(random.nextInt(working.size()));
                    long at = s.position();
                    long n = p.wrote(s, 1 + random.nextInt(64));
                    for (long i = at; i < at + n; i++) {
                        writes[(int) i]++;
                    }
                    if (s.remaining() == 0 || random.nextInt(20) == 0) { // done, or the connection broke
                        p.release(s);
                        working.remove(s);
                    }
                }
                assertThat(p.complete()).isTrue();
                for (int i = 0; i < length; i++) {
                    assertThat(writes[i]).as("writes of byte %d", i).isEqualTo(1);
                }
            });
        }
    }
}
