package dev.carryon.core.download;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The name a server suggests: RFC 6266 (Content-Disposition in HTTP) with RFC 8187 ({@code filename*}, a charset
 * and percent-encoded octets). The examples of RFC 6266 section 5 and RFC 8187 section 3.2.3 are used as given.
 * What the name may then do to the file system is {@link FileNames#safe}'s rule, not this one's.
 */
class ContentDispositionTest {

    private static String name(String header) {
        return ContentDisposition.filename(header).orElse(null);
    }

    @Nested
    @DisplayName("filename (RFC 6266 section 4.3)")
    class Plain {

        @Test
        @DisplayName("a token or a quoted-string; the disposition type and the parameter name are case-insensitive")
        void theExamplesOfSection5() {
            assertThat(name("Attachment; filename=example.html")).isEqualTo("example.html");
            assertThat(name("INLINE; FILENAME= \"an example.html\"")).isEqualTo("an example.html");
        }

        @Test
        @DisplayName("a quoted-string's backslash escapes are undone, and a ';' inside it is part of the name (RFC 9110 5.6.4)")
        void quotedStrings() {
            assertThat(name("attachment; filename=\"a \\\"b\\\" \\\\ c.txt\"")).isEqualTo("a \"b\" \\ c.txt");
            assertThat(name("attachment; filename=\"a;b.txt\"; size=3")).isEqualTo("a;b.txt");
        }

        @Test
        @DisplayName("other parameters, before or after, are skipped, even one whose quoted value looks like a filename")
        void otherParameters() {
            assertThat(name("attachment; creation-date=\"Wed, 12 Feb 1997 16:29:51 -0500\"; filename=a.txt"))
                    .isEqualTo("a.txt");
            assertThat(name("attachment; note=\"x; filename=evil.txt\"; filename=good.txt")).isEqualTo("good.txt");
        }

        @Test
        @DisplayName("percent signs in filename are the name's own characters: only filename* is percent-encoded")
        void noPercentDecodingOfFilename() {
            assertThat(name("attachment; filename=a%20b.txt")).isEqualTo("a%20b.txt");
        }

        @Test
        @DisplayName("a path is returned as sent: making it harmless is FileNames.safe's rule")
        void pathsAreLeftToFileNames() {
            assertThat(name("attachment; filename=\"../../etc/passwd\"")).isEqualTo("../../etc/passwd");
            assertThat(FileNames.safe(name("attachment; filename=\"../../etc/passwd\""))).hasValue("passwd");
        }

        @Test
        @DisplayName("of a parameter given twice (which makes the header invalid, 4.1), the first counts")
        void aRepeatedParameter() {
            assertThat(name("attachment; filename=first.txt; filename=second.txt")).isEqualTo("first.txt");
        }

        @Test
        @DisplayName("an unterminated quoted-string runs to the end of the field")
        void anUnterminatedQuote() {
            assertThat(name("attachment; filename=\"open.txt")).isEqualTo("open.txt");
        }
    }

    @Nested
    @DisplayName("filename* (RFC 8187 section 3.2)")
    class Extended {

        @Test
        @DisplayName("UTF-8 with percent-encoded octets, with or without a language")
        void utf8() {
            assertThat(name("attachment; filename*= UTF-8''%e2%82%ac%20rates")).isEqualTo("\u20ac rates");
            assertThat(name("attachment; filename*=UTF-8''%c2%a3%20and%20%e2%82%ac%20rates"))
                    .isEqualTo("\u00a3 and \u20ac rates");
            assertThat(name("attachment; filename*=utf-8'en'%e2%82%ac.txt")).isEqualTo("\u20ac.txt");
        }

        @Test
        @DisplayName("ISO-8859-1, the other charset a recipient must support")
        void iso88591() {
            assertThat(name("attachment; filename*=iso-8859-1'en'%A3%20rates")).isEqualTo("\u00a3 rates");
        }

        @Test
        @DisplayName("filename* is preferred over filename, in either order (RFC 6266 section 4.3)")
        void extendedIsPreferred() {
            assertThat(name("attachment; filename=\"EURO rates\"; filename*=utf-8''%e2%82%ac%20rates"))
                    .isEqualTo("\u20ac rates");
            assertThat(name("attachment; filename*=utf-8''%e2%82%ac%20rates; filename=\"EURO rates\""))
                    .isEqualTo("\u20ac rates");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "windows-1252''%80.txt",  // a charset a recipient need not know
            "UTF-8''%ff.txt",         // not UTF-8
            "UTF-8''%e2%82.txt",      // a character cut short
            "UTF-8''%zz.txt",         // not percent-encoding
            "UTF-8''%e2%8",           // cut inside an escape
            "UTF-8''a b.txt",         // a space is not an attr-char
            "UTF-8%e2%82%ac.txt",     // no quotes around the language
            "UTF-8'%e2%82%ac.txt",    // one quote only
            "UTF-8''",                // nothing left
            "UTF-8''%20"              // blank
        })
        @DisplayName("a filename* that cannot be decoded gives way to filename, or to nothing")
        void anUndecodableExtendedValueFallsBack(String value) {
            assertThat(name("attachment; filename*=" + value + "; filename=plain.txt")).isEqualTo("plain.txt");
            assertThat(ContentDisposition.filename("attachment; filename*=" + value)).isEmpty();
        }
    }

    @Nested
    @DisplayName("No name")
    class NoName {

        @ParameterizedTest
        @ValueSource(strings = {"attachment", "inline", "attachment;", "attachment; filename=", "attachment; filename=\"\"",
            "attachment; filename=\"  \"", "attachment; name=a.txt", "attachment; filename"})
        @DisplayName("no filename parameter, or an empty or blank one, suggests nothing")
        void nothing(String header) {
            assertThat(ContentDisposition.filename(header)).isEmpty();
        }

        @Test
        @DisplayName("no header suggests nothing")
        void noHeader() {
            assertThat(ContentDisposition.filename(null)).isEmpty();
        }
    }
}
