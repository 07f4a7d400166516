package dev.carryon.core.conditional;

import dev.carryon.core.Props;
import dev.carryon.core.Props.Gen;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of validators, HTTP-dates and the precondition order, for any input. */
class ConditionalPropertyTest {

    private static final long YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long YEAR_9999_END = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC850 =
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final String ETAGC;

    static {
        StringBuilder b = new StringBuilder();
        for (char c = 0x21; c <= 0xff; c++) {
            if (EntityTag.isEtagc(c)) {
                b.append(c);
            }
        }
        ETAGC = b.toString();
    }

    static Instant instant(Gen g) {
        return Instant.ofEpochSecond(g.longIn(YEAR_0, YEAR_9999_END), g.intIn(0, 999_999_999));
    }

    static Instant now(Gen g) {
        return Instant.ofEpochSecond(g.longIn(0, Instant.parse("2200-01-01T00:00:00Z").getEpochSecond()));
    }

    @Test
    void imfFixdateRoundTrips() {
        Props.forAll(Props.TRIES, g -> new Instant[] {instant(g), now(g)}, t -> {
            String formatted = HttpDate.format(t[0]);
            assertThat(formatted).hasSize(29).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} "
                    + "\\d{2}:\\d{2}:\\d{2} GMT");
            assertThat(HttpDate.parse(formatted, t[1])).contains(Instant.ofEpochSecond(t[0].getEpochSecond()));
        });
    }

    @Test
    void asctimeReadsAsTheSameInstant() {
        Props.forAll(Props.TRIES, g -> new Instant[] {instant(g), now(g)}, t -> {
            String asctime = ASCTIME.format(t[0]);
            assertThat(HttpDate.parse(asctime, t[1])).as(asctime)
                    .contains(Instant.ofEpochSecond(t[0].getEpochSecond()));
        });
    }

    @Test
    void rfc850TwoDigitYearsFollowTheFiftyYearRule() {
        Props.forAll(Props.TRIES, g -> {
            Instant now = now(g);
            int year = LocalDateTime.ofInstant(now, ZoneOffset.UTC).getYear() + g.intIn(-120, 120);
            LocalDateTime t = LocalDateTime.of(Math.max(0, year), g.intIn(1, 12), g.intIn(1, 28), g.intIn(0, 23),
                    g.intIn(0, 59), g.intIn(0, 59));
            return new Object[] {now, t};
        }, c -> {
            Instant now = (Instant) c[0];
            LocalDateTime t = (LocalDateTime) c[1];
            String value = RFC850.format(t.toInstant(ZoneOffset.UTC));
            LocalDateTime today = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
            LocalDateTime inThisCentury = t.withYear(today.getYear() / 100 * 100 + t.getYear() % 100);
            LocalDateTime expected = inThisCentury.isAfter(today.plusYears(50))
                    ? inThisCentury.minusYears(100) : inThisCentury;
            Instant parsed = HttpDate.parse(value, now).orElseThrow(() -> new AssertionError("not a date: " + value));
            assertThat(parsed).as(value).isEqualTo(expected.toInstant(ZoneOffset.UTC));
            assertThat(parsed).isBeforeOrEqualTo(today.plusYears(50).toInstant(ZoneOffset.UTC));
        });
    }

    static String dateLike(Gen g) {
        Instant t = instant(g);
        String s = switch (g.intIn(0, 2)) {
            case 0 -> HttpDate.format(t);
            case 1 -> ASCTIME.format(t);
            default -> RFC850.format(t);
        };
        StringBuilder b = new StringBuilder(s);
        int edits = g.intIn(1, 3);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = g.intIn(0, b.length() - 1);
            switch (g.intIn(0, 3)) {
                case 0 -> b.setCharAt(at, g.pick('0', '9', ' ', ',', '-', ':', 'x', 'G', '\u0661', '\0', '\u00e9'));
                case 1 -> b.deleteCharAt(at);
                case 2 -> b.insert(at, g.pick(' ', '0', ','));
                default -> b.setLength(at);
            }
        }
        return b.toString();
    }

    @Test
    void parsingNeverThrows() {
        Props.forAll(5 * Props.TRIES, g -> new Object[] {g.oneIn(3) ? g.anyString(40) : dateLike(g), now(g)}, c -> {
            String value = (String) c[0];
            HttpDate.parse(value, (Instant) c[1]).ifPresent(d ->
                    assertThat(d.getEpochSecond()).isBetween(YEAR_0, YEAR_9999_END));
            EntityTag.parse(value);
            EntityTagList.parse(value);
            Validators current = new Validators(EntityTag.strong("v1"), Instant.parse("2024-01-01T00:00:00Z"));
            Preconditions.evaluate(true, new ConditionalHeaders(value, value, value, value, value), current,
                    (Instant) c[1]);
            Preconditions.evaluate(false, new ConditionalHeaders(null, value, null, value, null), current,
                    (Instant) c[1]);
            Preconditions.evaluate(true, new ConditionalHeaders(null, null, value, null, null), current,
                    (Instant) c[1]);
            Preconditions.ifRangeHolds(value, current, (Instant) c[1]);
        });
    }

    @Test
    void entityTagsRoundTrip() {
        Props.forAll(Props.TRIES, g -> new EntityTag(g.stringOf(ETAGC, 0, 20), g.bool()), tag -> {
            assertThat(EntityTag.parse(tag.headerValue())).contains(tag);
            assertThat(EntityTag.parse(" " + tag.headerValue() + "\t")).contains(tag);
        });
    }

    @Test
    void entityTagListsRoundTrip() {
        Props.forAll(Props.TRIES, g -> {
            List<EntityTag> tags = g.listOf(1, 6, () -> new EntityTag(g.stringOf(ETAGC, 0, 8), g.bool()));
            StringBuilder b = new StringBuilder();
            for (EntityTag t : tags) {
                if (b.length() > 0 || g.oneIn(4)) {
                    b.append(g.pick("", " ", "\t")).append(g.pick(",", ",,", ", ,")).append(g.pick("", " ", "\t "));
                }
                b.append(t.headerValue());
            }
            return new Object[] {tags, b.toString()};
        }, c -> {
            @SuppressWarnings("unchecked")
            List<EntityTag> tags = (List<EntityTag>) c[0];
            EntityTagList list = EntityTagList.parse((String) c[1]);
            assertThat(list.any()).isFalse();
            assertThat(list.tags()).containsExactlyElementsOf(tags);
            for (EntityTag t : tags) {
                assertThat(list.matchesWeakly(t)).isTrue();
                assertThat(list.matchesStrongly(t)).isEqualTo(!t.weak());
                assertThat(list.matchesStrongly(EntityTag.strong(t.opaque())))
                        .isEqualTo(tags.contains(EntityTag.strong(t.opaque())));
            }
        });
    }

    record FileVersion(long size, Instant modified, long identity) {
    }

    static FileVersion fileVersion(Gen g) {
        return new FileVersion(g.interestingLong(),
                Instant.ofEpochSecond(g.longIn(-2_000_000_000L, 7_000_000_000L), g.intIn(0, 999_999_999)),
                g.oneIn(4) ? 0 : g.longIn(Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void fileEntityTagsAreDistinctForDistinctVersions() {
        Props.forAll(Props.TRIES, g -> {
            FileVersion a = fileVersion(g);
            FileVersion b = switch (g.intIn(0, 3)) {
                case 0 -> new FileVersion(a.size() ^ (1L << g.intIn(0, 62)), a.modified(), a.identity());
                case 1 -> new FileVersion(a.size(), a.modified().plusNanos(g.pick(1L, -1L, 1_000_000_000L,
                        g.longIn(-1_000_000_000_000L, 1_000_000_000_000L) | 1)), a.identity());
                case 2 -> new FileVersion(a.size(), a.modified(), a.identity() + g.pick(1L, -1L, Long.MIN_VALUE));
                default -> fileVersion(g);
            };
            return new FileVersion[] {a, b};
        }, v -> {
            Instant now = Instant.parse("2300-01-01T00:00:00Z");
            EntityTag a = FileEntityTag.of(v[0].size(), v[0].modified(), v[0].identity(), now);
            EntityTag b = FileEntityTag.of(v[1].size(), v[1].modified(), v[1].identity(), now);
            assertThat(a.weak()).isFalse();
            assertThat(a.strongMatch(b)).isEqualTo(v[0].equals(v[1]));
        });
    }

    @Test
    void fileEntityTagIsWeakExactlyWithinASecondOfTheChange() {
        Props.forAll(Props.TRIES, g -> {
            FileVersion v = fileVersion(g);
            long offsetNanos = g.pick(0L, 1L, 999_999_999L, 1_000_000_000L, 1_000_000_001L, -1L,
                    g.longIn(-5_000_000_000L, 5_000_000_000L));
            return new Object[] {v, v.modified().plusNanos(offsetNanos)};
        }, c -> {
            FileVersion v = (FileVersion) c[0];
            Instant now = (Instant) c[1];
            EntityTag tag = FileEntityTag.of(v.size(), v.modified(), v.identity(), now);
            assertThat(tag.weak()).isEqualTo(now.isBefore(v.modified().plusSeconds(1)));
            assertThat(EntityTag.parse(tag.headerValue())).contains(tag);
        });
    }

    // ---- the order of RFC 9110 section 13.2.2, against a model ----

    /** A header value with what it means against CURRENT: its condition holds, fails, or is ignored. */
    record Field(String value, Boolean holds) {
    }

    private static final Validators CURRENT =
            new Validators(EntityTag.strong("v1"), Instant.parse("2024-01-01T10:00:00.500Z"));
    private static final Instant NOW = Instant.parse("2024-01-01T11:00:00Z");

    private static final List<Field> IF_MATCH = List.of(new Field(null, null), new Field("\"v1\"", true),
            new Field("*", true), new Field("\"v0\", \"v1\"", true), new Field("\"v2\"", false),
            new Field("W/\"v1\"", false), new Field("v1", false));
    /** Holds when not modified since the date. */
    private static final List<Field> IF_UNMODIFIED_SINCE = List.of(new Field(null, null),
            new Field("Mon, 01 Jan 2024 09:59:59 GMT", false), new Field("Mon, 01 Jan 2024 10:00:00 GMT", true),
            new Field("Mon, 01 Jan 2024 10:00:01 GMT", true), new Field("Monday, 01-Jan-24 09:59:59 GMT", false),
            new Field("not a date", null));
    /** Holds when no tag matches. */
    private static final List<Field> IF_NONE_MATCH = List.of(new Field(null, null), new Field("\"v1\"", false),
            new Field("W/\"v1\"", false), new Field("*", false), new Field("\"v2\"", true),
            new Field("\"v2\", W/\"v3\"", true), new Field("v1", true));
    /** Holds when modified since the date. */
    private static final List<Field> IF_MODIFIED_SINCE = List.of(new Field(null, null),
            new Field("Mon, 01 Jan 2024 09:59:59 GMT", true), new Field("Mon, 01 Jan 2024 10:00:00 GMT", false),
            new Field("Mon Jan  1 10:00:01 2024", false), new Field("not a date", null));

    static Preconditions.Outcome model(boolean safe, Field ifMatch, Field ius, Field inm, Field ims) {
        if (ifMatch.value() != null) {
            if (!ifMatch.holds()) {
                return new Preconditions.Failed("If-Match");
            }
        } else if (ius.holds() != null && !ius.holds()) {
            return new Preconditions.Failed("If-Unmodified-Since");
        }
        if (inm.value() != null) {
            if (!inm.holds()) {
                return safe ? new Preconditions.NotModified() : new Preconditions.Failed("If-None-Match");
            }
        } else if (safe && ims.holds() != null && !ims.holds()) {
            return new Preconditions.NotModified();
        }
        return new Preconditions.Proceed();
    }

    @Test
    void preconditionsAreEvaluatedInTheOrderOfRfc9110() {
        // every combination, not a sample
        List<Field[]> cases = new ArrayList<>();
        for (Field a : IF_MATCH) {
            for (Field b : IF_UNMODIFIED_SINCE) {
                for (Field c : IF_NONE_MATCH) {
                    for (Field d : IF_MODIFIED_SINCE) {
                        cases.add(new Field[] {a, b, c, d});
                    }
                }
            }
        }
        assertThat(cases).hasSize(7 * 6 * 7 * 5);
        for (Field[] f : cases) {
            ConditionalHeaders headers = new ConditionalHeaders(f[0].value(), f[2].value(), f[3].value(), f[1].value(),
                    null);
            for (boolean safe : new boolean[] {true, false}) {
                Preconditions.Outcome expected = model(safe, f[0], f[1], f[2], f[3]);
                Preconditions.Outcome actual = Preconditions.evaluate(safe, headers, CURRENT, NOW);
                assertThat(actual).as("%s, safe=%s", headers, safe).hasSameClassAs(expected);
                if (expected instanceof Preconditions.Failed failed) {
                    assertThat(((Preconditions.Failed) actual).reason()).startsWith(failed.reason() + ":");
                }
            }
        }
    }
}
