package dev.carryon.core.fuzz;

import dev.carryon.core.Props.Gen;

import java.util.List;

/**
 * Derives a new input from the pool: one to four edits of a pool entry, each an insertion of a token of the
 * target's grammar or of a hostile one, a deletion, a repetition, a character swap, a splice with another entry,
 * a change of case, or a number at an edge. Edits keep most of the structure, so that an input gets past the
 * first checks of a parser and reaches its deeper states; the length is capped so that a run stays bounded.
 */
final class Mutator {

    static final int MAX_LENGTH = 1000;

    /** What every parser of text meets sooner or later. */
    private static final List<String> HOSTILE = List.of(
            "", " ", "\t", "  ", ",", ";", "=", "\"", "\\", "'", "(", ")", ":", "/", "-", "%", "%0", "%zz", "%00",
            "%2F", "%2f", "%5C", "%C0%AF", "%E2%82", "%ED%A0%80", "%F4%90%80%80", "\u0000", "\r\n", "\n", "\u007f",
            "\u0085", "\u00a0", "\u00ff", "\u0100", "\u2028", "\ud800", "\udc00", "\ud83d\ude00", "\ufeff", "\uffff",
            "0", "-0", "00", "+1", "-1", "1e3", "0x1", "1.5", ".", "..", "*", "?", "#",
            "9223372036854775807", "9223372036854775808", "18446744073709551616", "999999999999999",
            "1000000000000000", "99999999999999999999999999999999999999");

    private Mutator() {
    }

    static String mutate(Gen g, List<String> pool, List<String> dictionary) {
        String s = pool.isEmpty() ? "" : g.pick(pool);
        int edits = g.intIn(1, 4);
        for (int i = 0; i < edits; i++) {
            s = edit(g, s, pool, dictionary);
        }
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
    }

    private static String edit(Gen g, String s, List<String> pool, List<String> dictionary) {
        int at = g.intIn(0, s.length());
        int end = g.intIn(at, Math.min(s.length(), at + 8));
        switch (g.intIn(0, 8)) {
            case 0:
            case 1:
                return s.substring(0, at) + token(g, dictionary) + s.substring(at);
            case 2:
                return s.substring(0, at) + token(g, dictionary) + s.substring(end);
            case 3:
                return s.substring(0, at) + s.substring(end);
            case 4: {
                String piece = s.substring(at, end);
                return s.substring(0, at) + piece.repeat(g.intIn(2, g.oneIn(8) ? 100 : 4)) + s.substring(end);
            }
            case 5: {
                // any UTF-16 unit, or whole characters of every plane (pairs are too rare among random units)
                String c = g.bool() ? g.anyString(2) : g.unicode(1, 2);
                return s.substring(0, at) + c + s.substring(Math.min(at + 1, s.length()));
            }
            case 6: {
                String other = pool.isEmpty() ? "" : g.pick(pool);
                return s.substring(0, at) + other.substring(g.intIn(0, other.length()));
            }
            case 7: {
                String piece = s.substring(at, end);
                piece = g.bool() ? piece.toUpperCase(java.util.Locale.ROOT) : piece.toLowerCase(java.util.Locale.ROOT);
                return s.substring(0, at) + piece + s.substring(end);
            }
            default:
                return s.substring(0, at) + number(g) + s.substring(end);
        }
    }

    private static String token(Gen g, List<String> dictionary) {
        return dictionary.isEmpty() || g.oneIn(3) ? g.pick(HOSTILE) : g.pick(dictionary);
    }

    private static String number(Gen g) {
        return switch (g.intIn(0, 3)) {
            case 0 -> Long.toString(g.interestingLong());
            case 1 -> "-" + g.interestingLong();
            case 2 -> g.digits(16, 40);
            default -> Integer.toString(g.intIn(0, 100));
        };
    }
}
