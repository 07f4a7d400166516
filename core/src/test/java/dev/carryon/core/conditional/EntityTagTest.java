package dev.carryon.core.conditional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EntityTagTest {

    @Test
    void parsesAStrongTag() {
        assertThat(EntityTag.parse("\"xyzzy\"")).contains(EntityTag.strong("xyzzy"));
    }

    @Test
    void parsesAWeakTag() {
        assertThat(EntityTag.parse("W/\"xyzzy\"")).contains(EntityTag.weak("xyzzy"));
    }

    @Test
    void parsesAnEmptyTag() {
        assertThat(EntityTag.parse("\"\"")).contains(EntityTag.strong(""));
        assertThat(EntityTag.parse("W/\"\"")).contains(EntityTag.weak(""));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(EntityTag.parse("  \"a\"\t")).contains(EntityTag.strong("a"));
    }

    @Test
    void obsTextIsAllowed() {
        assertThat(EntityTag.parse("\"caf\u00e9\"")).contains(EntityTag.strong("caf\u00e9"));
    }

    @Test
    void everyVisibleCharacterButTheQuoteIsAllowed() {
        assertThat(EntityTag.parse("\"!#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\""))
                .contains(EntityTag.strong("!#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyzzy", "\"xyzzy", "xyzzy\"", "\"", "w/\"xyzzy\"", "W/xyzzy", "W/ \"xyzzy\"", "W/",
        "\"a\"b\"", "\"a b\"", "\"a\tb\"", "\"a\u007fb\"", "\"\u20ac\"", "W/W/\"a\"", "\"a\", \"b\"", "*", ""})
    void malformedTagsAreNotTags(String value) {
        assertThat(EntityTag.parse(value)).isEmpty();
    }

    @Test
    void nullIsNotATag() {
        assertThat(EntityTag.parse(null)).isEmpty();
    }

    /** The table of RFC 9110 section 8.8.3.2, in both directions. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            W/"1" | W/"1" | false | true
            W/"1" | W/"2" | false | false
            W/"1" | "1"   | false | true
            "1"   | "1"   | true  | true
            "1"   | "2"   | false | false
            """)
    void comparisonTableOfRfc9110(String a, String b, boolean strong, boolean weak) {
        EntityTag x = EntityTag.parse(a).orElseThrow();
        EntityTag y = EntityTag.parse(b).orElseThrow();
        assertThat(x.strongMatch(y)).isEqualTo(strong);
        assertThat(y.strongMatch(x)).isEqualTo(strong);
        assertThat(x.weakMatch(y)).isEqualTo(weak);
        assertThat(y.weakMatch(x)).isEqualTo(weak);
    }

    @Test
    void comparisonIsCaseSensitive() {
        assertThat(EntityTag.strong("a").strongMatch(EntityTag.strong("A"))).isFalse();
        assertThat(EntityTag.strong("a").weakMatch(EntityTag.strong("A"))).isFalse();
    }

    @Test
    void headerValue() {
        assertThat(EntityTag.strong("xyzzy").headerValue()).isEqualTo("\"xyzzy\"");
        assertThat(EntityTag.weak("xyzzy").headerValue()).isEqualTo("W/\"xyzzy\"");
        assertThat(EntityTag.weak("xyzzy")).hasToString("W/\"xyzzy\"");
    }

    @Test
    void headerValueParsesBack() {
        for (EntityTag t : new EntityTag[] {EntityTag.strong("a,b"), EntityTag.weak(""), EntityTag.weak("W/x")}) {
            assertThat(EntityTag.parse(t.headerValue())).contains(t);
        }
    }

    @Test
    void tagsWithCharactersOutsideEtagcCannotBeBuilt() {
        assertThatIllegalArgumentException().isThrownBy(() -> EntityTag.strong("a\"b"));
        assertThatIllegalArgumentException().isThrownBy(() -> EntityTag.strong("a b"));
        assertThatIllegalArgumentException().isThrownBy(() -> EntityTag.weak("\u0100"));
    }
}
