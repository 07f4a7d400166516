package dev.carryon.core.path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestPathTest {

    private static RequestPath.Parsed parse(String target) {
        try {
            return RequestPath.parse(target);
        } catch (RequestPath.BadPathException e) {
            throw new AssertionError("refused " + target + ": " + e.getMessage(), e);
        }
    }

    private static List<String> segments(String target) {
        return parse(target).segments();
    }

    private static void assertRefused(String target, String reason) {
        assertThatThrownBy(() -> RequestPath.parse(target)).as("target %s", target)
                .isInstanceOf(RequestPath.BadPathException.class).hasMessage(reason);
    }

    // ---- accepted ----

    @Test
    void root() {
        RequestPath.Parsed p = parse("/");
        assertThat(p.segments()).isEmpty();
        assertThat(p.isRoot()).isTrue();
        assertThat(p.trailingSlash()).isFalse();
        assertThat(p.canonical()).isEqualTo("/");
        assertThat(p.rawPath()).isEqualTo("/");
    }

    @Test
    void plainPath() {
        RequestPath.Parsed p = parse("/a/b.txt");
        assertThat(p.segments()).containsExactly("a", "b.txt");
        assertThat(p.isRoot()).isFalse();
        assertThat(p.trailingSlash()).isFalse();
        assertThat(p.canonical()).isEqualTo("/a/b.txt");
    }

    @Test
    void trailingSlashIsKept() {
        RequestPath.Parsed p = parse("/a/b/");
        assertThat(p.segments()).containsExactly("a", "b");
        assertThat(p.trailingSlash()).isTrue();
        assertThat(p.canonical()).isEqualTo("/a/b/");
    }

    @Test
    void queryIsStripped() {
        RequestPath.Parsed p = parse("/a/b?x=1&y=/../");
        assertThat(p.segments()).containsExactly("a", "b");
        assertThat(p.rawPath()).isEqualTo("/a/b");
        assertThat(parse("/a/?").trailingSlash()).isTrue();
        assertThat(segments("/?q")).isEmpty();
    }

    @Test
    void queryMayHoldWhatAPathMayNot() {
        assertThat(segments("/a?%zz#%00\\")).containsExactly("a");
    }

    @Test
    void dotAndEmptySegmentsAreDropped() {
        assertThat(segments("/a/./b")).containsExactly("a", "b");
        assertThat(segments("//a//b")).containsExactly("a", "b");
        assertThat(segments("/./")).isEmpty();
        assertThat(segments("/.")).isEmpty();
        assertThat(parse("/a/.").canonical()).isEqualTo("/a");
        assertThat(segments("/a/%2e/b")).containsExactly("a", "b");
        assertThat(segments("/a/%2E/b")).containsExactly("a", "b");
    }

    @Test
    void dotsThatAreNotDotSegmentsAreNames() {
        assertThat(segments("/.../..a/a../.hidden/a.b")).containsExactly("...", "..a", "a..", ".hidden", "a.b");
    }

    @Test
    void absoluteForm() {
        assertThat(segments("http://example.com/x")).containsExactly("x");
        assertThat(segments("http://example.com:8080/x/y")).containsExactly("x", "y");
        assertThat(segments("HTTPS://example.com/x/y?q=1")).containsExactly("x", "y");
        assertThat(parse("http://example.com/x/").trailingSlash()).isTrue();
        assertThat(parse("http://example.com").isRoot()).isTrue();
        assertThat(parse("http://example.com?q=/a").isRoot()).isTrue();
    }

    @Test
    void percentDecodedOnceAsUtf8() {
        assertThat(segments("/caf%C3%A9")).containsExactly("caf\u00e9");
        assertThat(segments("/caf%c3%a9")).containsExactly("caf\u00e9");
        assertThat(segments("/%E2%82%AC/%F0%9F%98%80")).containsExactly("\u20ac", "\ud83d\ude00");
        assertThat(segments("/a%20b")).containsExactly("a b");
        assertThat(segments("/a%3Fb%23c")).containsExactly("a?b#c");
        assertThat(segments("/%25")).containsExactly("%");
        assertThat(segments("/%252F")).containsExactly("%2F");
        assertThat(segments("/%252e%252e")).containsExactly("%2e%2e");
    }

    @Test
    void latin1CharactersAreTheBytesOfTheTarget() {
        // the request line arrives as ISO-8859-1 characters, one per byte: raw UTF-8 is decoded as such
        assertThat(segments("/caf\u00c3\u00a9")).containsExactly("caf\u00e9");
    }

    @Test
    void subDelimsAndOtherPathCharactersAreNames() {
        assertThat(segments("/a;b=c,d/~user/!$&'()*+:@")).containsExactly("a;b=c,d", "~user", "!$&'()*+:@");
    }

    // ---- refused ----

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../", "/a/../b", "/a/..", "/%2e%2e", "/%2E%2E/x", "/.%2e", "/%2e.",
        "http://example.com/../x"})
    void dotDotIsRefused(String target) {
        assertRefused(target, "'..' is not allowed in a path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%2Fb", "/a%2fb", "/%2F", "/%2e%2e%2fetc"})
    void encodedSlashIsRefused(String target) {
        assertRefused(target, "an encoded '/' is not allowed in a path segment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%5Cb", "/a%5cb", "/a\\b", "/..\\x", "/%5C..%5C"})
    void backslashIsRefused(String target) {
        assertRefused(target, "'\\' is not allowed in a path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%00b", "/a\u0000b", "/a%00", "/a\tb", "/a%09b", "/a%0Ab", "/a\nb", "/a%0d%0aSet-Cookie:x",
        "/a%1Fb", "/a%7Fb", "/a\u007fb"})
    void controlCharactersAreRefused(String target) {
        assertRefused(target, "control characters (such as NUL) are not allowed in a path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%C2%85b", "/%C2%80", "/%C2%9F", "/%c2%9b31m"})
    void decodedC1ControlCharactersAreRefused(String target) {
        assertRefused(target, "control characters (such as NUL) are not allowed in a path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%zz", "/a%", "/%4", "/%4/b", "/a%%41", "/%g0", "/%0g", "/%-1", "/% 1", "/%\u00e9\u00e9"})
    void badPercentEscapesAreRefused(String target) {
        assertRefused(target, "a '%' must be followed by two hex digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%C3%28", "/%FF", "/%C3", "/a%E2%82", "/%C0%AE", "/%C0%AF", "/%ED%A0%80", "/%F8%88%80%80%80",
        "/\u00e9"})
    void invalidUtf8IsRefused(String target) {
        assertRefused(target, "the path is not valid UTF-8 after percent-decoding");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "*", "?x", "example.com/x", "ftp://example.com/x", " /a", "%2Fa", "http:/x"})
    void targetsThatDoNotStartWithASlashAreRefused(String target) {
        assertRefused(target, "the request target must be a path that starts with '/'");
    }

    @Test
    void absoluteFormWithoutAHostIsRefused() {
        assertRefused("http:///x", "an absolute-form target needs a host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a#b", "/#", "/a/#/b", "http://example.com/a#frag"})
    void fragmentIsRefused(String target) {
        assertRefused(target, "'#' is not allowed in a request target");
    }

    @Test
    void charactersBeyondLatin1AreRefused() {
        assertRefused("/\u20ac", "the request target holds a character outside ISO-8859-1");
        assertRefused("/\ud83d\ude00", "the request target holds a character outside ISO-8859-1");
    }

    // ---- encodeSegment ----

    @Test
    void encodeSegmentKeepsUnreservedAndSubDelims() {
        assertThat(RequestPath.encodeSegment("aZ09-._~!$&'()*+,;=:@")).isEqualTo("aZ09-._~!$&'()*+,;=:@");
    }

    @Test
    void encodeSegmentEncodesEverythingElseAsUppercaseUtf8() {
        assertThat(RequestPath.encodeSegment("a b")).isEqualTo("a%20b");
        assertThat(RequestPath.encodeSegment("caf\u00e9")).isEqualTo("caf%C3%A9");
        assertThat(RequestPath.encodeSegment("/?#%\\\"<>[]{}|^`")).isEqualTo(
                "%2F%3F%23%25%5C%22%3C%3E%5B%5D%7B%7D%7C%5E%60");
        assertThat(RequestPath.encodeSegment("\u0000\u007f")).isEqualTo("%00%7F");
        assertThat(RequestPath.encodeSegment("\ud83d\ude00")).isEqualTo("%F0%9F%98%80");
        assertThat(RequestPath.encodeSegment("")).isEmpty();
    }

    @Test
    void encodedSegmentParsesBack() throws RequestPath.BadPathException {
        assertThat(RequestPath.parse("/" + RequestPath.encodeSegment("a b?c#d%e") + "/x").segments())
                .containsExactly("a b?c#d%e", "x");
    }
}
