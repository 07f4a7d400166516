package dev.carryon.server.http;

import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import dev.carryon.core.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing outside the served root is ever read through a request, however the target is spelled: every attempt
 * gets a 4xx that says why, never a 5xx, and the bytes of a file outside the root (or of the state database)
 * never appear in any response.
 *
 * <p>Layout: {@code TMP/secret} and {@code TMP/outside/shared.txt} outside the root, {@code TMP/root} served,
 * with its state directory at {@code TMP/root/.carryon} (the default place, so that it is reachable by name).
 */
class PathTraversalTest {

    static final String SECRET_MARKER = "TOP-SECRET-7f3a9c1e-do-not-serve";
    static final byte[] SECRET = (SECRET_MARKER + "\n").getBytes(StandardCharsets.US_ASCII);
    static final byte[] SQLITE_MAGIC = "SQLite format 3".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PROBE = "probe inside the root\n".getBytes(StandardCharsets.US_ASCII);

    static TestServer server;
    static Path secret;

    @BeforeAll
    static void start() throws IOException {
        if (server != null) {
            return;
        }
        // stateDir(null): the default, ROOT/.carryon, so that the state database sits inside the served tree.
        server = TestServer.start(b -> b.stateDir(null).digests(false));
        setUp(server);
        assertThat(server.root().resolve(".carryon/carryon.db")).exists();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Writes the secret outside the root, a probe and a directory inside, and the links the tests use. */
    static void setUp(TestServer s) throws IOException {
        Path root = s.root();
        Path outside = root.getParent();
        secret = Files.write(outside.resolve("secret"), SECRET);
        Files.createDirectories(outside.resolve("outside"));
        Files.write(outside.resolve("outside/shared.txt"), "shared outside\n".getBytes(StandardCharsets.US_ASCII));
        TestFiles.aged(s.file("probe.txt", PROBE));
        TestFiles.aged(s.file("a/b/inner.txt", PROBE));
        Files.createSymbolicLink(root.resolve("escape"), secret);                        // absolute, leads out
        Files.createSymbolicLink(root.resolve("escape-rel"), Path.of("../secret"));      // relative, leads out
        Files.createSymbolicLink(root.resolve("outdir"), outside);                       // a directory outside
        Files.createSymbolicLink(root.resolve("inside"), Path.of("probe.txt"));          // stays inside
        Files.createSymbolicLink(root.resolve("a/up"), Path.of("../probe.txt"));         // stays inside
        Files.createSymbolicLink(root.resolve("dblink"), root.resolve(".carryon/carryon.db"));
        Files.createSymbolicLink(root.resolve("statelink"), root.resolve(".carryon"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));                 // ELOOP
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("no-such-target"));
    }

    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/../secret",
        "/..",
        "/../",
        "/./../secret",
        "/%2e%2e/secret",
        "/%2E%2E/secret",
        "/.%2e/secret",
        "/%2e./secret",
        "/a/../../secret",
        "/a/b/../../../secret",
        "/a/%2e%2e/%2e%2e/secret",
        "/..;/secret",                      // a Tomcat-style path parameter is not special here: a name
        "http://h/../secret",
        "HTTP://h/a/../../secret",
    })
    void dotDotIsRefused(String target) {
        RawHttp.Response r = get(target);
        assertRefused(r, 400, 404);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/%2E%2E%2Fsecret",
        "/%2e%2e%2fsecret",
        "/..%2fsecret",
        "/%2fsecret",
        "/%2F..%2F..%2Fsecret",
        "/a%2f..%2f..%2fsecret",
        "/..%5csecret",
        "/..%5Csecret",
        "/%5c..%5csecret",
        "/..\\secret",
        "/a\\..\\..\\secret",
        "/\\secret",
    })
    void encodedSlashesAndBackslashesAreRefused(String target) {
        RawHttp.Response r = get(target);
        assertRefused(r, 400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/%00",
        "/probe.txt%00",
        "/file%00.txt",
        "/probe.txt%00.html",
        "/%01",
        "/%0a",
        "/%0d%0aX-Injected:%20yes",
        "/%7f",
        "/%1b[31m",
    })
    void encodedNulAndControlBytesAreRefused(String target) {
        RawHttp.Response r = get(target);
        assertRefused(r, 400);
        assertThat(r.header("X-Injected")).isNull();
    }

    @ParameterizedTest(name = "raw byte {0}")
    @ValueSource(ints = {0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x7f, 0x0d})
    void rawNulAndControlBytesInTheTargetAreRefused(int control) {
        byte[] head = "GET /probe".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ".txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, request, 0, head.length);
        request[head.length] = (byte) control;
        System.arraycopy(tail, 0, request, head.length + 1, tail.length);
        RawHttp.Response r = exchange(request);
        assertRefused(r, 400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/%c0%ae%c0%ae/secret",            // overlong '.'
        "/%c0%ae%c0%ae%c0%afsecret",       // overlong "../"
        "/%e0%80%ae%e0%80%ae/secret",      // 3-byte overlong '.'
        "/%c1%9csecret",                   // overlong '\'
        "/%ed%a0%80",                      // a UTF-16 surrogate
        "/%ff%fe",
        "/%80",
    })
    void invalidUtf8IsRefused(String target) {
        RawHttp.Response r = get(target);
        assertRefused(r, 400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/%zz", "/%", "/probe.txt%", "/probe.txt%2", "/%g0", "/%%32%65", "/%u002e%u002e/secret",
        "/probe.txt#frag", "*", "secret", "../secret", "http://", "http:///secret"})
    void badPercentEncodingAndOtherFormsAreRefused(String target) {
        RawHttp.Response r = get(target);
        assertRefused(r, 400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"//etc/passwd", "///etc/passwd", "/etc/passwd", "//secret", "/./secret", "/secret",
        "http://h//etc/passwd", "/%2e/secret", "/a/./b/../secret", "/no-such-file"})
    void rootRelativePathsNameOnlyWhatIsInsideTheRoot(String target) {
        RawHttp.Response r = get(target);
        // "/a/./b/../secret" has a '..': refused with 400; the rest are root-relative names that do not exist.
        assertRefused(r, 400, 404);
        assertThat(r.bodyText()).doesNotContain("root:x:0:0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/.carryon/carryon.db", "/.carryon/", "/.carryon", "/%2ecarryon/carryon.db",
        "/.carryon/carryon.db-wal", "/dblink", "/statelink/carryon.db", "/statelink/", "/./.carryon/carryon.db"})
    void theStateDirectoryIsNeverServed(String target) {
        RawHttp.Response r = get(target);
        assertRefused(r, 404);
    }

    @Test
    void theStateDirectoryIsNeverServedEvenWithHiddenFilesAndFollowedLinks() throws IOException {
        try (TestServer s = TestServer.start(b -> b.stateDir(null).digests(false).serveHidden(true).followSymlinks(true))) {
            setUp(s);
            TestFiles.aged(s.file(".visible-hidden", PROBE));
            RawHttp.Response hidden = get(s, "/.visible-hidden");
            assertThat(hidden.status()).isEqualTo(200); // hidden files are served here: the rule below is not that one
            for (String target : List.of("/.carryon/carryon.db", "/.carryon/", "/%2ecarryon/carryon.db", "/dblink",
                    "/statelink/carryon.db", "/statelink/")) {
                RawHttp.Response r = get(s, target);
                assertThat(r.status()).as(target).isEqualTo(404);
                assertNoLeak(r, target);
                assertThat(r.bodyText()).as(target).isNotBlank();
            }
            RawHttp.Response listing = get(s, "/", "Accept: application/json");
            assertThat(listing.status()).isEqualTo(200);
            assertThat(listing.bodyText()).doesNotContain(".carryon").doesNotContain("dblink").doesNotContain("statelink");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/escape", "/escape-rel", "/outdir/secret", "/outdir/outside/shared.txt", "/outdir/",
        "/outdir"})
    void aSymlinkLeadingOutsideIsForbidden(String target) {
        RawHttp.Response r = get(target);
        assertRefused(r, 403);
        assertThat(r.bodyText()).contains("symbolic link");
    }

    @Test
    void aSymlinkLeadingOutsideIsServedWhenAllowed() throws IOException {
        try (TestServer s = TestServer.start(b -> b.digests(false).followSymlinks(true))) {
            setUp(s);
            Files.createSymbolicLink(s.root().resolve("shared"), s.root().getParent().resolve("outside/shared.txt"));
            RawHttp.Response r = get(s, "/shared");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("shared outside\n");
            RawHttp.Response viaDir = get(s, "/outdir/outside/shared.txt");
            assertThat(viaDir.status()).isEqualTo(200);
            assertThat(viaDir.bodyText()).isEqualTo("shared outside\n");
            // Following links does not open the state directory (here TMP/state, reachable through outdir).
            for (String target : List.of("/outdir/state/carryon.db", "/outdir/state/")) {
                RawHttp.Response r2 = get(s, target);
                assertThat(r2.status()).as(target).isEqualTo(404);
                assertNoLeak(r2, target);
            }
            // Following links does not make '..' acceptable.
            assertRefused(get(s, "/../secret"), 400);
            assertRefused(get(s, "/a/../../secret"), 400);
        }
    }

    @ParameterizedTest(name = "raw byte {0}")
    @ValueSource(ints = {0x00, 0x01, 0x1b, 0x7f, 0x85, 0xff})
    void rawControlBytesInTheQueryOfADirectoryRedirectAreRefused(int control) {
        // "/a" is a directory: without its slash it is answered with a redirect that carries the query along.
        byte[] head = "GET /a?x=".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, request, 0, head.length);
        request[head.length] = (byte) control;
        System.arraycopy(tail, 0, request, head.length + 1, tail.length);
        RawHttp.Response r = exchange(request);
        if (control >= 0x80) {
            assertThat(r.status()).as(r.statusLine()).isIn(301, 400);
        } else {
            assertRefused(r, 400);
        }
        for (String[] h : r.headerList()) {
            assertThat(h[1].chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as(h[0]).isTrue();
        }
    }

    @Test
    void aSymlinkStayingInsideIsServed() {
        RawHttp.Response r = get("/inside");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(PROBE);
        RawHttp.Response up = get("/a/up");
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.body()).isEqualTo(PROBE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/loop", "/dangling", "/probe.txt/x", "/inside/x", "/loop/x"})
    void brokenLinksAndFilesUsedAsDirectoriesAreNotFound(String target) {
        RawHttp.Response r = get(target);
        assertRefused(r, 404);
    }

    @Test
    void theRootListingShowsNothingThatLeadsOutOrIntoTheState() {
        RawHttp.Response r = get("/", "Accept: application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).contains("probe.txt").contains("inside")
                .doesNotContain("escape").doesNotContain("outdir").doesNotContain(".carryon").doesNotContain("dblink");
    }

    @Test
    void probesInsideTheRootStillWork() {
        assertThat(get("/probe.txt").body()).isEqualTo(PROBE);
        assertThat(get("/a/b/inner.txt").body()).isEqualTo(PROBE);
        assertThat(get("/a/./b//inner.txt").body()).isEqualTo(PROBE);
        assertThat(get("/%61/%62/inner%2Etxt").body()).isEqualTo(PROBE);
        assertThat(get("http://anything/a/b/inner.txt").body()).isEqualTo(PROBE);
        assertThat(get("/probe.txt?../../secret").body()).isEqualTo(PROBE);
    }

    // --- fuzzing -----------------------------------------------------------------------------------------------

    private static final String[] FRAGMENTS = {
        "..", ".", "/", "//", "%2e", "%2E", "%2e%2e", "%2f", "%2F", "%5c", "%5C", "\\", "%00", "%0a", "%",
        "%2", "%zz", "%c0%ae", "%c0%af", "%e0%80%ae", "%ff", "%25", "%252e", "?", "#", ";", "..;", "~",
        "secret", "probe.txt", "a", "b", "inner.txt", "escape", "outdir", "inside", "dblink", "statelink",
        ".carryon", "carryon.db", "etc", "passwd", "-", "%2D", "\u00e9", "%C3%A9", "\u00ff", "\u2025", "\uff0e",
        "%e2%80%a5", "%ef%bc%8e", " ", "%20", "+", "*", "http://h", "..%2f", "%2e%2e%5c", "\u0000", "\u0001",
        "\u007f", "\t", "\u0085", "\u00a0"
    };

    @Test
    void fuzzedTargetsNeverFailAndNeverLeak() {
        Props.forAll(300, g -> {
            String path = String.join("", g.listOf(1, 8, () -> g.pick(FRAGMENTS)));
            return switch (g.intIn(0, 3)) {
                case 0, 1 -> "/" + path;
                case 2 -> "http://h/" + path;
                default -> path;
            };
        }, target -> {
            RawHttp.Response r = get(target);
            assertThat(r.status()).as(target).isBetween(200, 499);
            assertNoLeak(r, target);
            if (r.status() >= 400) {
                assertThat(r.bodyText()).as(target).startsWith(String.valueOf(r.status())).contains("\n");
            }
        });
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    static RawHttp.Response get(String target, String... headers) {
        return get(server, target, headers);
    }

    static RawHttp.Response get(TestServer s, String target, String... headers) {
        StringBuilder b = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        b.append("Connection: close\r\n\r\n");
        // Characters above 0xff (the fuzzer's unicode) go out as UTF-8, as a browser would send them raw.
        byte[] bytes = encode(b.toString());
        try (RawHttp http = new RawHttp("127.0.0.1", s.port())) {
            return http.send(bytes).read();
        }
    }

    static RawHttp.Response exchange(byte[] request) {
        try (RawHttp http = server.raw()) {
            return http.send(request).read();
        }
    }

    private static byte[] encode(String request) {
        boolean wide = request.chars().anyMatch(c -> c > 0xff);
        return request.getBytes(wide ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    static void assertRefused(RawHttp.Response r, Integer... allowed) {
        assertThat(r.status()).as(r.statusLine()).isIn((Object[]) allowed);
        assertThat(r.bodyText()).as("the reason in the body").startsWith(r.status() + " ").contains("\n");
        assertThat(r.bodyText().lines().skip(1).findFirst().orElse("")).as("a reason line").isNotBlank();
        assertNoLeak(r, r.statusLine());
    }

    static void assertNoLeak(RawHttp.Response r, String what) {
        String all = String.join("\n", r.headerList().stream().map(h -> h[0] + ": " + h[1]).toList()) + "\n"
                + new String(r.body(), StandardCharsets.ISO_8859_1);
        assertThat(all).as(what).doesNotContain(SECRET_MARKER).doesNotContain("shared outside")
                .doesNotContain(new String(SQLITE_MAGIC, StandardCharsets.ISO_8859_1));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
