package dev.carryon.core.conditional;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP-date (RFC 9110 section 5.6.7): written as IMF-fixdate, read in all three forms that recipients must
 * accept. Parsing is case-sensitive and exact, as the grammar is; anything else is not a date.
 */
public final class HttpDate {

    private static final List<String> DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
    private static final List<String> LONG_DAYS =
            List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday");
    private static final List<String> MONTHS =
            List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

    private HttpDate() {
    }

    /** IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    public static String format(Instant instant) {
        return format(instant.getEpochSecond());
    }

    public static String format(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS.get(t.getDayOfWeek().getValue() - 1)).append(", ");
        two(b, t.getDayOfMonth()).append(' ');
        b.append(MONTHS.get(t.getMonthValue() - 1)).append(' ');
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year out of HTTP-date range: " + year);
        }
        two(b, year / 100);
        two(b, year % 100).append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(" GMT");
        return b.toString();
    }

    /**
     * Parses an HTTP-date in any of its three forms.
     *
     * @param now the reference for a two-digit rfc850 year: one that looks more than 50 years ahead is
     *            taken as the most recent past year with the same last two digits
     */
    public static Optional<Instant> parse(String value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            if (value.length() == 29 && value.charAt(3) == ',') {
                return Optional.ofNullable(imfFixdate(value));
            }
            if (value.length() == 24 && value.charAt(3) == ' ') {
                return Optional.ofNullable(asctime(value));
            }
            int comma = value.indexOf(',');
            if (comma > 0) {
                return Optional.ofNullable(rfc850(value, comma, now));
            }
        } catch (DateTimeException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    // Sun, 06 Nov 1994 08:49:37 GMT
    private static Instant imfFixdate(String v) {
        if (!DAYS.contains(v.substring(0, 3)) || v.charAt(4) != ' ' || v.charAt(7) != ' '
                || v.charAt(11) != ' ' || v.charAt(16) != ' ' || !v.endsWith(" GMT")) {
            return null;
        }
        int day = digits(v, 5, 2);
        int month = MONTHS.indexOf(v.substring(8, 11)) + 1;
        int year = digits(v, 12, 4);
        return at(year, month, day, v, 17);
    }

    // Sun Nov  6 08:49:37 1994
    private static Instant asctime(String v) {
        if (!DAYS.contains(v.substring(0, 3)) || v.charAt(7) != ' ' || v.charAt(10) != ' ' || v.charAt(19) != ' ') {
            return null;
        }
        int month = MONTHS.indexOf(v.substring(4, 7)) + 1;
        int day = v.charAt(8) == ' ' ? digits(v, 9, 1) : digits(v, 8, 2);
        int year = digits(v, 20, 4);
        return at(year, month, day, v, 11);
    }

    // Sunday, 06-Nov-94 08:49:37 GMT
    private static Instant rfc850(String v, int comma, Instant now) {
        if (!LONG_DAYS.contains(v.substring(0, comma))) {
            return null;
        }
        String rest = v.substring(comma + 1);
        if (rest.length() != 23 || rest.charAt(0) != ' ' || rest.charAt(3) != '-' || rest.charAt(7) != '-'
                || rest.charAt(10) != ' ' || !rest.endsWith(" GMT")) {
            return null;
        }
        int day = digits(rest, 1, 2);
        int month = MONTHS.indexOf(rest.substring(4, 7)) + 1;
        int yy = digits(rest, 8, 2);
        if (day < 0 || yy < 0) {
            return null;
        }
        LocalDateTime today = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        int year = (today.getYear() / 100) * 100 + yy;
        Instant date = at(year, month, day, rest, 11);
        if (date != null && date.isAfter(today.plusYears(50).toInstant(ZoneOffset.UTC))) {
            return at(year - 100, month, day, rest, 11);
        }
        return date;
    }

    /** Reads {@code HH:MM:SS} at {@code timeAt} and builds the instant; second 60 (a leap second) is 59. */
    private static Instant at(int year, int month, int day, String v, int timeAt) {
        if (v.charAt(timeAt + 2) != ':' || v.charAt(timeAt + 5) != ':') {
            return null;
        }
        int hour = digits(v, timeAt, 2);
        int minute = digits(v, timeAt + 3, 2);
        int second = digits(v, timeAt + 6, 2);
        if (year < 0 || month < 1 || day < 0 || hour < 0 || minute < 0 || second < 0 || second > 60) {
            return null;
        }
        return LocalDateTime.of(year, month, day, hour, minute, Math.min(second, 59)).toInstant(ZoneOffset.UTC);
    }

    /** The value of {@code count} ASCII digits at {@code from}, or -1 if any is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static StringBuilder two(StringBuilder b, int v) {
        if (v < 10) {
            b.append('0');
        }
        return b.append(v);
    }
}
