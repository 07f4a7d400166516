package dev.carryon.core.range;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The grammar of the {@code Range} request header (RFC 9110 section 14.2) for the bytes unit.
 *
 * <p>{@link #parse} answers empty when the header must be ignored: an unknown unit, a syntax error, or a
 * {@code first-last} with last below first. The number of specs is bounded by the header's own length, which
 * the transport limits, so parsing never allocates more than the request already costs.
 */
public final class RangeHeader {

    private RangeHeader() {
    }

    /**
     * The one Range value to act on among the field lines of a request (none: null). Range is no list field, so
     * several lines joined would make an invalid value. The client that sends several is wget2 with {@code -c
     * --chunk-size}: what its file holds and the chunk it wants ({@code bytes=26214400-} and {@code
     * bytes=26214400-52428799}). Each line limits what the client takes, so where every line is one
     * {@code first-last} or {@code first-} range and they overlap, the answer is their intersection: the chunk.
     * Answered the first line (to the end of the file), wget2 asked from the end for ever, against nginx too.
     * Otherwise the first line, as nginx, lighttpd and caddy answer.
     */
    public static String choose(List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        if (lines.size() == 1) {
            return lines.get(0);
        }
        long first = 0;
        long last = Long.MAX_VALUE;
        for (String line : lines) {
            Optional<List<RangeSpec>> specs = parse(line);
            if (specs.isEmpty() || specs.get().size() != 1 || !(specs.get().get(0) instanceof RangeSpec.FromTo r)) {
                return lines.get(0);
            }
            first = Math.max(first, r.first());
            last = Math.min(last, r.last());
        }
        return first <= last ? "bytes=" + new RangeSpec.FromTo(first, last) : lines.get(0);
    }

    public static Optional<List<RangeSpec>> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int eq = value.indexOf('=');
        if (eq < 0 || !value.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
            return Optional.empty();
        }
        List<RangeSpec> specs = new ArrayList<>();
        int pos = eq + 1;
        int end = value.length();
        while (pos <= end) {
            int comma = value.indexOf(',', pos);
            int elementEnd = comma < 0 ? end : comma;
            String element = strip(value, pos, elementEnd);
            if (!element.isEmpty()) {
                RangeSpec spec = parseSpec(element);
                if (spec == null) {
                    return Optional.empty();
                }
                specs.add(spec);
            }
            pos = elementEnd + 1;
        }
        return specs.isEmpty() ? Optional.empty() : Optional.of(specs);
    }

    private static RangeSpec parseSpec(String element) {
        int dash = element.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String left = element.substring(0, dash);
        String right = element.substring(dash + 1);
        if (left.isEmpty()) {
            return isDigits(right) ? new RangeSpec.Suffix(saturated(right)) : null;
        }
        if (!isDigits(left)) {
            return null;
        }
        if (right.isEmpty()) {
            return RangeSpec.FromTo.from(saturated(left));
        }
        if (!isDigits(right) || compareDecimal(right, left) < 0) {
            return null;
        }
        return new RangeSpec.FromTo(saturated(left), saturated(right));
    }

    private static String strip(String s, int from, int to) {
        while (from < to && isOws(s.charAt(from))) {
            from++;
        }
        while (to > from && isOws(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The value of a digit string, or {@link Long#MAX_VALUE} when it does not fit. */
    static long saturated(String digits) {
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                return Long.MAX_VALUE;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Compares two digit strings by value, whatever their length. */
    static int compareDecimal(String a, String b) {
        String x = stripZeros(a);
        String y = stripZeros(b);
        if (x.length() != y.length()) {
            return Integer.compare(x.length(), y.length());
        }
        return x.compareTo(y);
    }

    private static String stripZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }
}
