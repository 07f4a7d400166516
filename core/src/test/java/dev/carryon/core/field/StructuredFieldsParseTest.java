package dev.carryon.core.field;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing, RFC 9651 section 4.2, with the examples of the RFC where it has them. */
class StructuredFieldsParseTest {

    private static BareItem item(String value) {
        Member.Item item = StructuredFields.parseItem(value);
        assertThat(item.parameters().isEmpty()).isTrue();
        return item.value();
    }

    private static void assertItemFails(String value) {
        assertThatThrownBy(() -> StructuredFields.parseItem(value)).as("item %s", value)
                .isInstanceOf(StructuredFieldException.class);
    }

    private static void assertListFails(String value) {
        assertThatThrownBy(() -> StructuredFields.parseList(value)).as("list %s", value)
                .isInstanceOf(StructuredFieldException.class);
    }

    private static void assertDictionaryFails(String value) {
        assertThatThrownBy(() -> StructuredFields.parseDictionary(value)).as("dictionary %s", value)
                .isInstanceOf(StructuredFieldException.class);
    }

    private static Member.Item token(String t) {
        return Member.Item.of(new BareItem.Token(t));
    }

    private static Parameters params(Object... keysAndValues) {
        Map<String, BareItem> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (BareItem) keysAndValues[i + 1]);
        }
        return new Parameters(map);
    }

    // ---- bare items ----

    @Test
    void integers() {
        assertThat(item("42")).isEqualTo(new BareItem.Integer(42));
        assertThat(item("-42")).isEqualTo(new BareItem.Integer(-42));
        assertThat(item("0")).isEqualTo(new BareItem.Integer(0));
        assertThat(item("-0")).isEqualTo(new BareItem.Integer(0));
        assertThat(item("0042")).isEqualTo(new BareItem.Integer(42));
        assertThat(item("999999999999999")).isEqualTo(new BareItem.Integer(999_999_999_999_999L));
        assertThat(item("-999999999999999")).isEqualTo(new BareItem.Integer(-999_999_999_999_999L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000000000000000", "-1000000000000000", "0000000000000001", "9223372036854775808",
        "-", "- 1", "--1", "+1", "1a", "1 2", "0x10"})
    void malformedIntegers(String value) {
        assertItemFails(value);
    }

    @Test
    void decimals() {
        assertThat(item("4.5")).isEqualTo(new BareItem.Decimal(4500));
        assertThat(item("-4.5")).isEqualTo(new BareItem.Decimal(-4500));
        assertThat(item("1.123")).isEqualTo(new BareItem.Decimal(1123));
        assertThat(item("0.001")).isEqualTo(new BareItem.Decimal(1));
        assertThat(item("0.0")).isEqualTo(new BareItem.Decimal(0));
        assertThat(item("123456789012.1")).isEqualTo(new BareItem.Decimal(123_456_789_012_100L));
        assertThat(item("999999999999.999")).isEqualTo(new BareItem.Decimal(999_999_999_999_999L));
        assertThat(item("-999999999999.999")).isEqualTo(new BareItem.Decimal(-999_999_999_999_999L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1234", "1.0000", "1.", "-1.", "1234567890123.1", ".5", "-.5", "1..2", "1.2.3",
        "1.-2", "1.2a"})
    void malformedDecimals(String value) {
        assertItemFails(value);
    }

    @Test
    void strings() {
        assertThat(item("\"hello world\"")).isEqualTo(new BareItem.String("hello world"));
        assertThat(item("\"\"")).isEqualTo(new BareItem.String(""));
        assertThat(item("\"a\\\"b\\\\c\"")).isEqualTo(new BareItem.String("a\"b\\c"));
        assertThat(item("\" !#~\"")).isEqualTo(new BareItem.String(" !#~"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc", "\"", "\"a\\", "\"a\\nb\"", "\"a\\'b\"", "\"a\\\\\\\"", "\"a\tb\"", "\"a\u007fb\"",
        "\"a\nb\"", "\"a\u0000b\""})
    void malformedStrings(String value) {
        assertItemFails(value);
    }

    @Test
    void tokens() {
        assertThat(item("foo123/456")).isEqualTo(new BareItem.Token("foo123/456"));
        assertThat(item("*foo")).isEqualTo(new BareItem.Token("*foo"));
        assertThat(item("a:b")).isEqualTo(new BareItem.Token("a:b"));
        assertThat(item("Text/HTML")).isEqualTo(new BareItem.Token("Text/HTML"));
        assertThat(item("a!#$%&'*+-.^_`|~")).isEqualTo(new BareItem.Token("a!#$%&'*+-.^_`|~"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"_foo", "/foo", "a b", "a\"b", "a(b", "a,b", "a=b", "a@b"})
    void malformedTokens(String value) {
        assertItemFails(value);
    }

    @Test
    void byteSequences() {
        assertThat(item(":cHJldGVuZCB0aGlzIGlzIGJpbmFyeSBjb250ZW50Lg==:"))
                .isEqualTo(new BareItem.Bytes("pretend this is binary content.".getBytes(StandardCharsets.US_ASCII)));
        assertThat(item("::")).isEqualTo(new BareItem.Bytes(new byte[0]));
        assertThat(item(":AQID:")).isEqualTo(new BareItem.Bytes(new byte[] {1, 2, 3}));
    }

    @Test
    void byteSequencesWithoutPaddingAreAccepted() {
        // RFC 9651 section 4.2.7: parsers SHOULD NOT fail when "=" padding is not present
        assertThat(item(":YQ:")).isEqualTo(new BareItem.Bytes(new byte[] {'a'}));
        assertThat(item(":YWI:")).isEqualTo(new BareItem.Bytes(new byte[] {'a', 'b'}));
    }

    @ParameterizedTest
    @ValueSource(strings = {":abc", ":", ":AQID", ":AQ-D:", ":AQ_D:", ":AQ D:", ":AQ\u0000D:", ":Y:", ":a=b=:"})
    void malformedByteSequences(String value) {
        assertItemFails(value);
    }

    @Test
    void booleans() {
        assertThat(item("?1")).isEqualTo(BareItem.Boolean.TRUE);
        assertThat(item("?0")).isEqualTo(BareItem.Boolean.FALSE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"?", "?2", "?true", "? 1", "?10", "?01"})
    void malformedBooleans(String value) {
        assertItemFails(value);
    }

    @Test
    void dates() {
        assertThat(item("@1659578233")).isEqualTo(new BareItem.Date(1_659_578_233));
        assertThat(item("@-1")).isEqualTo(new BareItem.Date(-1));
        assertThat(item("@0")).isEqualTo(new BareItem.Date(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"@", "@1.5", "@-", "@ 1", "@a", "@1000000000000000"})
    void malformedDates(String value) {
        assertItemFails(value);
    }

    @Test
    void displayStrings() {
        assertThat(item("%\"This is intended for display to %c3%bcsers.\""))
                .isEqualTo(new BareItem.DisplayString("This is intended for display to \u00fcsers."));
        assertThat(item("%\"\"")).isEqualTo(new BareItem.DisplayString(""));
        assertThat(item("%\"%25 %22\"")).isEqualTo(new BareItem.DisplayString("% \""));
        assertThat(item("%\"%f0%9f%98%80\"")).isEqualTo(new BareItem.DisplayString("\ud83d\ude00"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%\"%C3%BC\"", "%\"%c3%28\"", "%\"%ff\"", "%\"%c3\"", "%\"%c\"", "%\"%", "%\"%g0\"",
        "%\"abc", "%abc", "%", "%\"a\tb\"", "%\"%ed%a0%80\"", "%\"%c0%af\""})
    void malformedDisplayStrings(String value) {
        assertItemFails(value);
    }

    // ---- items and parameters ----

    @Test
    void itemWithParameters() {
        assertThat(StructuredFields.parseItem("abc;a=1;b=2;cde_456"))
                .isEqualTo(new Member.Item(new BareItem.Token("abc"), params("a", new BareItem.Integer(1),
                        "b", new BareItem.Integer(2), "cde_456", BareItem.Boolean.TRUE)));
    }

    @Test
    void parameterValuesOfEveryType() {
        Member.Item item = StructuredFields.parseItem(
                "1;a=\"s\";b=t;c=:AQ==:;d=?0;e=@5;f=%\"x\";g=1.5;h");
        assertThat(item.parameters().values()).containsExactly(
                Map.entry("a", new BareItem.String("s")), Map.entry("b", new BareItem.Token("t")),
                Map.entry("c", new BareItem.Bytes(new byte[] {1})), Map.entry("d", BareItem.Boolean.FALSE),
                Map.entry("e", new BareItem.Date(5)), Map.entry("f", new BareItem.DisplayString("x")),
                Map.entry("g", new BareItem.Decimal(1500)), Map.entry("h", BareItem.Boolean.TRUE));
        assertThat(item.parameters().get("b")).contains(new BareItem.Token("t"));
        assertThat(item.parameters().get("z")).isEmpty();
    }

    @Test
    void spaceAfterTheSemicolonIsAllowed() {
        assertThat(StructuredFields.parseItem("abc; a=1").parameters().get("a")).contains(new BareItem.Integer(1));
    }

    @Test
    void duplicateParameterKeepsItsPlaceAndTakesTheLastValue() {
        Member.Item item = StructuredFields.parseItem("abc;a=1;b=2;a=3");
        assertThat(item.parameters().values())
                .containsExactly(Map.entry("a", new BareItem.Integer(3)), Map.entry("b", new BareItem.Integer(2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc ;a=1", "abc;A=1", "abc;1a=1", "abc;=1", "abc;", "abc;a=", "abc;a=(1)", "abc;a b=1",
        "abc;\u00e9=1"})
    void malformedParameters(String value) {
        assertItemFails(value);
    }

    @Test
    void surroundingSpacesAreIgnored() {
        assertThat(item("   42   ")).isEqualTo(new BareItem.Integer(42));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t42", "42\t", "42 43", "(1 2)", "1,2", "\u00e9", "\"\u00e9\""})
    void malformedItems(String value) {
        assertItemFails(value);
    }

    // ---- lists ----

    @Test
    void listOfTokens() {
        assertThat(StructuredFields.parseList("sugar, tea, rum")).containsExactly(token("sugar"), token("tea"),
                token("rum"));
    }

    @Test
    void listSeparators() {
        assertThat(StructuredFields.parseList("a,b")).containsExactly(token("a"), token("b"));
        assertThat(StructuredFields.parseList("a \t,\t b")).containsExactly(token("a"), token("b"));
        assertThat(StructuredFields.parseList("  a  ")).containsExactly(token("a"));
    }

    @Test
    void emptyList() {
        assertThat(StructuredFields.parseList("")).isEmpty();
        assertThat(StructuredFields.parseList("   ")).isEmpty();
    }

    @Test
    void innerLists() {
        List<Member> list = StructuredFields.parseList("(\"foo\" \"bar\"), (\"baz\"), (\"bat\" \"one\"), ()");
        assertThat(list).containsExactly(
                new Member.InnerList(List.of(Member.Item.of(new BareItem.String("foo")),
                        Member.Item.of(new BareItem.String("bar"))), Parameters.EMPTY),
                new Member.InnerList(List.of(Member.Item.of(new BareItem.String("baz"))), Parameters.EMPTY),
                new Member.InnerList(List.of(Member.Item.of(new BareItem.String("bat")),
                        Member.Item.of(new BareItem.String("one"))), Parameters.EMPTY),
                new Member.InnerList(List.of(), Parameters.EMPTY));
    }

    @Test
    void innerListWithParameters() {
        List<Member> list = StructuredFields.parseList("(\"foo\"; a=1;b=2);lvl=5, (\"bar\" \"baz\");lvl=1");
        assertThat(list).containsExactly(
                new Member.InnerList(List.of(new Member.Item(new BareItem.String("foo"),
                        params("a", new BareItem.Integer(1), "b", new BareItem.Integer(2)))),
                        params("lvl", new BareItem.Integer(5))),
                new Member.InnerList(List.of(Member.Item.of(new BareItem.String("bar")),
                        Member.Item.of(new BareItem.String("baz"))), params("lvl", new BareItem.Integer(1))));
    }

    @Test
    void spacesInsideInnerLists() {
        assertThat(StructuredFields.parseList("(  1   2  )")).containsExactly(new Member.InnerList(
                List.of(Member.Item.of(new BareItem.Integer(1)), Member.Item.of(new BareItem.Integer(2))),
                Parameters.EMPTY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a, b,", "a,", ",a", "a,,b", "a, , b", "a b", "(1,2)", "(1", "(1 2", "(1 2)(3)",
        "((1))", "(1\t2)", "a;", "1.2345", "\"a", "a\u00e9"})
    void malformedLists(String value) {
        assertListFails(value);
    }

    // ---- dictionaries ----

    @Test
    void dictionary() {
        Map<String, Member> d = StructuredFields.parseDictionary("en=\"Applepie\", da=:w4ZibGV0w6ZydGUK:");
        assertThat(d).containsExactly(
                Map.entry("en", Member.Item.of(new BareItem.String("Applepie"))),
                Map.entry("da", Member.Item.of(new BareItem.Bytes("\u00c6blet\u00e6rte\n"
                        .getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void dictionaryWithBooleanMembers() {
        Map<String, Member> d = StructuredFields.parseDictionary("a=?0, b, c; foo=bar");
        assertThat(d).containsExactly(
                Map.entry("a", Member.Item.of(BareItem.Boolean.FALSE)),
                Map.entry("b", Member.Item.of(BareItem.Boolean.TRUE)),
                Map.entry("c", new Member.Item(BareItem.Boolean.TRUE, params("foo", new BareItem.Token("bar")))));
    }

    @Test
    void dictionaryWithInnerList() {
        Map<String, Member> d = StructuredFields.parseDictionary("rating=1.5, feelings=(joy sadness)");
        assertThat(d).containsExactly(
                Map.entry("rating", Member.Item.of(new BareItem.Decimal(1500))),
                Map.entry("feelings", new Member.InnerList(List.of(token("joy"), token("sadness")), Parameters.EMPTY)));
    }

    @Test
    void duplicateKeyKeepsItsPlaceAndTakesTheLastValue() {
        Map<String, Member> d = StructuredFields.parseDictionary("a=1, b=2, a=3");
        assertThat(d).containsExactly(Map.entry("a", Member.Item.of(new BareItem.Integer(3))),
                Map.entry("b", Member.Item.of(new BareItem.Integer(2))));
    }

    @Test
    void keys() {
        assertThat(StructuredFields.parseDictionary("*a=1, a_b-c.d*9=2")).containsOnlyKeys("*a", "a_b-c.d*9");
    }

    @Test
    void emptyDictionary() {
        assertThat(StructuredFields.parseDictionary("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"A=1", "1a=1", "_a=1", "a=1,", "a=1, ", ",a=1", "a=1,,b=2", "a =1", "a= 1", "a=1 b=2",
        "a=", "\u00e9=1", "a=\"\u00e9\"", "a=(1", "a=1;"})
    void malformedDictionaries(String value) {
        assertDictionaryFails(value);
    }

    @Test
    void failureSaysWhere() {
        assertThatThrownBy(() -> StructuredFields.parseList("a, b,"))
                .isInstanceOf(StructuredFieldException.class).hasMessage("trailing comma at offset 5");
        assertThatThrownBy(() -> StructuredFields.parseItem("\"\u00e9\""))
                .isInstanceOf(StructuredFieldException.class).hasMessage("not ASCII at offset 1");
        assertThatThrownBy(() -> StructuredFields.parseItem("1.1234"))
                .hasMessage("a decimal has at most 3 fractional digits at offset 6");
        assertThatThrownBy(() -> StructuredFields.parseItem("1234567890123456"))
                .hasMessage("an integer has at most 15 digits at offset 16");
    }
}
