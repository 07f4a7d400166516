package dev.carryon.core.fuzz;

import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.conditional.EntityTagList;
import dev.carryon.core.conditional.HttpDate;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP-dates and entity tags: never an exception, and what is read writes back to the same value. */
class ConditionalFuzzTest {

    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    @Test
    void httpDates() {
        Fuzz.run("http-date", List.of("Sun", "Mon,", "Sunday,", "Thursday,", " GMT", " UTC", "Nov", "Feb", "29", "30",
                "00:00:00", "23:59:60", "24:00:00", "-Nov-", "  6", " 6 ", "1994", "0000", "9999", "94", "00", "99"),
                ConditionalFuzzTest::date);
    }

    static String date(String input) {
        Optional<Instant> parsed = HttpDate.parse(input, NOW);
        if (parsed.isEmpty()) {
            return "no date";
        }
        Instant t = parsed.get();
        assertThat(t.getNano()).isZero();
        int year = t.atZone(ZoneOffset.UTC).getYear();
        assertThat(year).isBetween(0, 9999);
        String formatted = HttpDate.format(t);
        assertThat(HttpDate.parse(formatted, NOW)).as("parse(format(" + formatted + "))").contains(t);
        String form = input.length() == 29 ? "imf" : input.length() == 24 ? "asctime" : "rfc850";
        if (form.equals("rfc850")) {
            assertThat(t).as("a two-digit year is at most 50 years ahead")
                    .isBeforeOrEqualTo(NOW.atZone(ZoneOffset.UTC).plusYears(50).toInstant().plus(1, ChronoUnit.DAYS));
        }
        return form;
    }

    @Test
    void entityTags() {
        Fuzz.run("entity-tags", List.of("\"", "\"\"", "W/", "w/", "W/\"", "*", ", ", ",", "\"a\"", "W/\"a\"", "\"a,b\"",
                "\u0080", "\u00ff", "\u0100", "\"*\""), ConditionalFuzzTest::tags);
    }

    static String tags(String input) {
        Optional<EntityTag> one = EntityTag.parse(input);
        one.ifPresent(tag -> assertThat(EntityTag.parse(tag.headerValue())).contains(tag));
        EntityTagList list = EntityTagList.parse(input);
        if (list.any()) {
            assertThat(list.tags()).isEmpty();
            assertThat(input.strip()).isEqualTo("*");
        }
        String formatted = list.any() ? "*"
                : list.tags().stream().map(EntityTag::headerValue).collect(Collectors.joining(", "));
        assertThat(EntityTagList.parse(formatted)).as("parse(format(" + formatted + "))").isEqualTo(list);
        // a tag read alone is the list of that one tag
        one.ifPresent(tag -> assertThat(list.tags()).containsExactly(tag));
        return (one.isPresent() ? "tag " : "") + (list.any() ? "any" : list.tags().isEmpty() ? "none"
                : list.tags().size() == 1 ? "one" : "several");
    }
}
