package dev.carryon.server.http;

import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import dev.carryon.core.Props;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The header fields carryon parses itself (ranges, preconditions, dates, entity tags, RFC 9530 preferences,
 * Accept) with values built from the pieces their grammars are made of, shuffled: never a 5xx, always a
 * complete answer, and a 4xx always says why.
 */
class HeaderValueFuzzTest {

    static final byte[] DATA = TestFiles.random(50_000, 5);
    static TestServer server;
    static String etag;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(b -> b); // digests on: Want-Repr-Digest is parsed only when a digest is known
        TestFiles.aged(server.file("data.bin", DATA));
        server.file("dir/x.txt", "x".getBytes(StandardCharsets.US_ASCII));
        RawHttp.Response first = RawHttp.exchange(server.port(), "GET /data.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        etag = first.header("ETag");
        assertThat(server.server().awaitDigests(20_000)).isTrue();
        RawHttp.Response hashed = RawHttp.exchange(server.port(), "HEAD /data.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(hashed.header("Repr-Digest")).startsWith("sha-256=:");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Exchange(String method, String target, String field) {
    }

    private static final String[] PIECES = {
        "bytes", "BYTES", "=", "-", ",", " ", "\t", ";", ":", "\"", "W/", "w/", "*", "?",
        "(", ")", "[", "]", "{", "}", "\\", "/", "0", "1", "9", "-0", "0-", "-1", "1-1", "0-0",
        "49999", "50000", "50001", "9223372036854775807", "9223372036854775808",
        "99999999999999999999999", "-9223372036854775808", "1e3", "0x10", "+1",
        "sha-256", "sha-512", "md5", "unixsum", "sha-256=1", "sha-512=10", "sha-256=0", "=:", ":AAAA:",
        "=?", "=%", "=1.5", "=-1", "=999999999999999999999", "=\"x\"", "=@1", "=(a b)", "=?1", "=?0",
        ";q=0.5", ";a=1", "text/html", "application/json", "*/*", "application/*;q=0",
        "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Nov 99999 08:49:37 GMT", "Mon, 31 Feb 2020 25:61:61 GMT", "GMT", "0", "-1",
        "\u00e9", "\u00ff", "\u2603", "\u0080"
    };

    @Test
    void shuffledHeaderValuesNeverFail() {
        Props.forAll(400, g -> {
            String name = g.pick("Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
                    "If-Range", "Want-Repr-Digest", "Accept", "Range", "Want-Repr-Digest");
            StringBuilder value = new StringBuilder();
            int pieces = g.intIn(0, 24);
            for (int i = 0; i < pieces; i++) {
                value.append(switch (g.intIn(0, 3)) {
                    case 0 -> g.pick(PIECES);
                    case 1 -> etag == null ? "\"x\"" : etag;
                    case 2 -> g.stringOf(printableAscii(), 0, 12);
                    default -> String.valueOf(g.intIn(0, 60_000));
                });
            }
            return new Exchange(g.pick("GET", "GET", "HEAD"), g.pick("/data.bin", "/data.bin", "/dir/", "/"),
                    name + ": " + value);
        }, e -> check(e.method(), e.target(), e.field()));
    }

    private static String printableAscii() {
        StringBuilder b = new StringBuilder();
        for (char c = ' '; c <= '~'; c++) {
            b.append(c);
        }
        return b.toString();
    }

    private static void check(String method, String target, String field) {
        String request = method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + field + "\r\nConnection: close\r\n\r\n";
        RawHttp.Response r;
        try (RawHttp http = server.raw()) {
            http.send(request.getBytes(StandardCharsets.UTF_8));
            r = method.equals("HEAD") ? http.readHead() : http.read();
        }
        assertThat(r.status()).as(field).isBetween(200, 499);
        assertThat(r.complete()).as(field).isTrue();
        if (r.status() >= 400 && !method.equals("HEAD")) {
            assertThat(r.bodyText()).as(field).startsWith(r.status() + " ");
            assertThat(r.bodyText().lines().skip(1).findFirst().orElse("")).as(field).isNotBlank();
        }
        if (r.status() == 200 && method.equals("GET") && target.equals("/data.bin")) {
            assertThat(r.body()).isEqualTo(DATA);
        }
    }
}
