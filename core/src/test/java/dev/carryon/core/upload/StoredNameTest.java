package dev.carryon.core.upload;

import dev.carryon.core.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The name a completed upload gets in the served root: one plain file name, never a path, never a clash. */
class StoredNameTest {

    static final String ID = "Qk3v9xZ2mW8pL1tR7yN4cA";

    static String choose(String suggested) {
        return StoredName.choose(suggested, ID, false, n -> false);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "report.pdf|report.pdf",
            "../../etc/passwd|passwd",
            "/etc/shadow|shadow",
            "C:\\Windows\\System32\\evil.dll|evil.dll",
            "..\\..\\boot.ini|boot.ini",
            "a/b/c/d.txt|d.txt",
            "'  spaced out.txt  '|spaced out.txt",
            "über straße.txt|über straße.txt",
            "日本語.txt|日本語.txt",
    })
    void theLastSegmentOfTheSuggestedName(String suggested, String expected) {
        assertThat(choose(suggested)).isEqualTo(expected);
    }

    @Test
    void controlCharactersAndNulAreRemoved() {
        assertThat(choose("a\u0000b.txt")).isEqualTo("ab.txt");
        assertThat(choose("line\r\nbreak.txt")).isEqualTo("linebreak.txt");
        assertThat(choose("tab\there\u007f\u0085.txt")).isEqualTo("tabhere.txt");
        assertThat(choose("x\u0000/../y")).isEqualTo("y");
    }

    @Test
    void nothingUsableFallsBackToTheId() {
        for (String s : new String[] {null, "", "   ", ".", "..", "/", "dir/", "a/..", "\u0000\u0001", "../..",
                "\\", ".hidden", "..secret", "x/.bashrc"}) {
            assertThat(choose(s)).as(String.valueOf(s)).isEqualTo(ID);
        }
    }

    @Test
    void aVeryLongNameIsCutTo255BytesOnACharacterBoundary() {
        assertThat(choose("a".repeat(10_000) + ".txt").getBytes(StandardCharsets.UTF_8)).hasSize(255);
        String cut = choose("é".repeat(300));
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(cut).matches("é+");
        String emoji = choose("😀".repeat(100));
        assertThat(emoji.getBytes(StandardCharsets.UTF_8)).hasSize(252);
        assertThat(emoji.codePoints().allMatch(c -> c == 0x1F600)).isTrue();
    }

    @Test
    void aTakenNameGetsANumberBeforeItsExtension() {
        Set<String> taken = new HashSet<>(Set.of("notes.txt", "notes (1).txt", "README", "archive.tar.gz"));
        assertThat(StoredName.choose("notes.txt", ID, false, taken::contains)).isEqualTo("notes (2).txt");
        assertThat(StoredName.choose("README", ID, false, taken::contains)).isEqualTo("README (1)");
        assertThat(StoredName.choose("archive.tar.gz", ID, false, taken::contains)).isEqualTo("archive.tar (1).gz");
        assertThat(StoredName.choose("notes.txt", ID, true, taken::contains)).as("overwrite allowed")
                .isEqualTo("notes.txt");
    }

    @Test
    void theIdTooGetsANumberWhenTaken() {
        assertThat(StoredName.choose(null, ID, false, Set.of(ID)::contains)).isEqualTo(ID + " (1)");
    }

    @Test
    void whenEveryNumberIsTakenTheIdIsUsed() {
        assertThat(StoredName.choose("x.bin", ID, false, n -> !n.equals(ID + ".bin"))).isEqualTo(ID + ".bin");
    }

    @Test
    void anyNameIsOneHarmlessPathSegment() {
        Props.forAll(Props.TRIES, g -> g.pick(g.anyString(300), g.stringOf("./\\\u0000a ", 0, 20),
                g.unicode(0, 200)), suggested -> {
            String name = choose(suggested);
            assertThat(name).isNotEmpty().doesNotContain("/", "\\", "\u0000").isNotIn(".", "..");
            assertThat(name).doesNotStartWith(".").isEqualTo(name.strip());
            assertThat(name.codePoints().noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))).isTrue();
            assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
            assertThat(java.nio.file.Path.of("/root").resolve(name).normalize().getParent())
                    .isEqualTo(java.nio.file.Path.of("/root"));
        });
    }
}
