package dev.carryon.core.range;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RangeSpecTest {

    private static final long MAX = Long.MAX_VALUE;

    @Test
    void firstLastWithinTheRepresentation() {
        assertThat(new RangeSpec.FromTo(0, 499).resolve(10_000)).contains(new ByteRange(0, 499));
        assertThat(new RangeSpec.FromTo(9999, 9999).resolve(10_000)).contains(new ByteRange(9999, 9999));
    }

    @Test
    void lastBeyondTheEndIsClamped() {
        assertThat(new RangeSpec.FromTo(0, 20_000).resolve(10_000)).contains(new ByteRange(0, 9999));
        assertThat(new RangeSpec.FromTo(9500, 10_000).resolve(10_000)).contains(new ByteRange(9500, 9999));
        assertThat(RangeSpec.FromTo.from(9500).resolve(10_000)).contains(new ByteRange(9500, 9999));
    }

    @Test
    void firstAtOrBeyondTheEndIsUnsatisfiable() {
        assertThat(new RangeSpec.FromTo(10_000, 10_001).resolve(10_000)).isEmpty();
        assertThat(RangeSpec.FromTo.from(10_000).resolve(10_000)).isEmpty();
        assertThat(RangeSpec.FromTo.from(10_001).resolve(10_000)).isEmpty();
        assertThat(RangeSpec.FromTo.from(MAX).resolve(MAX)).isEmpty();
    }

    @Test
    void firstPositionOfTheLastByte() {
        assertThat(RangeSpec.FromTo.from(MAX - 1).resolve(MAX)).contains(new ByteRange(MAX - 1, MAX - 1));
    }

    @Test
    void suffixSelectsTheLastBytes() {
        assertThat(new RangeSpec.Suffix(500).resolve(10_000)).contains(new ByteRange(9500, 9999));
        assertThat(new RangeSpec.Suffix(1).resolve(10_000)).contains(new ByteRange(9999, 9999));
    }

    @Test
    void suffixLongerThanTheRepresentationIsAllOfIt() {
        assertThat(new RangeSpec.Suffix(10_000).resolve(10_000)).contains(new ByteRange(0, 9999));
        assertThat(new RangeSpec.Suffix(20_000).resolve(10_000)).contains(new ByteRange(0, 9999));
        assertThat(new RangeSpec.Suffix(MAX).resolve(1)).contains(new ByteRange(0, 0));
        assertThat(new RangeSpec.Suffix(MAX).resolve(MAX)).contains(new ByteRange(0, MAX - 1));
    }

    @Test
    void suffixZeroIsUnsatisfiable() {
        assertThat(new RangeSpec.Suffix(0).resolve(10_000)).isEmpty();
    }

    @Test
    void nothingIsSatisfiableInAnEmptyRepresentation() {
        assertThat(new RangeSpec.FromTo(0, 0).resolve(0)).isEmpty();
        assertThat(RangeSpec.FromTo.from(0).resolve(0)).isEmpty();
        assertThat(new RangeSpec.Suffix(1).resolve(0)).isEmpty();
        assertThat(new RangeSpec.Suffix(MAX).resolve(0)).isEmpty();
    }

    @Test
    void invalidSpecsCannotBeBuilt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RangeSpec.FromTo(-1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new RangeSpec.FromTo(5, 4));
        assertThatIllegalArgumentException().isThrownBy(() -> new RangeSpec.Suffix(-1));
    }

    @Test
    void byteRangeArithmetic() {
        ByteRange r = new ByteRange(10, 19);
        assertThat(r.length()).isEqualTo(10);
        assertThat(r.gapTo(new ByteRange(20, 30))).isZero();
        assertThat(r.gapTo(new ByteRange(25, 30))).isEqualTo(5);
        assertThat(r.gapTo(new ByteRange(15, 30))).isEqualTo(-5);
        assertThat(r.overlaps(new ByteRange(19, 19))).isTrue();
        assertThat(r.overlaps(new ByteRange(20, 20))).isFalse();
        assertThat(r.span(new ByteRange(30, 40))).isEqualTo(new ByteRange(10, 40));
        assertThat(r.contentRange(100)).isEqualTo("bytes 10-19/100");
        assertThat(ByteRange.ofLength(10, 10)).isEqualTo(r);
        assertThat(r).hasToString("10-19");
        assertThat(new ByteRange(0, MAX - 1).length()).isEqualTo(MAX);
    }

    @Test
    void invalidByteRangesCannotBeBuilt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ByteRange(-1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new ByteRange(1, 0));
    }

    @Test
    void byteRangesOrderByFirstThenLast() {
        assertThat(new ByteRange(1, 5)).isLessThan(new ByteRange(2, 3));
        assertThat(new ByteRange(1, 3)).isLessThan(new ByteRange(1, 5));
        assertThat(new ByteRange(1, 5).compareTo(new ByteRange(1, 5))).isZero();
    }
}
