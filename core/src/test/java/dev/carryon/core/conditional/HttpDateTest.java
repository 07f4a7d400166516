package dev.carryon.core.conditional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HttpDateTest {

    /** Sun, 06 Nov 1994 08:49:37 GMT, the example of RFC 9110 section 5.6.7. */
    private static final Instant EXAMPLE = Instant.ofEpochSecond(784_111_777);
    private static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");

    private static Instant parse(String value) {
        return HttpDate.parse(value, NOW).orElseThrow(() -> new AssertionError("not a date: " + value));
    }

    @Test
    void formatsImfFixdate() {
        assertThat(HttpDate.format(EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDate.format(Instant.EPOCH)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(HttpDate.format(Instant.parse("2024-02-29T23:05:09Z"))).isEqualTo("Thu, 29 Feb 2024 23:05:09 GMT");
        assertThat(HttpDate.format(784_111_777L)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @Test
    void formatDropsFractionsOfASecond() {
        assertThat(HttpDate.format(EXAMPLE.plusNanos(999_999_999))).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDate.format(Instant.ofEpochSecond(-1, 500_000_000))).isEqualTo("Wed, 31 Dec 1969 23:59:59 GMT");
    }

    @Test
    void formatsTheYearsOfTheGrammar() {
        assertThat(HttpDate.format(Instant.parse("0000-01-01T00:00:00Z"))).isEqualTo("Sat, 01 Jan 0000 00:00:00 GMT");
        assertThat(HttpDate.format(Instant.parse("0999-03-04T05:06:07Z"))).isEqualTo("Mon, 04 Mar 0999 05:06:07 GMT");
        assertThat(HttpDate.format(Instant.parse("9999-12-31T23:59:59Z"))).isEqualTo("Fri, 31 Dec 9999 23:59:59 GMT");
    }

    @Test
    void yearsOutsideTheGrammarCannotBeFormatted() {
        assertThatIllegalArgumentException().isThrownBy(() -> HttpDate.format(Instant.parse("+10000-01-01T00:00:00Z")));
        assertThatIllegalArgumentException().isThrownBy(() -> HttpDate.format(Instant.parse("-0001-12-31T23:59:59Z")));
    }

    @Test
    void formatIsAsciiWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
        try {
            for (String tag : new String[] {"th-TH-u-nu-thai", "ar-EG", "hi-IN-u-nu-deva", "fa-IR", "de-DE"}) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                assertThat(HttpDate.format(EXAMPLE)).as("in locale %s", tag)
                        .isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
            }
        } finally {
            Locale.setDefault(saved);
            Locale.setDefault(Locale.Category.FORMAT, savedFormat);
        }
    }

    @Test
    void parsesImfFixdate() {
        assertThat(parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(EXAMPLE);
        assertThat(parse("Thu, 01 Jan 1970 00:00:00 GMT")).isEqualTo(Instant.EPOCH);
        assertThat(parse("Thu, 29 Feb 2024 23:05:09 GMT")).isEqualTo(Instant.parse("2024-02-29T23:05:09Z"));
    }

    @Test
    void parsesRfc850() {
        assertThat(parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(EXAMPLE);
        assertThat(parse("Wednesday, 09-Oct-24 01:02:03 GMT")).isEqualTo(Instant.parse("2024-10-09T01:02:03Z"));
    }

    @Test
    void parsesAsctimeWithASingleDigitDay() {
        assertThat(parse("Sun Nov  6 08:49:37 1994")).isEqualTo(EXAMPLE);
    }

    @Test
    void parsesAsctimeWithTwoDigitDays() {
        assertThat(parse("Wed Nov 16 08:49:37 1994")).isEqualTo(EXAMPLE.plusSeconds(10 * 86_400));
        assertThat(parse("Sun Nov 06 08:49:37 1994")).isEqualTo(EXAMPLE);
    }

    @Test
    void rfc850YearsInTheCurrentCenturyUpToFiftyYearsAhead() {
        assertThat(parse("Friday, 31-May-24 12:00:00 GMT")).isEqualTo(Instant.parse("2024-05-31T12:00:00Z"));
        assertThat(parse("Saturday, 01-Jan-00 00:00:00 GMT")).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
        assertThat(parse("Thursday, 15-Jun-73 00:00:00 GMT")).isEqualTo(Instant.parse("2073-06-15T00:00:00Z"));
        assertThat(parse("Monday, 01-Jan-74 00:00:00 GMT")).isEqualTo(Instant.parse("2074-01-01T00:00:00Z"));
        // exactly fifty years ahead is not more than fifty years ahead
        assertThat(parse("Friday, 01-Jun-74 00:00:00 GMT")).isEqualTo(Instant.parse("2074-06-01T00:00:00Z"));
    }

    @Test
    void rfc850YearsMoreThanFiftyYearsAheadAreInThePast() {
        assertThat(parse("Saturday, 01-Jun-74 00:00:01 GMT")).isEqualTo(Instant.parse("1974-06-01T00:00:01Z"));
        assertThat(parse("Tuesday, 31-Dec-74 23:59:59 GMT")).isEqualTo(Instant.parse("1974-12-31T23:59:59Z"));
        assertThat(parse("Wednesday, 01-Jan-75 00:00:00 GMT")).isEqualTo(Instant.parse("1975-01-01T00:00:00Z"));
        assertThat(parse("Friday, 31-Dec-99 23:59:59 GMT")).isEqualTo(Instant.parse("1999-12-31T23:59:59Z"));
    }

    @Test
    void rfc850CenturyFollowsNow() {
        Instant now = Instant.parse("2151-03-01T00:00:00Z");
        assertThat(HttpDate.parse("Monday, 01-Jan-99 00:00:00 GMT", now))
                .contains(Instant.parse("2199-01-01T00:00:00Z"));
        assertThat(HttpDate.parse("Monday, 01-Jan-02 00:00:00 GMT", now))
                .contains(Instant.parse("2102-01-01T00:00:00Z"));
    }

    @Test
    void secondSixtyIsALeapSecondReadAsFiftyNine() {
        assertThat(parse("Sat, 31 Dec 2016 23:59:60 GMT")).isEqualTo(Instant.ofEpochSecond(1_483_228_799));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sun, 06 Nov 1994 08:49:37 GMT", "SUN, 06 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 06 NOV 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 gmt", "sunday, 06-Nov-94 08:49:37 GMT",
        "SUNDAY, 06-Nov-94 08:49:37 GMT", "Sunday, 06-nov-94 08:49:37 GMT", "sun Nov  6 08:49:37 1994",
        "Sun nov  6 08:49:37 1994"})
    void parsingIsCaseSensitive(String value) {
        assertThat(HttpDate.parse(value, NOW)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Sun, 30 Feb 1994 08:49:37 GMT", "Sun, 29 Feb 2023 08:49:37 GMT", "Sun, 31 Apr 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sunday, 30-Feb-94 08:49:37 GMT", "Sunday, 06-Nov-94 25:00:00 GMT", "Sun Feb 30 08:49:37 1994",
        "Sun Nov  6 25:49:37 1994", "Sun Nov  0 08:49:37 1994"})
    void impossibleDatesAndTimesAreNotDates(String value) {
        assertThat(HttpDate.parse(value, NOW)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "Sun, 6 Nov 1994 08:49:37 GMT", " Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ",
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 +0000", "Sun,  06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06-Nov-1994 08:49:37 GMT", "Sun, 0x Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08.49.37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Nov 1994 08:49:3 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Abc 1994 08:49:37 GMT", "Sun, 06 Nov 199x 08:49:37 GMT",
        "Sun, 06 Nov -994 08:49:37 GMT", "Sun, 06 Nov 1994 -8:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT ", "Sunday, 6-Nov-94 08:49:37 GMT", "Sunday, 06 Nov 94 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT", "Someday, 06-Nov-94 08:49:37 GMT", "Sunday,06-Nov-94 08:49:37 GMT",
        "Sunday, 06-Nov-9x 08:49:37 GMT", "Sunday, -6-Nov-94 08:49:37 GMT", ",", "Sunday,", "Sunday, ",
        "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 94", "Sun Nov  6 08:49:37 1994 ", "Sun Nov x6 08:49:37 1994",
        "Sun Nov  6 08:49:37 +994", "1994-11-06T08:49:37Z", "784111777", "Sun, 06 Nov 1994 08:49:37 GMT, x"})
    void malformedValuesAreNotDates(String value) {
        assertThat(HttpDate.parse(value, NOW)).isEmpty();
    }

    @Test
    void nullIsNotADate() {
        assertThat(HttpDate.parse(null, NOW)).isEmpty();
    }

    @Test
    void parsesWhatItFormats() {
        for (Instant t : new Instant[] {Instant.EPOCH, EXAMPLE, NOW, Instant.parse("0000-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59Z"), Instant.parse("1900-02-28T12:00:00Z")}) {
            assertThat(HttpDate.parse(HttpDate.format(t), NOW)).contains(t);
        }
    }
}
