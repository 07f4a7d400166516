package dev.carryon.core.fuzz;

import dev.carryon.core.download.ContentDisposition;
import dev.carryon.core.download.FileNames;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Content-Disposition from a hostile server, and the local name made of it: never an exception, never a name
 * longer than the header, and {@link FileNames#safe} keeps exactly the characters it promises to keep.
 */
class DownloadFieldsFuzzTest {

    @Test
    void contentDisposition() {
        Fuzz.run("content-disposition", List.of("attachment", "inline", ";", "; ", "filename=", "filename*=",
                "FILENAME=", "filename=\"", "\"", "\\\"", "UTF-8''", "utf-8'en'", "ISO-8859-1''", "''", "'", "%",
                "%e2%82%ac", "%C3", "%ff", "../", "..\\", "/etc/passwd", ".", "..", "a.txt", " a ", "\u0000",
                "%00", "%2e%2e", "\ud83d\ude00", "\ud800"), DownloadFieldsFuzzTest::check);
    }

    static String check(String input) {
        Optional<String> name = ContentDisposition.filename(input);
        if (name.isEmpty()) {
            return "none";
        }
        String suggested = name.get();
        assertThat(suggested).isNotBlank();
        assertThat(suggested.length()).as("decoding never lengthens").isLessThanOrEqualTo(input.length());
        Optional<String> safe = FileNames.safe(suggested);
        safe.ifPresent(DownloadFieldsFuzzTest::assertSafe);
        assertThat(safe).as("the safe name as the oracle computes it").isEqualTo(expectedSafe(suggested));
        safe.ifPresent(s -> assertThat(FileNames.safe(s)).as("safe is idempotent").contains(s));
        return (input.toLowerCase(Locale.ROOT).contains("filename*") ? "ext " : "") + (safe.isPresent() ? "safe" : "unsafe");
    }

    private static void assertSafe(String s) {
        assertThat(s).isNotBlank().isEqualTo(s.strip()).isNotEqualTo(".").isNotEqualTo("..")
                .doesNotContain("/", "\\");
        assertThat(s.codePoints().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0))).as("no controls").isTrue();
        assertThat(s.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE))
                .as("no unpaired surrogate").isTrue();
        assertThat(s.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    }

    /**
     * FileNames.safe written another way: the last component, whole characters kept unless control characters or
     * unpaired surrogates, stripped, cut to 255 bytes of UTF-8 at a character boundary, stripped again.
     */
    static Optional<String> expectedSafe(String suggested) {
        String last = suggested.substring(Math.max(suggested.lastIndexOf('/'), suggested.lastIndexOf('\\')) + 1);
        StringBuilder kept = new StringBuilder();
        last.codePoints().filter(c -> c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)
                && Character.getType(c) != Character.SURROGATE).forEach(kept::appendCodePoint);
        String s = kept.toString().strip();
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
            return Optional.empty();
        }
        StringBuilder cut = new StringBuilder();
        int bytes = 0;
        for (int c : s.codePoints().toArray()) {
            int n = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > 255) {
                break;
            }
            cut.appendCodePoint(c);
            bytes += n;
        }
        return Optional.of(cut.toString().strip());
    }
}
