package dev.carryon.core.field;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Serialising, RFC 9651 section 4.1. */
class StructuredFieldsSerializeTest {

    private static String s(BareItem value) {
        return StructuredFields.serialize(value);
    }

    @Test
    void integers() {
        assertThat(s(new BareItem.Integer(42))).isEqualTo("42");
        assertThat(s(new BareItem.Integer(-42))).isEqualTo("-42");
        assertThat(s(new BareItem.Integer(BareItem.Integer.MAX))).isEqualTo("999999999999999");
        assertThat(s(new BareItem.Integer(-BareItem.Integer.MAX))).isEqualTo("-999999999999999");
    }

    @Test
    void integersOutOfRangeCannotBeBuilt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Integer(1_000_000_000_000_000L));
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Integer(-1_000_000_000_000_000L));
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Integer(Long.MIN_VALUE));
    }

    @Test
    void decimals() {
        assertThat(s(new BareItem.Decimal(1500))).isEqualTo("1.5");
        assertThat(s(new BareItem.Decimal(1000))).isEqualTo("1.0");
        assertThat(s(new BareItem.Decimal(0))).isEqualTo("0.0");
        assertThat(s(new BareItem.Decimal(1))).isEqualTo("0.001");
        assertThat(s(new BareItem.Decimal(-1))).isEqualTo("-0.001");
        assertThat(s(new BareItem.Decimal(1230))).isEqualTo("1.23");
        assertThat(s(new BareItem.Decimal(-4500))).isEqualTo("-4.5");
        assertThat(s(new BareItem.Decimal(10))).isEqualTo("0.01");
        assertThat(s(new BareItem.Decimal(999_999_999_999_999L))).isEqualTo("999999999999.999");
        assertThat(s(new BareItem.Decimal(-999_999_999_999_999L))).isEqualTo("-999999999999.999");
    }

    @Test
    void decimalsAreAsciiWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
        try {
            for (String tag : new String[] {"th-TH-u-nu-thai", "ar-EG", "hi-IN-u-nu-deva", "fa-IR", "de-DE"}) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                assertThat(s(new BareItem.Decimal(1005))).as("in locale %s", tag).isEqualTo("1.005");
                assertThat(s(new BareItem.Decimal(-1230))).as("in locale %s", tag).isEqualTo("-1.23");
            }
        } finally {
            Locale.setDefault(saved);
            Locale.setDefault(Locale.Category.FORMAT, savedFormat);
        }
    }

    @Test
    void decimalsOutOfRangeCannotBeBuilt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Decimal(1_000_000_000_000_000L));
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Decimal(-1_000_000_000_000_000L));
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Decimal(Long.MAX_VALUE));
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Decimal(Long.MIN_VALUE));
    }

    @Test
    void strings() {
        assertThat(s(new BareItem.String("hello"))).isEqualTo("\"hello\"");
        assertThat(s(new BareItem.String(""))).isEqualTo("\"\"");
        assertThat(s(new BareItem.String("a\"b\\c"))).isEqualTo("\"a\\\"b\\\\c\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\tb", "\u007f", "caf\u00e9", "\u0000"})
    void stringsOutsidePrintableAsciiCannotBeBuilt(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.String(value));
    }

    @Test
    void tokens() {
        assertThat(s(new BareItem.Token("foo/bar"))).isEqualTo("foo/bar");
        assertThat(s(new BareItem.Token("*"))).isEqualTo("*");
        assertThat(s(new BareItem.Token("a:b!#$%&'*+-.^_`|~"))).isEqualTo("a:b!#$%&'*+-.^_`|~");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1a", "-a", "a b", "a\"b", "a,b", "a;b", "a=b", "a(b", "caf\u00e9", "_a", "/a"})
    void invalidTokensCannotBeBuilt(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Token(value));
    }

    @Test
    void byteSequences() {
        assertThat(s(new BareItem.Bytes(new byte[] {1, 2, 3}))).isEqualTo(":AQID:");
        assertThat(s(new BareItem.Bytes(new byte[0]))).isEqualTo("::");
        assertThat(s(new BareItem.Bytes(new byte[] {'a'}))).isEqualTo(":YQ==:");
    }

    @Test
    void byteSequencesAreCopied() {
        byte[] b = {1, 2, 3};
        BareItem.Bytes bytes = new BareItem.Bytes(b);
        b[0] = 9;
        bytes.value()[1] = 9;
        assertThat(bytes.value()).containsExactly(1, 2, 3);
        assertThat(bytes).isEqualTo(new BareItem.Bytes(new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new BareItem.Bytes(new byte[] {1, 2, 3}));
        assertThat(bytes).hasToString("Bytes[:AQID:]");
    }

    @Test
    void booleans() {
        assertThat(s(BareItem.Boolean.TRUE)).isEqualTo("?1");
        assertThat(s(BareItem.Boolean.FALSE)).isEqualTo("?0");
    }

    @Test
    void dates() {
        assertThat(s(new BareItem.Date(1_659_578_233))).isEqualTo("@1659578233");
        assertThat(s(new BareItem.Date(-1))).isEqualTo("@-1");
    }

    @Test
    void datesOutOfTheIntegerRangeCannotBeBuilt() {
        assertThat(s(new BareItem.Date(999_999_999_999_999L))).isEqualTo("@999999999999999");
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Date(1_000_000_000_000_000L));
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Date(Long.MAX_VALUE));
        assertThatIllegalArgumentException().isThrownBy(() -> new BareItem.Date(Long.MIN_VALUE));
    }

    @Test
    void displayStrings() {
        assertThat(s(new BareItem.DisplayString("This is intended for display to \u00fcsers.")))
                .isEqualTo("%\"This is intended for display to %c3%bcsers.\"");
        assertThat(s(new BareItem.DisplayString("100% \"sure\"\n"))).isEqualTo("%\"100%25 %22sure%22%0a\"");
        assertThat(s(new BareItem.DisplayString("\ud83d\ude00"))).isEqualTo("%\"%f0%9f%98%80\"");
        assertThat(s(new BareItem.DisplayString("\u007f"))).isEqualTo("%\"%7f\"");
    }

    @Test
    void itemsWithParameters() {
        Map<String, BareItem> p = new LinkedHashMap<>();
        p.put("a", new BareItem.Integer(1));
        p.put("b", BareItem.Boolean.TRUE);
        p.put("c", BareItem.Boolean.FALSE);
        p.put("*d", new BareItem.String("x"));
        assertThat(StructuredFields.serialize(new Member.Item(new BareItem.Token("abc"), new Parameters(p))))
                .isEqualTo("abc;a=1;b;c=?0;*d=\"x\"");
    }

    @Test
    void lists() {
        List<Member> list = List.of(
                Member.Item.of(new BareItem.Token("sugar")),
                new Member.InnerList(List.of(Member.Item.of(new BareItem.Integer(1)),
                        new Member.Item(new BareItem.Integer(2), new Parameters(Map.of("x", BareItem.Boolean.TRUE)))),
                        new Parameters(Map.of("lvl", new BareItem.Integer(5)))),
                new Member.InnerList(List.of(), Parameters.EMPTY),
                Member.Item.of(BareItem.Boolean.FALSE));
        assertThat(StructuredFields.serializeList(list)).isEqualTo("sugar, (1 2;x);lvl=5, (), ?0");
        assertThat(StructuredFields.serializeList(List.of())).isEmpty();
    }

    @Test
    void dictionaries() {
        Map<String, Member> d = new LinkedHashMap<>();
        d.put("a", Member.Item.of(BareItem.Boolean.TRUE));
        d.put("b", Member.Item.of(BareItem.Boolean.FALSE));
        d.put("c", new Member.Item(BareItem.Boolean.TRUE, new Parameters(Map.of("foo", new BareItem.Token("bar")))));
        d.put("d", new Member.InnerList(List.of(Member.Item.of(new BareItem.Token("joy"))), Parameters.EMPTY));
        d.put("e", Member.Item.of(new BareItem.Decimal(1500)));
        assertThat(StructuredFields.serializeDictionary(d)).isEqualTo("a, b=?0, c;foo=bar, d=(joy), e=1.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "1a", "a b", "_a", "a\u00e9", "a=b"})
    void invalidKeysCannotBeSerialised(String key) {
        assertThatIllegalArgumentException().isThrownBy(() -> StructuredFields.serializeDictionary(
                Map.of(key, Member.Item.of(BareItem.Boolean.TRUE))));
        assertThatIllegalArgumentException().isThrownBy(() -> StructuredFields.serialize(
                new Member.Item(BareItem.Boolean.TRUE, new Parameters(Map.of(key, BareItem.Boolean.TRUE)))));
    }

    @Test
    void parametersKeepTheirOrder() {
        Map<String, BareItem> p = new LinkedHashMap<>();
        p.put("z", new BareItem.Integer(1));
        p.put("a", new BareItem.Integer(2));
        Parameters params = new Parameters(p);
        p.put("m", new BareItem.Integer(3));
        assertThat(params.values()).containsExactly(Map.entry("z", new BareItem.Integer(1)),
                Map.entry("a", new BareItem.Integer(2)));
        assertThat(Parameters.EMPTY.isEmpty()).isTrue();
    }
}
