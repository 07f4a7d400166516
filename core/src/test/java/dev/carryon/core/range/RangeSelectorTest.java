package dev.carryon.core.range;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class RangeSelectorTest {

    private static final String TYPE = "text/plain";
    private static final String BOUNDARY = "3d6b6a416f9b5";
    private static final Supplier<String> FIXED_BOUNDARY = () -> BOUNDARY;
    private static final Supplier<String> NO_BOUNDARY = () -> {
        throw new AssertionError("a boundary is needed only for a multipart answer");
    };

    private final RangeSelector selector = new RangeSelector(RangePolicy.DEFAULT);

    private static RangeSpec.FromTo fromTo(long first, long last) {
        return new RangeSpec.FromTo(first, last);
    }

    private static List<ByteRange> parts(RangeSelection selection) {
        assertThat(selection).isInstanceOf(RangeSelection.Multipart.class);
        List<ByteRange> out = new ArrayList<>();
        for (MultipartLayout.Part p : ((RangeSelection.Multipart) selection).layout().parts()) {
            out.add(p.range());
        }
        return out;
    }

    @Test
    void defaultPolicy() {
        assertThat(RangePolicy.DEFAULT).isEqualTo(new RangePolicy(64, 2, 4096));
    }

    @Test
    void zeroLengthRepresentationIgnoresRange() {
        assertThat(selector.select(List.of(fromTo(0, 0)), 0, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.EMPTY_REPRESENTATION));
        assertThat(selector.select(List.of(new RangeSpec.Suffix(0), RangeSpec.FromTo.from(5)), 0, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.EMPTY_REPRESENTATION));
    }

    @Test
    void noSatisfiableSpecIsUnsatisfiable() {
        assertThat(selector.select(List.of(RangeSpec.FromTo.from(100)), 100, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Unsatisfiable());
        assertThat(selector.select(List.of(new RangeSpec.Suffix(0)), 100, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Unsatisfiable());
        assertThat(selector.select(List.of(fromTo(100, 200), new RangeSpec.Suffix(0), fromTo(Long.MAX_VALUE,
                Long.MAX_VALUE)), 100, TYPE, NO_BOUNDARY)).isEqualTo(new RangeSelection.Unsatisfiable());
    }

    @Test
    void singleRange() {
        assertThat(selector.select(List.of(fromTo(0, 499)), 10_000, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(0, 499)));
        assertThat(selector.select(List.of(new RangeSpec.Suffix(500)), 10_000, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(9500, 9999)));
        assertThat(selector.select(List.of(fromTo(0, Long.MAX_VALUE)), 10_000, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(0, 9999)));
    }

    @Test
    void unsatisfiableSpecsAreDropped() {
        assertThat(selector.select(List.of(fromTo(200, 300), fromTo(0, 9), new RangeSpec.Suffix(0)), 100, TYPE,
                NO_BOUNDARY)).isEqualTo(new RangeSelection.Single(new ByteRange(0, 9)));
    }

    @Test
    void overlappingRangesCoalesceIntoOne() {
        assertThat(selector.select(List.of(fromTo(0, 99), fromTo(50, 149)), 10_000, TYPE, FIXED_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(0, 149)));
        assertThat(selector.select(List.of(fromTo(0, 9), fromTo(0, 9)), 10_000, TYPE, FIXED_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(0, 9)));
        assertThat(selector.select(List.of(new RangeSpec.Suffix(100), RangeSpec.FromTo.from(9950)), 10_000, TYPE,
                FIXED_BOUNDARY)).isEqualTo(new RangeSelection.Single(new ByteRange(9900, 9999)));
    }

    @Test
    void adjacentRangesCoalesce() {
        assertThat(selector.select(List.of(fromTo(100, 199), fromTo(0, 99)), 10_000, TYPE, FIXED_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(0, 199)));
    }

    @Test
    void gapSmallerThanAPartsOverheadIsMerged() {
        long length = 10_000;
        int overhead = MultipartLayout.partOverhead(BOUNDARY, TYPE, length);
        assertThat(overhead).isEqualTo("\r\n--3d6b6a416f9b5\r\nContent-Type: text/plain\r\nContent-Range: bytes 9999-9999/10000\r\n\r\n".length())
                .isEqualTo(85);

        long secondFirst = 100 + overhead - 1; // gap of overhead - 1 bytes
        assertThat(selector.select(List.of(fromTo(0, 99), fromTo(secondFirst, 2000)), length, TYPE, FIXED_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(0, 2000)));
    }

    @Test
    void gapOfAPartsOverheadIsKept() {
        long length = 10_000;
        int overhead = MultipartLayout.partOverhead(BOUNDARY, TYPE, length);
        long secondFirst = 100 + overhead; // gap of exactly overhead bytes
        RangeSelection selection = selector.select(List.of(fromTo(0, 99), fromTo(secondFirst, 2000)), length, TYPE,
                FIXED_BOUNDARY);
        assertThat(parts(selection)).containsExactly(new ByteRange(0, 99), new ByteRange(secondFirst, 2000));
    }

    @Test
    void multipartKeepsRequestOrder() {
        RangeSelection selection = selector.select(List.of(fromTo(9000, 9099), fromTo(0, 99), new RangeSpec.Suffix(1)),
                10_000, TYPE, FIXED_BOUNDARY);
        assertThat(parts(selection))
                .containsExactly(new ByteRange(9000, 9099), new ByteRange(0, 99), new ByteRange(9999, 9999));
        MultipartLayout layout = ((RangeSelection.Multipart) selection).layout();
        assertThat(layout.boundary()).isEqualTo(BOUNDARY);
        assertThat(layout.contentType()).isEqualTo("multipart/byteranges; boundary=" + BOUNDARY);
    }

    @Test
    void mergedPartTakesThePlaceOfItsEarliestRequestedMember() {
        RangeSelection selection = selector.select(
                List.of(fromTo(5000, 5099), fromTo(0, 99), fromTo(5100, 5149), fromTo(2000, 2009)),
                10_000, TYPE, FIXED_BOUNDARY);
        assertThat(parts(selection))
                .containsExactly(new ByteRange(5000, 5149), new ByteRange(0, 99), new ByteRange(2000, 2009));

        selection = selector.select(List.of(fromTo(9000, 9009), fromTo(0, 99), fromTo(5000, 5099), fromTo(50, 60)),
                10_000, TYPE, FIXED_BOUNDARY);
        assertThat(parts(selection))
                .containsExactly(new ByteRange(9000, 9009), new ByteRange(0, 99), new ByteRange(5000, 5099));

        // the later member comes first in the file, but the part keeps the earlier member's place
        selection = selector.select(List.of(fromTo(3000, 3009), fromTo(8000, 8009), fromTo(2990, 2999)),
                10_000, TYPE, FIXED_BOUNDARY);
        assertThat(parts(selection)).containsExactly(new ByteRange(2990, 3009), new ByteRange(8000, 8009));
    }

    @Test
    void multipartContentLengthIsExact() {
        RangeSelection selection = selector.select(List.of(fromTo(0, 0), fromTo(9999, 9999)), 10_000, TYPE,
                FIXED_BOUNDARY);
        MultipartLayout layout = ((RangeSelection.Multipart) selection).layout();
        String expected = "--" + BOUNDARY + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-0/10000\r\n\r\n"
                + "x"
                + "\r\n--" + BOUNDARY + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 9999-9999/10000\r\n\r\n"
                + "y"
                + "\r\n--" + BOUNDARY + "--\r\n";
        assertThat(layout.contentLength()).isEqualTo(expected.length());
    }

    @Test
    void twoOverlapsAreAllowed() {
        assertThat(selector.select(List.of(fromTo(0, 9), fromTo(0, 9), fromTo(0, 9)), 10_000, TYPE, FIXED_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(0, 9)));
    }

    @Test
    void moreThanTwoOverlapsIsAbuse() {
        assertThat(selector.select(List.of(fromTo(0, 9), fromTo(0, 9), fromTo(0, 9), fromTo(0, 9)), 10_000, TYPE,
                NO_BOUNDARY)).isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD));
        // a chain: each range starts inside the one before
        assertThat(selector.select(List.of(fromTo(0, 99), fromTo(50, 149), fromTo(100, 199), fromTo(150, 249)),
                10_000, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD));
        // the classic attack: many ranges that each start inside "0-"
        List<RangeSpec> attack = new ArrayList<>();
        attack.add(RangeSpec.FromTo.from(0));
        for (int i = 1; i <= 3; i++) {
            attack.add(fromTo(i, i + 1));
        }
        assertThat(selector.select(attack, 10_000, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD));
    }

    @Test
    void overlapsCountRangesStartingInsideAnEarlierOne() {
        assertThat(RangeSelector.overlaps(List.of(new ByteRange(0, 9), new ByteRange(10, 19)))).isZero();
        assertThat(RangeSelector.overlaps(List.of(new ByteRange(5, 9), new ByteRange(0, 5)))).isEqualTo(1);
        assertThat(RangeSelector.overlaps(List.of(new ByteRange(0, 100), new ByteRange(10, 19),
                new ByteRange(30, 39), new ByteRange(101, 102)))).isEqualTo(2);
    }

    private static List<RangeSpec> scattered(int count, long spacing) {
        List<RangeSpec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            specs.add(fromTo(i * spacing, i * spacing));
        }
        return specs;
    }

    @Test
    void atMostMaxPartsParts() {
        RangeSelection selection = selector.select(scattered(64, 10_000), 1_000_000, TYPE, FIXED_BOUNDARY);
        assertThat(parts(selection)).hasSize(64);
    }

    @Test
    void moreThanMaxPartsPartsIsAbuse() {
        assertThat(selector.select(scattered(65, 10_000), 1_000_000, TYPE, FIXED_BOUNDARY))
                .isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD));

        RangeSelector strict = new RangeSelector(new RangePolicy(3, 2, 4096));
        assertThat(parts(strict.select(scattered(3, 1000), 10_000, TYPE, FIXED_BOUNDARY))).hasSize(3);
        assertThat(strict.select(scattered(4, 1000), 10_000, TYPE, FIXED_BOUNDARY))
                .isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD));
    }

    @Test
    void partsAreCountedAfterCoalescing() {
        RangeSelector strict = new RangeSelector(new RangePolicy(2, 2, 4096));
        // five ranges, but they coalesce into two parts
        List<RangeSpec> specs = List.of(fromTo(0, 9), fromTo(10, 19), fromTo(20, 29), fromTo(5000, 5009),
                fromTo(5010, 5019));
        assertThat(parts(strict.select(specs, 10_000, TYPE, FIXED_BOUNDARY)))
                .containsExactly(new ByteRange(0, 29), new ByteRange(5000, 5019));
    }

    @Test
    void multipartBodyBeyondLengthPlusSlackIsAbuse() {
        long length = 1000;
        int overhead = MultipartLayout.partOverhead(BOUNDARY, TYPE, length);
        // two parts that cover all but one gap of exactly the overhead: the body is longer than the file
        List<RangeSpec> specs = List.of(fromTo(0, 499), RangeSpec.FromTo.from(500 + overhead));
        MultipartLayout layout = layoutOf(specs, length);
        long excess = layout.contentLength() - length;
        assertThat(excess).isPositive();

        RangeSelector exact = new RangeSelector(new RangePolicy(64, 2, excess));
        assertThat(exact.select(specs, length, TYPE, FIXED_BOUNDARY)).isInstanceOf(RangeSelection.Multipart.class);

        RangeSelector oneShort = new RangeSelector(new RangePolicy(64, 2, excess - 1));
        assertThat(oneShort.select(specs, length, TYPE, FIXED_BOUNDARY))
                .isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD));
    }

    private static MultipartLayout layoutOf(List<RangeSpec> specs, long length) {
        RangeSelection s = new RangeSelector(new RangePolicy(64, 2, Long.MAX_VALUE / 2))
                .select(specs, length, TYPE, FIXED_BOUNDARY);
        assertThat(s).isInstanceOf(RangeSelection.Multipart.class);
        return ((RangeSelection.Multipart) s).layout();
    }

    @Test
    void boundaryIsAskedForOnlyForMultipart() {
        int[] calls = {0};
        Supplier<String> counting = () -> {
            calls[0]++;
            return BOUNDARY;
        };
        selector.select(List.of(fromTo(0, 9)), 10_000, TYPE, counting);
        assertThat(calls[0]).isZero();
        selector.select(List.of(fromTo(0, 9), fromTo(5000, 5009)), 10_000, TYPE, counting);
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void hugeRepresentation() {
        long length = Long.MAX_VALUE;
        assertThat(selector.select(List.of(new RangeSpec.Suffix(10)), length, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(length - 10, length - 1)));
        assertThat(selector.select(List.of(RangeSpec.FromTo.from(0)), length, TYPE, NO_BOUNDARY))
                .isEqualTo(new RangeSelection.Single(new ByteRange(0, length - 1)));
    }

    @Test
    void twoSmallRangesOfAHugeRepresentationAreMultipart() {
        // length + slack is beyond Long.MAX_VALUE here; the comparison must not overflow
        long length = Long.MAX_VALUE - 10;
        RangeSelection selection = selector.select(List.of(fromTo(0, 0), new RangeSpec.Suffix(1)), length, TYPE,
                FIXED_BOUNDARY);
        assertThat(parts(selection)).containsExactly(new ByteRange(0, 0), new ByteRange(length - 1, length - 1));
    }

    @Test
    void multipartBodyLongerThanALongIsNotServed() {
        // the parts cover all but one gap: with the headers, the body would be longer than Long.MAX_VALUE
        long length = Long.MAX_VALUE;
        int overhead = MultipartLayout.partOverhead(BOUNDARY, TYPE, length);
        RangeSelection selection = selector.select(List.of(fromTo(0, 99), RangeSpec.FromTo.from(100 + overhead)),
                length, TYPE, FIXED_BOUNDARY);
        assertThat(selection).isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD));
    }

    @Test
    void coalesceWithoutAnyGapAllowedKeepsAdjacentRangesApart() {
        assertThat(RangeSelector.coalesce(List.of(new ByteRange(10, 19), new ByteRange(0, 9)), 0))
                .containsExactly(new ByteRange(10, 19), new ByteRange(0, 9));
        assertThat(RangeSelector.coalesce(List.of(new ByteRange(10, 19), new ByteRange(0, 10)), 0))
                .containsExactly(new ByteRange(0, 19));
        assertThat(RangeSelector.coalesce(List.of(new ByteRange(10, 19), new ByteRange(0, 9)), 1))
                .containsExactly(new ByteRange(0, 19));
    }
}
