package dev.carryon.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** URLs as people paste them, encoded as a browser sends them. */
class UrlsTest {

    @Test
    void spacesAndWhatBrowsersEncodeArePercentEncoded() {
        assertThat(Urls.parse("http://127.0.0.1:8080/a file.bin").toString()).isEqualTo("http://127.0.0.1:8080/a%20file.bin");
        assertThat(Urls.encode("http://h/a\"b<c>d`e{f}g|h\\i^j")).isEqualTo("http://h/a%22b%3Cc%3Ed%60e%7Bf%7Dg%7Ch%5Ci%5Ej");
        assertThat(Urls.encode("http://h/Übersicht 2024.pdf")).isEqualTo("http://h/%C3%9Cbersicht%202024.pdf");
        assertThat(Urls.encode("http://h/a b?q=c d&e=f#g h")).isEqualTo("http://h/a%20b?q=c%20d&e=f#g%20h");
        assertThat(Urls.encode("http://h/emoji-\uD83D\uDE00")).isEqualTo("http://h/emoji-%F0%9F%98%80");
    }

    @Test
    void whatIsValidStaysAsItIs() {
        for (String u : new String[] {"http://h/a%20b", "https://user:pw@h:8443/p/a;b=c?x=1&y=%2F#f",
                "http://[::1]:8080/x", "http://h/a(b)!$'*+,;=:@~-._"}) {
            assertThat(Urls.encode(u)).as(u).isEqualTo(u);
        }
    }

    @Test
    void aPercentThatStartsNoEscapeIsEncoded() {
        assertThat(Urls.encode("http://h/100%")).isEqualTo("http://h/100%25");
        assertThat(Urls.encode("http://h/%zz%4")).isEqualTo("http://h/%25zz%254");
    }

    @Test
    void leadingAndTrailingSpacesAreDropped() {
        assertThat(Urls.parse("  http://h/a b \n").toString()).isEqualTo("http://h/a%20b");
    }

    @Test
    void notHttpIsAUsageError() {
        assertThatThrownBy(() -> Urls.parse("ftp://h/x")).isInstanceOf(CliException.class)
                .hasMessageContaining("not an http or https URL with a host")
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> Urls.parse("http://bad host/x")).isInstanceOf(CliException.class)
                .hasMessageContaining("is not a URL carryon can fetch");
    }
}
