package dev.carryon.core.field;

import dev.carryon.core.Props;
import dev.carryon.core.Props.Gen;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips of RFC 9651 values, and parsing of any input. */
class StructuredFieldsPropertyTest {

    private static final String LCALPHA = "abcdefghijklmnopqrstuvwxyz";
    private static final String ALPHA = LCALPHA + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String TOKEN_CHARS = ALPHA + "0123456789!#$%&'*+-.^_`|~:/";
    private static final String KEY_CHARS = LCALPHA + "0123456789_-.*";
    private static final String PRINTABLE;

    static {
        StringBuilder b = new StringBuilder();
        for (char c = 0x20; c <= 0x7e; c++) {
            b.append(c);
        }
        PRINTABLE = b.toString();
    }

    // ---- generators ----

    static long sfInteger(Gen g) {
        long max = BareItem.Integer.MAX;
        return switch (g.intIn(0, 3)) {
            case 0 -> g.pick(0L, 1L, -1L, max, -max, 1000L, -999L);
            case 1 -> g.longIn(-1000, 1000);
            default -> g.longIn(-max, max);
        };
    }

    static BareItem bareItem(Gen g) {
        return switch (g.intIn(0, 7)) {
            case 0 -> new BareItem.Integer(sfInteger(g));
            case 1 -> new BareItem.Decimal(sfInteger(g));
            case 2 -> new BareItem.String(g.stringOf(PRINTABLE, 0, 12));
            case 3 -> new BareItem.Token(g.stringOf(ALPHA + "*", 1, 1) + g.stringOf(TOKEN_CHARS, 0, 10));
            case 4 -> new BareItem.Bytes(g.bytes(g.intIn(0, 12)));
            case 5 -> g.bool() ? BareItem.Boolean.TRUE : BareItem.Boolean.FALSE;
            case 6 -> new BareItem.Date(sfInteger(g));
            default -> new BareItem.DisplayString(g.unicode(0, 8));
        };
    }

    static String key(Gen g) {
        return g.stringOf(LCALPHA + "*", 1, 1) + g.stringOf(KEY_CHARS, 0, 5);
    }

    static Parameters parameters(Gen g) {
        if (g.oneIn(2)) {
            return Parameters.EMPTY;
        }
        Map<String, BareItem> p = new LinkedHashMap<>();
        int n = g.intIn(1, 3);
        for (int i = 0; i < n; i++) {
            p.put(key(g), bareItem(g));
        }
        return new Parameters(p);
    }

    static Member.Item item(Gen g) {
        return new Member.Item(bareItem(g), parameters(g));
    }

    static Member member(Gen g) {
        if (g.oneIn(4)) {
            return new Member.InnerList(g.listOf(0, 4, () -> item(g)), parameters(g));
        }
        return item(g);
    }

    static Map<String, Member> dictionary(Gen g) {
        Map<String, Member> d = new LinkedHashMap<>();
        int n = g.intIn(0, 5);
        for (int i = 0; i < n; i++) {
            d.put(key(g), member(g));
        }
        return d;
    }

    // ---- round trips ----

    @Test
    void itemsRoundTrip() {
        Props.forAll(Props.TRIES, StructuredFieldsPropertyTest::item, item -> {
            String text = StructuredFields.serialize(item);
            assertThat(StructuredFields.parseItem(text)).isEqualTo(item);
            assertThat(StructuredFields.serialize(StructuredFields.parseItem(text))).isEqualTo(text);
            assertThat(StructuredFields.serialize(item.value())).isEqualTo(
                    StructuredFields.serialize(Member.Item.of(item.value())));
        });
    }

    @Test
    void listsRoundTrip() {
        Props.forAll(Props.TRIES, g -> g.listOf(0, 5, () -> member(g)), list -> {
            String text = StructuredFields.serializeList(list);
            assertThat(StructuredFields.parseList(text)).isEqualTo(list);
            assertThat(StructuredFields.serializeList(StructuredFields.parseList(text))).isEqualTo(text);
        });
    }

    @Test
    void dictionariesRoundTrip() {
        Props.forAll(Props.TRIES, StructuredFieldsPropertyTest::dictionary, dictionary -> {
            String text = StructuredFields.serializeDictionary(dictionary);
            Map<String, Member> parsed = StructuredFields.parseDictionary(text);
            assertThat(parsed).containsExactlyEntriesOf(dictionary);
            assertThat(StructuredFields.serializeDictionary(parsed)).isEqualTo(text);
        });
    }

    // ---- any input ----

    static String sfLike(Gen g) {
        switch (g.intIn(0, 3)) {
            case 0:
                return g.anyString(30);
            case 1:
                return g.stringOf("aAz09*-._:/?@%\";=,() \t\\!#1.~\u00e9\n", 0, 30);
            default: {
                // a valid value with a few characters changed
                StringBuilder b = new StringBuilder(g.bool()
                        ? StructuredFields.serializeList(g.listOf(1, 4, () -> member(g)))
                        : StructuredFields.serializeDictionary(dictionary(g)));
                int edits = g.intIn(1, 3);
                for (int i = 0; i < edits && b.length() > 0; i++) {
                    int at = g.intIn(0, b.length() - 1);
                    switch (g.intIn(0, 2)) {
                        case 0 -> b.setCharAt(at, g.stringOf("aA0*-.:/?@%\";=,() \t\\\u00e9", 1, 1).charAt(0));
                        case 1 -> b.deleteCharAt(at);
                        default -> b.setLength(at);
                    }
                }
                return b.toString();
            }
        }
    }

    @Test
    void parsingAnyInputFailsCleanlyOrGivesAValueThatSerialisesStably() {
        Props.forAll(5 * Props.TRIES, StructuredFieldsPropertyTest::sfLike, text -> {
            stable(text, StructuredFields::parseList, StructuredFields::serializeList, StructuredFields::parseList);
            stable(text, StructuredFields::parseDictionary, StructuredFields::serializeDictionary,
                    StructuredFields::parseDictionary);
            stable(text, StructuredFields::parseItem, StructuredFields::serialize, StructuredFields::parseItem);
        });
    }

    /** Parsing throws only StructuredFieldException; what parses serialises, and that parses back to itself. */
    private static <T> void stable(String text, Function<String, T> parse, Function<T, String> serialize,
                                   Function<String, T> reparse) {
        T value;
        try {
            value = parse.apply(text);
        } catch (StructuredFieldException expected) {
            return;
        }
        String serialized = serialize.apply(value);
        T again = reparse.apply(serialized);
        assertThat(again).isEqualTo(value);
        assertThat(serialize.apply(again)).isEqualTo(serialized);
    }

    @Test
    void numbersBeyondTheirDigitLimitsNeverParse() {
        Props.forAll(Props.TRIES, g -> {
            String sign = g.bool() ? "-" : "";
            return switch (g.intIn(0, 2)) {
                case 0 -> sign + g.digits(16, 25);
                case 1 -> sign + g.digits(13, 20) + "." + g.digits(1, 3);
                default -> sign + g.digits(1, 12) + "." + g.digits(4, 10);
            };
        }, text -> {
            assertThatThrownBy(() -> StructuredFields.parseItem(text)).isInstanceOf(StructuredFieldException.class);
            assertThatThrownBy(() -> StructuredFields.parseList("1, " + text))
                    .isInstanceOf(StructuredFieldException.class);
        });
    }
}
