package dev.carryon.core.range;

import dev.carryon.core.Props;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RangeSetTest {

    @Test
    void addingMergesOverlappingAndTouchingIntervals() {
        RangeSet s = new RangeSet();
        s.add(10, 20);
        s.add(30, 40);
        assertThat(s.format()).isEqualTo("10-19,30-39");
        s.add(20, 30);
        assertThat(s.format()).isEqualTo("10-39");
        assertThat(s.size()).isEqualTo(30);
        s.add(0, 5);
        s.add(3, 12);
        assertThat(s.format()).isEqualTo("0-39");
        assertThat(s.size()).isEqualTo(40);
    }

    @Test
    void removingSplitsIntervals() {
        RangeSet s = RangeSet.of(0, 100);
        s.remove(40, 60);
        assertThat(s.format()).isEqualTo("0-39,60-99");
        assertThat(s.size()).isEqualTo(80);
        s.remove(30, 70);
        assertThat(s.format()).isEqualTo("0-29,70-99");
        s.remove(0, 100);
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void gapsAndTheLargestGap() {
        RangeSet s = RangeSet.parse("10-19,50-59");
        assertThat(s.gaps(100)).containsExactly(new long[] {0, 10}, new long[] {20, 50}, new long[] {60, 100});
        assertThat(s.largestGap(100)).hasValueSatisfying(g -> assertThat(g).containsExactly(60, 100));
        assertThat(RangeSet.of(0, 100).largestGap(100)).isEmpty();
        assertThat(new RangeSet().gaps(0)).isEmpty();
    }

    @Test
    void completeness() {
        assertThat(RangeSet.of(0, 100).isComplete(100)).isTrue();
        assertThat(RangeSet.of(0, 99).isComplete(100)).isFalse();
        assertThat(RangeSet.of(1, 100).isComplete(100)).isFalse();
        assertThat(new RangeSet().isComplete(0)).isTrue();
    }

    @Test
    void heldFrom() {
        RangeSet s = RangeSet.parse("0-9,20-29");
        assertThat(s.heldFrom(0)).isEqualTo(10);
        assertThat(s.heldFrom(5)).isEqualTo(10);
        assertThat(s.heldFrom(10)).isEqualTo(10);
        assertThat(s.heldFrom(25)).isEqualTo(30);
    }

    @Test
    void heldUpToIsTheStartOfTheHeldRunThatReachesAPositionFromBelow() {
        RangeSet s = RangeSet.parse("0-9,20-29"); // [0, 10) and [20, 30)
        assertThat(s.heldUpTo(10)).isEqualTo(0);
        assertThat(s.heldUpTo(5)).isEqualTo(0);
        assertThat(s.heldUpTo(30)).isEqualTo(20);
        assertThat(s.heldUpTo(11)).as("byte 10 is not held").isEqualTo(11);
        assertThat(s.heldUpTo(20)).as("byte 19 is not held").isEqualTo(20);
        assertThat(s.heldUpTo(0)).isEqualTo(0);
    }

    @Test
    void parseRefusesWhatFormatNeverWrites() {
        assertThatThrownBy(() -> RangeSet.parse("5-3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RangeSet.parse("-3")).isInstanceOf(IllegalArgumentException.class);
        assertThat(RangeSet.parse("")).isEqualTo(new RangeSet());
    }

    /** The set behaves exactly like a bit set of its positions under any sequence of adds and removes. */
    @Test
    void agreesWithABitSet() {
        record Op(int start, int length, boolean remove) {
        }
        Props.forAll(500, g -> g.listOf(0, 40, () -> new Op(g.intIn(0, 200), g.intIn(0, 60), g.bool())), ops -> {
            RangeSet set = new RangeSet();
            BitSet bits = new BitSet();
            for (Op op : ops) {
                int a = op.start();
                int b = a + op.length();
                if (op.remove()) {
                    set.remove(a, b);
                    bits.clear(a, b);
                } else {
                    set.add(a, b);
                    bits.set(a, b);
                }
                assertThat(set.size()).isEqualTo(bits.cardinality());
            }
            BitSet fromSet = new BitSet();
            long previousEnd = -1;
            for (long[] iv : set.intervals()) {
                assertThat(iv[0]).as("intervals are disjoint and not adjacent").isGreaterThan(previousEnd);
                fromSet.set((int) iv[0], (int) iv[1]);
                previousEnd = iv[1];
            }
            assertThat(fromSet).isEqualTo(bits);
            assertThat(RangeSet.parse(set.format())).isEqualTo(set);
            long missing = 0;
            for (long[] gap : set.gaps(300)) {
                missing += gap[1] - gap[0];
            }
            assertThat(missing).isEqualTo(300 - bits.get(0, 300).cardinality());
        });
    }

    @Test
    void anOutlineClosesTheNarrowestGapsFirstAndNeverDropsAHeldByte() {
        RangeSet s = new RangeSet();
        s.add(0, 10);     // gap 5
        s.add(15, 20);    // gap 1
        s.add(21, 30);    // gap 20
        s.add(50, 60);    // gap 1
        s.add(61, 70);
        assertThat(s.outline(5)).hasSize(5);
        assertThat(s.outline(3)).containsExactly(new long[] {0, 10}, new long[] {15, 30}, new long[] {50, 70});
        assertThat(s.outline(2)).containsExactly(new long[] {0, 30}, new long[] {50, 70});
        assertThat(s.outline(1)).containsExactly(new long[] {0, 70});
        assertThat(new RangeSet().outline(4)).isEmpty();
        assertThatThrownBy(() -> s.outline(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOutlineOfManyRandomIntervalsCoversThemAllWithinTheLimit() {
        Props.forAll(200, g -> {
            RangeSet s = new RangeSet();
            int n = g.intIn(1, 400);
            for (int i = 0; i < n; i++) {
                long start = g.intIn(0, 100_000);
                s.add(start, start + g.intIn(1, 50));
            }
            return new Outline(s, g.intIn(1, 64));
        }, in -> {
            RangeSet s = in.set();
            int max = in.max();
            List<long[]> outline = s.outline(max);
            assertThat(outline).hasSize(Math.min(max, s.intervals().size()));
            RangeSet drawn = new RangeSet();
            for (int i = 0; i < outline.size(); i++) {
                assertThat(outline.get(i)[0]).isLessThan(outline.get(i)[1]);
                if (i > 0) {
                    assertThat(outline.get(i)[0]).isGreaterThan(outline.get(i - 1)[1]);
                }
                drawn.add(outline.get(i)[0], outline.get(i)[1]);
            }
            for (long[] held : s.intervals()) {
                assertThat(drawn.contains(held[0], held[1])).isTrue();
            }
            assertThat(outline.get(0)[0]).isEqualTo(s.intervals().get(0)[0]);
            assertThat(outline.get(outline.size() - 1)[1]).isEqualTo(s.intervals().get(s.intervals().size() - 1)[1]);
        });
    }

    private record Outline(RangeSet set, int max) {
    }
}
