package dev.carryon.core.range;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RangeHeaderTest {

    private static final long MAX = Long.MAX_VALUE;

    private static List<RangeSpec> valid(String header) {
        Optional<List<RangeSpec>> parsed = RangeHeader.parse(header);
        assertThat(parsed).as("Range: %s", header).isPresent();
        return parsed.get();
    }

    private static void assertInvalid(String header) {
        assertThat(RangeHeader.parse(header)).as("Range: %s", header).isEmpty();
    }

    @Test
    void firstLast() {
        assertThat(valid("bytes=0-499")).containsExactly(new RangeSpec.FromTo(0, 499));
    }

    @Test
    void firstOnly() {
        assertThat(valid("bytes=9500-")).containsExactly(RangeSpec.FromTo.from(9500));
        assertThat(valid("bytes=9500-")).containsExactly(new RangeSpec.FromTo(9500, MAX));
    }

    @Test
    void suffix() {
        assertThat(valid("bytes=-500")).containsExactly(new RangeSpec.Suffix(500));
    }

    @Test
    void severalSpecsInOrder() {
        assertThat(valid("bytes=500-600,601-999,-1,0-"))
                .containsExactly(new RangeSpec.FromTo(500, 600), new RangeSpec.FromTo(601, 999),
                        new RangeSpec.Suffix(1), RangeSpec.FromTo.from(0));
    }

    @Test
    void singleByteRange() {
        assertThat(valid("bytes=0-0")).containsExactly(new RangeSpec.FromTo(0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BYTES=0-1", "Bytes=0-1", "bYtEs=0-1", "bytes=0-1"})
    void unitIsCaseInsensitive(String header) {
        assertThat(valid(header)).containsExactly(new RangeSpec.FromTo(0, 1));
    }

    @Test
    void optionalWhitespaceAroundElementsAndCommas() {
        assertThat(valid("bytes= 0-1 ,\t2-3\t, -4 ,5- "))
                .containsExactly(new RangeSpec.FromTo(0, 1), new RangeSpec.FromTo(2, 3), new RangeSpec.Suffix(4),
                        RangeSpec.FromTo.from(5));
    }

    @Test
    void emptyElementsAreSkipped() {
        assertThat(valid("bytes=,0-1,,2-3,")).containsExactly(new RangeSpec.FromTo(0, 1), new RangeSpec.FromTo(2, 3));
        assertThat(valid("bytes= , ,0-1, ,")).containsExactly(new RangeSpec.FromTo(0, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=", "bytes=,", "bytes= , ,\t", "bytes= "})
    void noSpecAtAllIsInvalid(String header) {
        assertInvalid(header);
    }

    @Test
    void nullIsInvalid() {
        assertThat(RangeHeader.parse(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"items=0-1", "byte=0-1", "bytess=0-1", "none", "", "0-1", "bytes 0-1", "=0-1",
        "bytes:0-1", "b ytes=0-1"})
    void unknownUnitOrMissingEqualsIsInvalid(String header) {
        assertInvalid(header);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0", "bytes=-", "bytes=a-b", "bytes=1-2-3", "bytes=--1", "bytes=-1-",
        "bytes=0-1;q=1", "bytes=0-1 2-3", "bytes=0..1", "bytes=1--2", "bytes=x", "bytes=0-1,x"})
    void syntaxErrorIsInvalid(String header) {
        assertInvalid(header);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=+1-2", "bytes=1-+2", "bytes=-+1", "bytes=0x1-2", "bytes=1-0x2", "bytes=1 -2",
        "bytes=1- 2", "bytes=1\t-2", "bytes=- 1", "bytes=1.0-2", "bytes=1e3-", "bytes=1_000-",
        // digits of other scripts are not DIGIT
        "bytes=\u0661-\u0662", "bytes=\uff11-\uff12", "bytes=-\u0665"})
    void numbersAreAsciiDigitsOnly(String header) {
        assertInvalid(header);
    }

    @Test
    void lastBelowFirstMakesTheWholeHeaderInvalid() {
        assertInvalid("bytes=5-4");
        assertInvalid("bytes=0-1,5-4,7-8");
        assertInvalid("bytes=010-9");
    }

    @Test
    void lastEqualToFirstIsValid() {
        assertThat(valid("bytes=7-7")).containsExactly(new RangeSpec.FromTo(7, 7));
    }

    @Test
    void leadingZerosAreValueNotMagnitude() {
        assertThat(valid("bytes=0005-0010")).containsExactly(new RangeSpec.FromTo(5, 10));
        assertThat(valid("bytes=00000000000000000000000000001-000000000000000000000000000002"))
                .containsExactly(new RangeSpec.FromTo(1, 2));
        assertThat(valid("bytes=-000000000000000000000000000007")).containsExactly(new RangeSpec.Suffix(7));
    }

    @Test
    void largestLongIsExact() {
        assertThat(valid("bytes=9223372036854775806-9223372036854775807"))
                .containsExactly(new RangeSpec.FromTo(MAX - 1, MAX));
    }

    @Test
    void firstBeyondLongSaturatesAndIsUnsatisfiable() {
        List<RangeSpec> specs = valid("bytes=9223372036854775808-");
        assertThat(specs).containsExactly(new RangeSpec.FromTo(MAX, MAX));
        assertThat(specs.get(0).resolve(MAX)).isEmpty();
        assertThat(specs.get(0).resolve(1000)).isEmpty();

        assertThat(valid("bytes=99999999999999999999999999999999999999-"))
                .containsExactly(new RangeSpec.FromTo(MAX, MAX));
    }

    @Test
    void lastBeyondLongClampsToTheEnd() {
        List<RangeSpec> specs = valid("bytes=10-99999999999999999999999999999");
        assertThat(specs).containsExactly(new RangeSpec.FromTo(10, MAX));
        assertThat(specs.get(0).resolve(1000)).contains(new ByteRange(10, 999));
    }

    @Test
    void suffixBeyondLongMeansTheWholeRepresentation() {
        List<RangeSpec> specs = valid("bytes=-184467440737095516160");
        assertThat(specs).containsExactly(new RangeSpec.Suffix(MAX));
        assertThat(specs.get(0).resolve(1000)).contains(new ByteRange(0, 999));
    }

    @Test
    void lastBelowFirstIsExactEvenWhenBothOverflow() {
        // Both saturate to Long.MAX_VALUE, but the comparison is of the numbers as written.
        assertInvalid("bytes=100000000000000000001-100000000000000000000");
        assertInvalid("bytes=99999999999999999999999-9999999999999999999999");
        assertInvalid("bytes=18446744073709551617-18446744073709551616");
        assertThat(valid("bytes=100000000000000000000-100000000000000000001"))
                .containsExactly(new RangeSpec.FromTo(MAX, MAX));
        assertThat(valid("bytes=100000000000000000000-100000000000000000000"))
                .containsExactly(new RangeSpec.FromTo(MAX, MAX));
    }

    @Test
    void lastBelowFirstWhenOnlyFirstOverflows() {
        assertInvalid("bytes=9223372036854775808-9223372036854775807");
        assertInvalid("bytes=100000000000000000000-5");
    }

    @Test
    void suffixZeroParsesButIsUnsatisfiable() {
        List<RangeSpec> specs = valid("bytes=-0");
        assertThat(specs).containsExactly(new RangeSpec.Suffix(0));
        assertThat(specs.get(0).resolve(1000)).isEmpty();
        assertThat(valid("bytes=-000")).containsExactly(new RangeSpec.Suffix(0));
    }

    @Test
    void saturatedValueOfDigitStrings() {
        assertThat(RangeHeader.saturated("0")).isZero();
        assertThat(RangeHeader.saturated("9223372036854775807")).isEqualTo(MAX);
        assertThat(RangeHeader.saturated("9223372036854775808")).isEqualTo(MAX);
        assertThat(RangeHeader.saturated("9223372036854775799")).isEqualTo(MAX - 8);
        assertThat(RangeHeader.saturated("00000000000000000000000000000042")).isEqualTo(42);
    }

    @Test
    void compareDecimalByValue() {
        assertThat(RangeHeader.compareDecimal("10", "9")).isPositive();
        assertThat(RangeHeader.compareDecimal("0010", "10")).isZero();
        assertThat(RangeHeader.compareDecimal("0", "000")).isZero();
        assertThat(RangeHeader.compareDecimal("99999999999999999999", "100000000000000000000")).isNegative();
    }

    @Test
    void specToString() {
        assertThat(new RangeSpec.FromTo(1, 2)).hasToString("1-2");
        assertThat(RangeSpec.FromTo.from(5)).hasToString("5-");
        assertThat(new RangeSpec.Suffix(3)).hasToString("-3");
    }

    // ---- several Range field lines: which one value is acted on

    @Test
    void oneLineIsItselfAndNoneIsNothing() {
        assertThat(RangeHeader.choose(List.of())).isNull();
        assertThat(RangeHeader.choose(List.of("bytes=0-9"))).isEqualTo("bytes=0-9");
    }

    @Test
    void wget2sHeldBytesAndItsChunkAnswerTheChunk() {
        assertThat(RangeHeader.choose(List.of("bytes=26214400-", "bytes=26214400-52428799")))
                .isEqualTo("bytes=26214400-52428799");
        assertThat(RangeHeader.choose(List.of("bytes=100-", "bytes=0-499", "bytes=200-900")))
                .isEqualTo("bytes=200-499");
    }

    @Test
    void linesThatDoNotOverlapOrAreNotOneRangeEachAnswerTheFirst() {
        assertThat(RangeHeader.choose(List.of("bytes=0-4", "bytes=10-14"))).isEqualTo("bytes=0-4");
        assertThat(RangeHeader.choose(List.of("bytes=0-4,8-9", "bytes=0-9"))).isEqualTo("bytes=0-4,8-9");
        assertThat(RangeHeader.choose(List.of("bytes=-500", "bytes=0-9"))).isEqualTo("bytes=-500");
        assertThat(RangeHeader.choose(List.of("items=0-4", "bytes=0-9"))).isEqualTo("items=0-4");
    }
}
