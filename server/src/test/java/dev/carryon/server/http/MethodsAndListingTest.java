package dev.carryon.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carryon.server.testing.Metrics;
import dev.carryon.server.testing.Multipart;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Methods, content types, directories, the server's own routes, the connection, and the access log. */
class MethodsAndListingTest {

    static final byte[] BIN = TestFiles.random(20_000, 21);
    static final byte[] TXT = "hello, world\n".getBytes(StandardCharsets.UTF_8);
    static final String TRICKY = "<b>&\"'.txt";
    static final String SPACED = "a b#?.txt";
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        TestFiles.aged(server.file("f.bin", BIN));
        TestFiles.aged(server.file("f.txt", TXT));
        TestFiles.aged(server.file("page.html", "<p>hi</p>".getBytes(StandardCharsets.UTF_8)));
        TestFiles.aged(server.file("noext", TXT));
        TestFiles.aged(server.file("x.unknownext", TXT));
        TestFiles.aged(server.file("UPPER.TXT", TXT));
        TestFiles.aged(server.file("long.txt", "0123456789".repeat(200).getBytes(StandardCharsets.UTF_8)));
        TestFiles.aged(server.file(TRICKY, "tricky".getBytes(StandardCharsets.UTF_8)));
        TestFiles.aged(server.file(SPACED, "spaced".getBytes(StandardCharsets.UTF_8)));
        TestFiles.aged(server.file("sub/inner/deep.txt", TXT));
        TestFiles.aged(server.file(".secret", TXT));
        TestFiles.aged(server.file(".hiddendir/h.txt", TXT));
        TestFiles.aged(server.file("-/dash.txt", "dash".getBytes(StandardCharsets.UTF_8)));
        TestFiles.aged(server.file("big.bin", TestFiles.random(1 << 20, 22)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static RawHttp.Response get(String target, String... headers) {
        return RawHttp.once(server.port(), "GET", target, headers);
    }

    // ---- methods

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "FROB", "PROPFIND", "TRACE"})
    void otherMethodsOnAFileAre405(String method) {
        RawHttp.Response r = RawHttp.once(server.port(), method, "/f.bin", "Content-Length: 0");
        assertThat(r.status()).as(r.statusLine()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        assertThat(r.bodyText()).startsWith("405 Method Not Allowed\n").contains(method + " is not allowed");
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(r.body().length));
        assertThat(Files.exists(server.root().resolve("f.bin"))).isTrue();
    }

    @Test
    void methodWithABodyIsRefusedAndTheConnectionClosed() {
        try (RawHttp http = server.raw()) {
            http.send("PUT /f.bin HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nGET /");
            RawHttp.Response r = http.read();
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(http.closedByPeer()).isTrue();
        }
        assertThat(get("/f.bin").body()).isEqualTo(BIN);
    }

    @Test
    void optionsOnAFile() {
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.request("OPTIONS", "/f.bin").read();
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
            assertThat(r.header("Content-Length")).isNull();
            assertThat(r.header("Transfer-Encoding")).isNull();
            // no body: the next response on the connection starts right away
            RawHttp.Response next = http.get("/f.txt").read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo(TXT);
            RawHttp.Response dir = http.request("OPTIONS", "/sub/").read();
            assertThat(dir.status()).isEqualTo(204);
            assertThat(dir.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        }
        assertThat(RawHttp.once(server.port(), "OPTIONS", "/missing").status()).isEqualTo(404);
    }

