package dev.carryon.core.fuzz;

import dev.carryon.core.path.PercentEncoding;
import dev.carryon.core.path.RequestPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request targets: refused with a {@link RequestPath.BadPathException}, or reduced to segments that can only
 * name something under the root and that encode back to the same segments.
 */
class PathFuzzTest {

    @Test
    void requestTargets() {
        Fuzz.run("request-path", List.of("/", "//", "/a", "/a/", "/./", "/../", "/..", "/.%2e/", "/%2e%2E/", "?", "?q",
                "#f", "http://", "https://", "HTTP://h", "http://h", "http://h?q", "http://h/a", "%2F", "%5c", "\\",
                "%c3%a9", "%C2%85", "%e2%80%a8", "%ef%bb%bf", "%ed%a0%80", "%f0%9f%98%80", "/a%20b"),
                PathFuzzTest::check);
    }

    static String check(String input) {
        String decoding = percent(input);
        RequestPath.Parsed parsed;
        try {
            parsed = RequestPath.parse(input);
        } catch (RequestPath.BadPathException e) {
            return decoding + Fuzz.refusal(e);
        }
        for (String segment : parsed.segments()) {
            assertThat(segment).isNotEmpty().isNotEqualTo(".").isNotEqualTo("..").doesNotContain("/", "\\");
            assertThat(segment.chars().noneMatch(Character::isISOControl)).as("no control character in " + segment)
                    .isTrue();
            assertThat(segment.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE))
                    .as("no unpaired surrogate").isTrue();
        }
        String encoded = parsed.segments().stream().map(RequestPath::encodeSegment)
                .collect(Collectors.joining("/", "/", parsed.trailingSlash() && !parsed.isRoot() ? "/" : ""));
        RequestPath.Parsed again;
        try {
            again = RequestPath.parse(encoded);
        } catch (RequestPath.BadPathException e) {
            throw new AssertionError("the encoded form " + encoded + " of an accepted path is refused: " + e.getMessage());
        }
        assertThat(again.segments()).isEqualTo(parsed.segments());
        assertThat(again.canonical()).isEqualTo(parsed.canonical());
        return decoding + (parsed.isRoot() ? "root" : parsed.trailingSlash() ? "dir" : "file");
    }

    /** PercentEncoding on the same input: never more bytes than characters, and %XX of each byte decodes back. */
    private static String percent(String input) {
        Optional<byte[]> decoded = PercentEncoding.decode(input);
        if (decoded.isEmpty()) {
            return "-";
        }
        byte[] bytes = decoded.get();
        assertThat(bytes.length).isLessThanOrEqualTo(input.length());
        StringBuilder encoded = new StringBuilder();
        for (byte b : bytes) {
            encoded.append(String.format("%%%02X", b & 0xff));
        }
        assertThat(PercentEncoding.decode(encoded.toString())).hasValueSatisfying(d -> assertThat(d).isEqualTo(bytes));
        return "+";
    }
}
