package dev.carryon.core.conditional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EntityTagListTest {

    private static final EntityTag A = EntityTag.strong("a");
    private static final EntityTag WEAK_A = EntityTag.weak("a");

    @Test
    void starMatchesAnything() {
        EntityTagList any = EntityTagList.parse("*");
        assertThat(any.any()).isTrue();
        assertThat(any.tags()).isEmpty();
        assertThat(any.matchesStrongly(A)).isTrue();
        assertThat(any.matchesStrongly(WEAK_A)).isTrue();
        assertThat(any.matchesWeakly(WEAK_A)).isTrue();
        // an existing representation without a tag still matches "*"
        assertThat(any.matchesStrongly(null)).isTrue();
        assertThat(any.matchesWeakly(null)).isTrue();
    }

    @Test
    void starWithWhitespace() {
        assertThat(EntityTagList.parse(" * ").any()).isTrue();
    }

    @Test
    void listOfTags() {
        EntityTagList list = EntityTagList.parse("\"xyzzy\", \"r2d2xxxx\", \"c3piozzzz\"");
        assertThat(list.any()).isFalse();
        assertThat(list.tags()).containsExactly(EntityTag.strong("xyzzy"), EntityTag.strong("r2d2xxxx"),
                EntityTag.strong("c3piozzzz"));
    }

    @Test
    void commasInsideTagsAreNotSeparators() {
        EntityTagList list = EntityTagList.parse("\"a,b\", W/\",c,d,\",\"e\"");
        assertThat(list.tags()).containsExactly(EntityTag.strong("a,b"), EntityTag.weak(",c,d,"), EntityTag.strong("e"));
    }

    @Test
    void commaInsideATagSeparatedOnlyByComma() {
        assertThat(EntityTagList.parse("\"a,b\",\"c\"").tags())
                .containsExactly(EntityTag.strong("a,b"), EntityTag.strong("c"));
        assertThat(EntityTagList.parse("\"a,b\"").matchesStrongly(A)).isFalse();
        assertThat(EntityTagList.parse("\"a,b\"").matchesStrongly(EntityTag.strong("a,b"))).isTrue();
    }

    @Test
    void whitespaceAndEmptyElements() {
        assertThat(EntityTagList.parse(" ,\t\"a\" ,, W/\"b\"\t, ").tags())
                .containsExactly(A, EntityTag.weak("b"));
    }

    @Test
    void emptyValueHasNoTags() {
        EntityTagList empty = EntityTagList.parse("");
        assertThat(empty.any()).isFalse();
        assertThat(empty.tags()).isEmpty();
        assertThat(empty.matchesWeakly(A)).isFalse();
    }

    @Test
    void strongMatchingIgnoresWeakTags() {
        EntityTagList list = EntityTagList.parse("W/\"a\", \"b\"");
        assertThat(list.matchesStrongly(A)).isFalse();
        assertThat(list.matchesStrongly(EntityTag.strong("b"))).isTrue();
        assertThat(list.matchesStrongly(EntityTag.weak("b"))).isFalse();
    }

    @Test
    void weakMatchingIgnoresStrength() {
        EntityTagList list = EntityTagList.parse("W/\"a\", \"b\"");
        assertThat(list.matchesWeakly(A)).isTrue();
        assertThat(list.matchesWeakly(WEAK_A)).isTrue();
        assertThat(list.matchesWeakly(EntityTag.weak("b"))).isTrue();
        assertThat(list.matchesWeakly(EntityTag.strong("c"))).isFalse();
    }

    @Test
    void aRepresentationWithoutATagMatchesNoListedTag() {
        EntityTagList list = EntityTagList.parse("\"a\"");
        assertThat(list.matchesStrongly(null)).isFalse();
        assertThat(list.matchesWeakly(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "\"a", "\"a\" \"b\"", "\"a\"x", "*, \"a\"", "\"a\", *", "W/a", "\"a\",b",
        "w/\"a\"", "**", "\"a\";q=1", "\"a b\"", "\"a\", \"b", "W/", "\"\u20ac\""})
    void malformedListMatchesNothing(String value) {
        EntityTagList list = EntityTagList.parse(value);
        assertThat(list.any()).isFalse();
        assertThat(list.tags()).isEmpty();
        assertThat(list.matchesStrongly(A)).isFalse();
        assertThat(list.matchesWeakly(A)).isFalse();
    }
}