    @Test
    void optionsAsterisk() {
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.request("OPTIONS", "*").read();
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
            assertThat(r.header("Content-Length")).isNull();
            assertThat(http.get("/f.txt").read().body()).isEqualTo(TXT);
        }
        assertThat(RawHttp.once(server.port(), "GET", "*").status()).isEqualTo(400);
    }

    // ---- content types

    @Test
    void contentTypeByExtension() {
        assertThat(get("/f.txt").header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(get("/UPPER.TXT").header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(get("/page.html").header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(get("/f.bin").header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(get("/noext").header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(get("/x.unknownext").header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(RawHttp.once(server.port(), "HEAD", "/f.txt").header("Content-Type"))
                .isEqualTo("text/plain; charset=utf-8");
        // each part of a multipart answer carries the file's type
        RawHttp.Response multi = get("/long.txt", "Range: bytes=0-0,1500-1500");
        assertThat(multi.status()).isEqualTo(206);
        assertThat(multi.header("Content-Type")).startsWith("multipart/byteranges; boundary=");
        assertThat(Multipart.parse(multi.header("Content-Type"), multi.body()))
                .extracting(p -> p.headers().get("content-type"))
                .containsExactly("text/plain; charset=utf-8", "text/plain; charset=utf-8");
    }

    // ---- directories

    @Test
    void directoryWithoutSlashRedirectsKeepingTheQuery() {
        RawHttp.Response r = get("/sub?x=1&y=%20");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo("/sub/?x=1&y=%20");
        RawHttp.Response nested = get("/sub/inner");
        assertThat(nested.status()).isEqualTo(301);
        assertThat(nested.header("Location")).isEqualTo("/sub/inner/");
        RawHttp.Response dash = get("/%2D");
        assertThat(dash.status()).isEqualTo(301);
        assertThat(dash.header("Location")).isEqualTo("/%2D/");
        // "/-/" is the server's own: the redirect for the root directory "-" must not lead there
        RawHttp.Response bareDash = get("/-?x=1");
        assertThat(bareDash.status()).isEqualTo(301);
        assertThat(bareDash.header("Location")).isEqualTo("/%2D/?x=1");
        assertThat(hrefs(get(bareDash.header("Location")).bodyText())).containsExactly("../", "dash.txt");
        // nor to another host: "//sub/" in a Location is a scheme-relative reference to the host "sub"
        RawHttp.Response doubleSlash = get("//sub");
        assertThat(doubleSlash.status()).isEqualTo(301);
        assertThat(doubleSlash.header("Location")).isEqualTo("/sub/");
        RawHttp.Response dotted = get("/./sub/./inner?q");
        assertThat(dotted.header("Location")).isEqualTo("/sub/inner/?q");
        RawHttp.Response encoded = get("/s%75b");
        assertThat(encoded.header("Location")).isEqualTo("/sub/");
        assertThat(get("/sub/").status()).isEqualTo(200);
    }

    @Test
    void htmlListingEscapesNamesAndLinksDownloadThem() {
        RawHttp.Response r = get("/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        String html = r.bodyText();
        assertThat(html).contains("&lt;b&gt;&amp;&quot;&#39;.txt").doesNotContain(TRICKY).doesNotContain("<b>");
        assertThat(html).contains(">a b#?.txt<");

        List<String> hrefs = hrefs(html);
        assertThat(hrefs).contains("f.bin", "sub/", "a%20b%23%3F.txt");
        for (String href : hrefs) {
            assertThat(href).doesNotContain(" ", "#", "?", "\"", "<", ">");
        }
        // every link leads to what it names
        assertThat(get("/" + hrefFor(html, "a b#?.txt")).bodyText()).isEqualTo("spaced");
        assertThat(get("/" + hrefFor(html, TRICKY)).bodyText()).isEqualTo("tricky");
        assertThat(get("/" + hrefFor(html, "f.bin")).body()).isEqualTo(BIN);
        RawHttp.Response sub = get("/" + hrefFor(html, "sub/"));
        assertThat(sub.status()).isEqualTo(200);
        assertThat(hrefs(sub.bodyText())).containsExactly("../", "inner/");
    }

    @Test
    void jsonListingMatchesWhatAGetOfEachFileReturns() throws Exception {
        RawHttp.Response r = get("/", "Accept: application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("Vary")).containsIgnoringCase("Accept");
        JsonNode root = JSON.readTree(r.body());
        assertThat(root.get("path").asText()).isEqualTo("/");
        List<String> names = new ArrayList<>();
        for (JsonNode e : root.get("entries")) {
            String name = e.get("name").asText();
            names.add(name);
            Path p = server.root().resolve(name);
            assertThat(e.get("mtime").asText()).as(name).isEqualTo(Files.getLastModifiedTime(p).toInstant().toString());
            if (Files.isDirectory(p)) {
                assertThat(e.get("type").asText()).isEqualTo("directory");
                continue;
            }
            assertThat(e.get("type").asText()).isEqualTo("file");
            assertThat(e.get("size").asLong()).isEqualTo(Files.size(p));
            String target = "/" + dev.carryon.core.path.RequestPath.encodeSegment(name);
            RawHttp.Response file = RawHttp.once(server.port(), "GET", target);
            assertThat(file.status()).as(name).isEqualTo(200);
            assertThat(file.body()).hasSize((int) Files.size(p));
            assertThat(e.get("etag").asText()).as(name).isEqualTo(file.header("ETag"));
        }
        assertThat(names).contains(TRICKY, SPACED, "f.bin", "sub", "-", "big.bin")
                .doesNotContain(".secret", ".hiddendir");
        // a browser asking for HTML among others gets HTML
        assertThat(get("/", "Accept: text/html,application/json;q=0.9").header("Content-Type")).startsWith("text/html");
        JsonNode sub = JSON.readTree(get("/sub/inner/", "Accept: application/json").body());
        assertThat(sub.get("path").asText()).isEqualTo("/sub/inner/");
        assertThat(sub.get("entries")).hasSize(1);
        assertThat(sub.get("entries").get(0).get("name").asText()).isEqualTo("deep.txt");
    }

    @Test
    void hiddenEntriesAreNotListedNorServed() {
        assertThat(get("/").bodyText()).doesNotContain(".secret").doesNotContain(".hiddendir");
        assertThat(get("/.secret").status()).isEqualTo(404);
        assertThat(get("/.hiddendir/h.txt").status()).isEqualTo(404);
        assertThat(get("/.hiddendir/").status()).isEqualTo(404);
        assertThat(get("/%2Esecret").status()).isEqualTo(404);
        assertThat(get("/sub/../.secret").status()).isIn(400, 404);
    }

    @Test
    void stateDirectoryIsNeverListedNorServed() {
        for (boolean hidden : new boolean[] {false, true}) {
            // stateDir(null): the default, ROOT/.carryon
            try (TestServer s = TestServer.start(b -> b.stateDir(null).serveHidden(hidden))) {
                TestFiles.aged(s.file(".dot.txt", TXT));
                TestFiles.aged(s.file("plain.txt", TXT));
                assertThat(Files.isRegularFile(s.root().resolve(".carryon/carryon.db"))).isTrue();
                int port = s.port();
                for (String target : List.of("/.carryon/", "/.carryon", "/.carryon/carryon.db", "/%2Ecarryon/carryon.db",
                        "/./.carryon/carryon.db", "/.carryon/carryon.db-wal")) {
                    RawHttp.Response r = RawHttp.once(port, "GET", target);
                    assertThat(r.status()).as("%s with hidden=%s", target, hidden).isEqualTo(404);
                    assertThat(RawHttp.once(port, "HEAD", target).status()).isEqualTo(404);
                }
                String html = RawHttp.once(port, "GET", "/").bodyText();
                String json = RawHttp.once(port, "GET", "/", "Accept: application/json").bodyText();
                assertThat(html).doesNotContain(".carryon").contains("plain.txt");
                assertThat(json).doesNotContain(".carryon").contains("plain.txt");
                if (hidden) {
                    assertThat(html).contains(".dot.txt");
                    assertThat(json).contains(".dot.txt");
                    assertThat(RawHttp.once(port, "GET", "/.dot.txt").body()).isEqualTo(TXT);
                } else {
                    assertThat(html).doesNotContain(".dot.txt");
                    assertThat(RawHttp.once(port, "GET", "/.dot.txt").status()).isEqualTo(404);
                }
            }
        }
    }

    @Test
    void stateDirectoryIsNotServedThroughSymbolicLinksEvenWhenFollowingThem() throws Exception {
        // the state directory inside the root (the default) and outside it (as the test server puts it)
        for (boolean inRoot : new boolean[] {true, false}) {
            try (TestServer s = TestServer.start(b -> (inRoot ? b.stateDir(null) : b).followSymlinks(true))) {
                Path state = inRoot ? s.root().resolve(".carryon") : s.state();
                assertThat(Files.isRegularFile(state.resolve("carryon.db"))).isTrue();
                Path outside = Files.createDirectories(s.root().getParent().resolve("elsewhere"));
                Files.write(outside.resolve("o.txt"), TXT);
                Files.createSymbolicLink(s.root().resolve("out"), outside);
                Files.createSymbolicLink(s.root().resolve("st"), state);
                Files.createSymbolicLink(s.root().resolve("db"), state.resolve("carryon.db"));
                Files.createSymbolicLink(s.root().resolve("up"), state.getParent());
                int port = s.port();
                // following links works...
                assertThat(RawHttp.once(port, "GET", "/out/o.txt").body()).as("inRoot=%s", inRoot).isEqualTo(TXT);
                // ...but never into the state directory
                String stateName = state.getFileName().toString();
                for (String target : List.of("/db", "/st/", "/st/carryon.db", "/up/" + stateName + "/carryon.db",
                        "/up/" + stateName + "/")) {
                    assertThat(RawHttp.once(port, "GET", target).status()).as("%s, inRoot=%s", target, inRoot)
                            .isEqualTo(404);
                }
                String root = RawHttp.once(port, "GET", "/", "Accept: application/json").bodyText();
                assertThat(root).contains("\"out\"").doesNotContain("\"st\"").doesNotContain("\"db\"");
                if (!inRoot) {
                    String up = RawHttp.once(port, "GET", "/up/", "Accept: application/json").bodyText();
                    assertThat(up).contains("\"root\"").doesNotContain("\"" + stateName + "\"");
                }
            }
        }
    }

    @Test
    void listingsTurnedOffAre403() {
        try (TestServer s = TestServer.start(b -> b.listDirectories(false))) {
            TestFiles.aged(s.file("d/x.txt", TXT));
            RawHttp.Response r = RawHttp.once(s.port(), "GET", "/");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.bodyText()).startsWith("403 Forbidden\n");
            assertThat(RawHttp.once(s.port(), "GET", "/d/", "Accept: application/json").status()).isEqualTo(403);
            assertThat(RawHttp.once(s.port(), "GET", "/d/x.txt").body()).isEqualTo(TXT);
        }
    }

    @Test
    void rootEntryNamedDashIsReachableAsPercent2D() throws Exception {
        assertThat(get("/%2D/dash.txt").bodyText()).isEqualTo("dash");
        assertThat(get("/%2d/dash.txt").bodyText()).isEqualTo("dash");
        assertThat(get("/-/dash.txt").status()).isEqualTo(404); // the server's own routes
        assertThat(hrefFor(get("/").bodyText(), "-/")).isEqualTo("%2D/");
        RawHttp.Response inside = get("/%2D/");
        assertThat(inside.status()).isEqualTo(200);
        assertThat(hrefs(inside.bodyText())).containsExactly("../", "dash.txt");
        JsonNode json = JSON.readTree(get("/%2D/", "Accept: application/json").body());
        assertThat(json.get("path").asText()).isEqualTo("/-/");
    }

    // ---- the server's own routes

    @Test
    void metricsCountRequestsRangesAndConnections() {
        try (TestServer s = TestServer.start()) {
            TestFiles.aged(s.file("m.bin", BIN));
            TestFiles.aged(s.file("empty", new byte[0]));
            int port = s.port();
            String[][] requests = {
                    {"Range: bytes=0-9"}, {"Range: bytes=0-9"}, {"Range: bytes=0-9,10000-10009"},
                    {"Range: bytes=20000-"}, {"Range: bytes=9-1"}, {"Range: bytes=0-9", "If-Range: \"x\""},
                    {"Range: bytes=0-0,0-0,0-0,0-0"}, {},
            };
            for (String[] headers : requests) {
                assertThat(RawHttp.once(port, "GET", "/m.bin", headers).status()).isLessThan(500);
            }
            assertThat(RawHttp.once(port, "GET", "/empty", "Range: bytes=0-0").status()).isEqualTo(200);
            assertThat(RawHttp.once(port, "GET", "/missing").status()).isEqualTo(404);
            assertThat(RawHttp.once(port, "HEAD", "/m.bin", "Range: bytes=0-0").status()).isEqualTo(200);

            try (RawHttp held = s.raw()) {
                assertThat(held.get("/m.bin").read().status()).isEqualTo(200);
                // connections close asynchronously: wait until only this one and the scraping one are open
                int[] scrapes = new int[1];
                String text = Poll.until(Duration.ofSeconds(5), () -> {
                    scrapes[0]++;
                    return Metrics.scrape(port);
                }, t -> Metrics.value(t, "carryon_connections_open") == 2.0);
                RawHttp.Response r = RawHttp.once(port, "GET", "/-/metrics");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Content-Type")).startsWith("text/plain");
                assertThat(r.header("Cache-Control")).isEqualTo("no-store");
                assertThat(Metrics.value(text, "carryon_connections_open")).isEqualTo(2.0);
                Map<String, Double> expected = Map.of(
                        "single", 2.0, "multipart", 1.0, "unsatisfiable", 1.0, "invalid", 1.0,
                        "if_range_failed", 1.0, "abuse_guard", 1.0, "empty_representation", 1.0);
                for (Map.Entry<String, Double> e : expected.entrySet()) {
                    assertThat(Metrics.value(text, "carryon_range_requests_total{kind=\"" + e.getKey() + "\"}"))
                            .as(e.getKey()).isEqualTo(e.getValue());
                }
                assertThat(Metrics.value(text, "carryon_http_requests_total{method=\"GET\",status=\"206\"}"))
                        .isEqualTo(3.0);
                // six of the requests above, and each scrape before this one (a scrape is counted once sent)
                assertThat(Metrics.value(text, "carryon_http_requests_total{method=\"GET\",status=\"200\"}"))
                        .isBetween(6.0, 6.0 + scrapes[0] - 1);
                assertThat(Metrics.value(text, "carryon_http_requests_total{method=\"GET\",status=\"416\"}"))
                        .isEqualTo(1.0);
                assertThat(Metrics.value(text, "carryon_http_requests_total{method=\"GET\",status=\"404\"}"))
                        .isEqualTo(1.0);
                assertThat(Metrics.value(text, "carryon_http_requests_total{method=\"HEAD\",status=\"200\"}"))
                        .isEqualTo(1.0);
                // and a further range request moves its counter by one
                assertThat(held.get("/m.bin", "Range: bytes=5-6").read().status()).isEqualTo(206);
                String later = Poll.until(Duration.ofSeconds(5), () -> Metrics.scrape(port),
                        t -> Metrics.value(t, "carryon_range_requests_total{kind=\"single\"}") == 3.0);
                assertThat(Metrics.value(later, "carryon_range_requests_total{kind=\"single\"}")).isEqualTo(3.0);
            }
        }
    }

    @Test
    void health() {
        RawHttp.Response r = get("/-/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("ok\n");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(RawHttp.once(server.port(), "HEAD", "/-/health").status()).isEqualTo(200);
        RawHttp.Response post = RawHttp.once(server.port(), "POST", "/-/health", "Content-Length: 0");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(get("/-/nothing").status()).isEqualTo(404);
    }

    // ---- the connection

    @Test
    void http10WithoutHostClosesUnlessKeepAlive() {
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.send("GET /f.txt HTTP/1.0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(TXT);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(http.closedByPeer()).isTrue();
        }
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.send("GET /f.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(r.body()).isEqualTo(TXT);
            RawHttp.Response second = http.send("GET /f.bin HTTP/1.0\r\nConnection: keep-alive\r\n"
                    + "Range: bytes=0-9\r\n\r\n").read();
            assertThat(second.status()).isEqualTo(206);
            assertThat(second.body()).isEqualTo(Arrays.copyOf(BIN, 10));
            RawHttp.Response third = http.send("GET /f.txt HTTP/1.0\r\n\r\n").read();
            assertThat(third.status()).isEqualTo(200);
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    @Test
    void http11WithoutHostIs400() {
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.send("GET /f.txt HTTP/1.1\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.bodyText()).startsWith("400 Bad Request\n").contains("Host");
            assertThat(http.closedByPeer()).isTrue();
        }
        RawHttp.Response two = RawHttp.exchange(server.port(), "GET /f.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        assertThat(two.status()).isEqualTo(400);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        byte[] big = get("/big.bin").body();
        assertThat(big).hasSize(1 << 20);
        try (RawHttp http = server.raw()) {
            http.send("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /f.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=100-199\r\n\r\n");
            RawHttp.Response first = http.read();
            RawHttp.Response second = http.read();
            RawHttp.Response third = http.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo(big);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).isEqualTo(TXT);
            assertThat(third.status()).isEqualTo(206);
            assertThat(third.body()).isEqualTo(Arrays.copyOfRange(BIN, 100, 200));
            // the connection is still open for more
            assertThat(http.get("/f.txt").read().body()).isEqualTo(TXT);
        }
    }

    @Test
    void pipelinedHeadAndNotModifiedKeepFraming() {
        String etag = get("/f.bin").header("ETag");
        try (RawHttp http = server.raw()) {
            http.send("HEAD /f.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /f.bin HTTP/1.1\r\nHost: t\r\nIf-None-Match: " + etag + "\r\n\r\n"
                    + "OPTIONS /f.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /f.txt HTTP/1.1\r\nHost: t\r\n\r\n");
            RawHttp.Response head = http.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(BIN.length));
            assertThat(http.read().status()).isEqualTo(304);
            assertThat(http.read().status()).isEqualTo(204);
            RawHttp.Response last = http.read();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.body()).isEqualTo(TXT);
        }
    }

    @Test
    void absoluteFormTarget() {
        RawHttp.Response r = RawHttp.exchange(server.port(),
                "GET http://elsewhere.test/f.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TXT);
    }

    @Test
    void connectionCloseIsHonoured() {
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.get("/f.bin", "Connection: close").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(r.body()).isEqualTo(BIN);
            assertThat(http.closedByPeer()).isTrue();
        }
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.get("/missing", "Connection: close").read();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(http.closedByPeer()).isTrue();
        }
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.get("/f.bin", "Connection: keep-alive").read();
            assertThat(r.header("Connection")).isNull(); // the HTTP/1.1 default needs no saying
            assertThat(http.get("/f.txt").read().body()).isEqualTo(TXT);
        }
    }

    // ---- access log

    @Test
    void accessLogLines() throws Exception {
        Path log = Files.createTempFile("carryon-access-", ".log");
        try {
            TestServer s = TestServer.start(b -> b.accessLog(log.toString()));
            try {
                TestFiles.aged(s.file("l.bin", BIN));
                RawHttp.Response ranged = RawHttp.once(s.port(), "GET", "/l.bin?q=1", "Range: bytes=0-9",
                        "User-Agent: test-agent/1.0", "Referer: http://example.test/a");
                assertThat(ranged.status()).isEqualTo(206);
                RawHttp.Response missing = RawHttp.once(s.port(), "GET", "/nope%20here");
                assertThat(missing.status()).isEqualTo(404);
                RawHttp.Response whole = RawHttp.once(s.port(), "HEAD", "/l.bin", "Range: bytes=0-0");
                assertThat(whole.status()).isEqualTo(200);
                // lines are written in the background once each response has left
                Poll.until(Duration.ofSeconds(5), () -> readLines(log), l -> l.size() >= 3);
                s.server().close(); // flushes and closes the log
                List<String> lines = readLines(log);
                assertThat(lines).hasSize(3);
                String time = "\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\]";
                assertThat(lines).anySatisfy(l -> assertThat(l).matches("127\\.0\\.0\\.1 - - " + time
                        + " \"GET /l\\.bin\\?q=1 HTTP/1\\.1\" 206 10 \"http://example\\.test/a\" \"test-agent/1\\.0\""
                        + " range=\"bytes=0-9\" ms=\\d+\\.\\d{2}"));
                assertThat(lines).anySatisfy(l -> assertThat(l).matches("127\\.0\\.0\\.1 - - " + time
                        + " \"GET /nope%20here HTTP/1\\.1\" 404 " + missing.body().length + " \"-\" \"-\""
                        + " ms=\\d+\\.\\d{2}"));
                assertThat(lines).anySatisfy(l -> assertThat(l).matches("127\\.0\\.0\\.1 - - " + time
                        + " \"HEAD /l\\.bin HTTP/1\\.1\" 200 0 \"-\" \"-\" range=\"bytes=0-0\" ms=\\d+\\.\\d{2}"));
            } finally {
                s.close();
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    // ---- helpers

    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final Pattern HREF = Pattern.compile("<a href=\"([^\"]*)\">([^<]*)</a>");

    static List<String> hrefs(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = HREF.matcher(html);
        while (m.find()) {
            out.add(unescape(m.group(1)));
        }
        return out;
    }

    /** The link whose text is {@code name}, HTML-unescaped. */
    static String hrefFor(String html, String name) {
        Matcher m = HREF.matcher(html);
        while (m.find()) {
            if (unescape(m.group(2)).equals(name)) {
                return unescape(m.group(1));
            }
        }
        throw new AssertionError("no link for " + name + " in\n" + html);
    }

    static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
