package dev.carryon.core.path;

import dev.carryon.core.Props;
import dev.carryon.core.Props.Gen;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A parsed path can only name something under the root, whatever the target. */
class RequestPathPropertyTest {

    static String targetLike(Gen g) {
        if (g.oneIn(4)) {
            return g.anyString(30);
        }
        StringBuilder b = new StringBuilder(g.pick("/", "/", "/", "http://h/", "https://h", "", "//", "/./"));
        int parts = g.intIn(0, 8);
        for (int i = 0; i < parts; i++) {
            b.append(g.pick("/", "/", ".", "..", "%2e", "%2E", "%2f", "%5c", "\\", "%00", "%", "%4", "%zz", "%C3%A9",
                    "%C3", "%C2%85", "%e2%80%ae", "a", "b", "\u00e9", "\u00c3\u00a9", "?", "#", "\t", "\u0000", "%0a",
                    "%25", "%7F", "%80", "\u20ac", " ", ";", "~", "%20", "%2e%2e", g.stringOf("./%ab", 1, 4)));
        }
        return b.toString();
    }

    static boolean isControl(String s) {
        return s.codePoints().anyMatch(Character::isISOControl);
    }

    @Test
    void everyParsedSegmentIsAPlainName() {
        Props.forAll(10 * Props.TRIES, RequestPathPropertyTest::targetLike, target -> {
            RequestPath.Parsed p;
            try {
                p = RequestPath.parse(target);
            } catch (RequestPath.BadPathException refused) {
                assertThat(refused.getMessage()).isNotBlank();
                return;
            }
            for (String s : p.segments()) {
                assertThat(s).isNotEmpty().isNotEqualTo(".").isNotEqualTo("..").doesNotContain("/")
                        .doesNotContain("\\");
                assertThat(isControl(s)).as("control character in %s", s).isFalse();
            }
            assertThat(p.canonical()).startsWith("/").doesNotContain("//");
            assertThat(p.isRoot()).isEqualTo(p.segments().isEmpty());
        });
    }

    @Test
    void encodedSegmentsParseBackToThemselves() {
        Props.forAll(Props.TRIES, g -> g.listOf(1, 4, () -> g.oneIn(5) ? g.pick("a", ".", "..", "a/b", "a\\b",
                "\u0000", "\u0085", "%", "?", "#") : g.unicode(1, 12)), segments -> {
            StringBuilder target = new StringBuilder();
            for (String s : segments) {
                String encoded = RequestPath.encodeSegment(s);
                assertThat(encoded).matches("[A-Za-z0-9\\-._~!$&'()*+,;=:@%]*");
                assertThat(new String(encoded.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII))
                        .isEqualTo(encoded);
                target.append('/').append(encoded);
            }
            boolean refusable = segments.stream().anyMatch(s -> s.equals("..") || s.contains("/") || s.contains("\\")
                    || isControl(s));
            if (refusable) {
                assertThatThrownBy(() -> RequestPath.parse(target.toString()))
                        .isInstanceOf(RequestPath.BadPathException.class);
                return;
            }
            List<String> expected = segments.stream().filter(s -> !s.equals(".")).toList();
            assertThat(RequestPath.parse(target.toString()).segments()).isEqualTo(expected);
            assertThat(RequestPath.parse(target + "/").segments()).isEqualTo(expected);
            assertThat(RequestPath.parse("http://example.com" + target + "?q").segments()).isEqualTo(expected);
        });
    }
}
