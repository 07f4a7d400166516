package dev.carryon.core.upload;

import dev.carryon.core.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class StoredNameTest {

    static final String ID = "k3x9abcdefghijklmnop";

    @Test
    void theSuggestedNameWhenFree() {
        assertThat(StoredName.choose("report.pdf", ID, false, n -> false)).isEqualTo("report.pdf");
    }

    @Test
    void aClashGetsANumberBeforeTheExtensionNeverTheExistingName() {
        Set<String> taken = Set.of("report.pdf", "report (1).pdf");
        assertThat(StoredName.choose("report.pdf", ID, false, taken::contains)).isEqualTo("report (2).pdf");
        assertThat(StoredName.choose("README", ID, false, Set.of("README")::contains)).isEqualTo("README (1)");
    }

    @Test
    void overwritingKeepsTheName() {
        assertThat(StoredName.choose("report.pdf", ID, true, n -> true)).isEqualTo("report.pdf");
    }

    @Test
    void directoriesAreDroppedAndNamesWithoutAnythingLeftBecomeTheId() {
        assertThat(StoredName.choose("../../etc/passwd", ID, false, n -> false)).isEqualTo("passwd");
        assertThat(StoredName.choose("C:\\Users\\me\\photo.jpg", ID, false, n -> false)).isEqualTo("photo.jpg");
        assertThat(StoredName.choose("..", ID, false, n -> false)).isEqualTo(ID);
        assertThat(StoredName.choose("dir/", ID, false, n -> false)).isEqualTo(ID);
        assertThat(StoredName.choose(null, ID, false, n -> false)).isEqualTo(ID);
        assertThat(StoredName.choose("   ", ID, false, n -> false)).isEqualTo(ID);
    }

    @Test
    void hiddenNamesAndControlCharactersAreNotKept() {
        assertThat(StoredName.choose(".bashrc", ID, false, n -> false)).as("no hidden files in the root").isEqualTo(ID);
        assertThat(StoredName.choose("a\u0000b\r\nc.txt", ID, false, n -> false)).isEqualTo("abc.txt");
    }

    @Test
    void anyNameIsOneSegmentOfAtMost255BytesWithoutControlsOrSeparators() {
        Props.forAll(Props.TRIES, g -> g.anyString(600), suggested -> {
            String name = StoredName.choose(suggested, ID, false, n -> false);
            assertThat(name).isNotEmpty().doesNotContain("/", "\\").isNotIn(".", "..");
            assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
            assertThat(name.chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
            assertThat(name).doesNotStartWith(".");
        });
    }
}
