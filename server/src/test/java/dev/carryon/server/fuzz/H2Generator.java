package dev.carryon.server.fuzz;

import dev.carryon.core.Props;
import dev.carryon.server.testing.H2Wire;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static dev.carryon.server.fuzz.Vocabulary.*;

/**
 * Builds the connections of the HTTP/2 frame fuzzer: a start (prior knowledge, or an h2c upgrade whose preface
 * follows in the same write), then one to five actions, each a request (a download, a tus or IETF upload request,
 * a reserved route) at one of three levels of hostility or an attack on the framing layer (rapid reset, SETTINGS,
 * PING and CONTINUATION floods, WINDOW_UPDATE overflow, HPACK bombs, oversized headers, DATA on closed streams,
 * frames of bad length, type, flags or stream), then, for some, a byte-level mutation of everything after the
 * preface; then the ending. Well-formed frames come from Netty's frame writer (its HPACK encoder keeps the
 * connection's table); hostile header blocks are encoded here as literals that never touch the dynamic table, so
 * that the requests after them still decode.
 */
final class H2Generator {

    private static final int MAX_WINDOW = Integer.MAX_VALUE;

    private final List<String> tusUploads;
    private final List<String> ietfUploads;
    private final int maxHeaderSize;

    H2Generator(List<String> tusUploads, List<String> ietfUploads, int maxHeaderSize) {
        this.tusUploads = List.copyOf(tusUploads);
        this.ietfUploads = List.copyOf(ietfUploads);
        this.maxHeaderSize = maxHeaderSize;
    }

    /** The bytes of one connection as they are built, and what the generator knows of its streams. */
    private static final class Conn {
        final H2Wire wire = new H2Wire();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<String> kinds = new ArrayList<>();
        final List<Integer> requests = new ArrayList<>();
        int nextStream = 1;
        boolean wellFormed = true;
        /** The server may refuse the rest of the connection (a flood, a connection error): no answers are owed. */
        boolean fatal;

        int stream() {
            int s = nextStream;
            nextStream += 2;
            return s;
        }

        void add(byte[] bytes) {
            out.writeBytes(bytes);
        }
    }

    H2Case next(Props.Gen g) {
        Conn c = new Conn();
        try {
            boolean upgrade = g.oneIn(4);
            byte[] preamble = preamble(g, c, upgrade);
            int actions = g.oneIn(3) ? g.intIn(2, 5) : 1;
            for (int i = 0; i < actions; i++) {
                action(g, c);
            }
            byte[] body = c.out.toByteArray();
            if (g.oneIn(6) && body.length > 0) {
                body = mutate(g, body);
                c.kinds.add("mutated");
                c.wellFormed = false;
            }
            H2Case.Ending ending = g.oneIn(20) ? H2Case.Ending.WAIT
                    : g.oneIn(4) ? H2Case.Ending.HALF_CLOSE : H2Case.Ending.FINAL;
            if (ending == H2Case.Ending.HALF_CLOSE && g.oneIn(3) && body.length > 1) {
                body = Arrays.copyOf(body, g.intIn(1, body.length - 1)); // cut inside a frame
            }
            int finalStream = 0;
            byte[] tail = new byte[0];
            if (ending == H2Case.Ending.FINAL) {
                finalStream = c.nextStream;
                tail = c.wire.headers(finalStream, request("GET", "/-/health"), true);
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(preamble);
            all.writeBytes(body);
            all.writeBytes(tail);
            List<Integer> requests = c.wellFormed && !c.fatal ? c.requests : List.of();
            return new H2Case(String.join("+", c.kinds), upgrade, split(g, all.toByteArray()), ending, finalStream,
                    c.wellFormed && !c.fatal, requests);
        } finally {
            c.wire.close();
        }
    }

    /**
     * The preface and the client's SETTINGS. Most clients open their windows wide, so that the server never waits
     * on this one's flow control (it reads but never sends WINDOW_UPDATE); some keep the defaults or close them.
     */
    private byte[] preamble(Props.Gen g, Conn c, boolean upgrade) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Http2Settings settings = new Http2Settings();
        boolean wide = !g.oneIn(16);
        if (wide) {
            settings.initialWindowSize(MAX_WINDOW);
        } else {
            // Answers wait on windows this client never opens: the idle timeout ends the connection.
            settings.initialWindowSize(g.pick(0, 1, 100, 65_535));
            c.fatal = true;
        }
        if (g.oneIn(4)) {
            settings.maxFrameSize(g.pick(16_384, 65_536, 16_777_215));
        }
        if (g.oneIn(4)) {
            settings.headerTableSize(g.pick(0L, 100L, 4096L, 65_536L));
        }
        if (g.oneIn(6)) {
            settings.maxConcurrentStreams(g.pick(0L, 1L, 100L));
        }
        if (upgrade) {
            byte[] payload = settingsPayload(settings);
            c.kinds.add("upgrade");
            String fields = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: "
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "\r\n";
            String head = g.oneIn(3)
                    ? "POST /uploads/ HTTP/1.1\r\nHost: fuzz\r\n" + fields + "Tus-Resumable: 1.0.0\r\nUpload-Length: 5\r\n"
                            + "Content-Type: application/offset+octet-stream\r\nContent-Length: 5\r\n\r\nhello"
                    : "GET " + g.pick("/small.txt", "/data.bin", "/-/health", "/no-such") + " HTTP/1.1\r\nHost: fuzz\r\n"
                            + fields + "\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
            c.nextStream = 3; // stream 1 is the upgraded request
        }
        out.writeBytes(H2Wire.PREFACE);
        out.writeBytes(c.wire.settings(settings));
        if (wide) {
            out.writeBytes(c.wire.windowUpdate(0, MAX_WINDOW - 65_535));
        }
        return out.toByteArray();
    }

    private static byte[] settingsPayload(Http2Settings settings) {
        ByteBuffer b = ByteBuffer.allocate(6 * settings.size());
        settings.forEach((id, value) -> {
            b.putShort((short) id.charValue());
            b.putInt((int) value.longValue());
        });
        return b.array();
    }

    private void action(Props.Gen g, Conn c) {
        switch (g.intIn(0, 19)) {
            case 0, 1, 2, 3, 4, 5, 6, 7 -> request(g, c, g.pick(0, 0, 0, 1, 1, 2));
            case 8 -> rapidReset(g, c);
            case 9 -> settingsFlood(g, c);
            case 10 -> pingFlood(g, c);
            case 11 -> windowUpdates(g, c);
            case 12 -> continuations(g, c);
            case 13 -> hpackBomb(g, c);
            case 14 -> oversizedHeaders(g, c);
            case 15 -> closedStreams(g, c);
            case 16, 17 -> badFrame(g, c);
            case 18 -> randomFrames(g, c);
            default -> priorities(g, c);
        }
    }

    static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers(false).method(method).scheme("http").authority("fuzz").path(path);
    }

    // ---- requests ------------------------------------------------------------------------------------------

    /** A request as HTTP/2 sends it: pseudo-header fields, fields (names lower case), a body in DATA frames. */
    private void request(Props.Gen g, Conn c, int level) {
        String kind = g.pick("download", "download", "download", "tus", "tus", "ietf", "ietf", "reserved");
        c.kinds.add(kind + (level == 0 ? "" : level == 1 ? "/odd" : "/hostile"));
        List<String[]> fields = new ArrayList<>();
        byte[] body = switch (kind) {
            case "download" -> download(g, level, fields);
            case "tus" -> tus(g, level, fields);
            case "ietf" -> ietf(g, level, fields);
            default -> {
                fields.add(new String[] {":method", g.pick("GET", "GET", "HEAD", "POST", "OPTIONS")});
                fields.add(new String[] {":path", g.pick(RESERVED_TARGETS)});
                yield null;
            }
        };
        if (level > 0) {
            soup(g, fields, level);
            c.wellFormed = false; // odd values may be refused as malformed (connection-specific fields, say)
        }
        int stream = c.stream();
        boolean hasBody = body != null && (body.length > 0 || g.oneIn(3));
        if (level == 2 || (level == 1 && g.oneIn(3))) {
            // Any order, any name, duplicates: encoded by hand, as literals that leave the HPACK table alone.
            c.wellFormed = false;
            c.add(H2Wire.frame(H2Wire.HEADERS, hasBody ? 0x4 : 0x5, stream, Hpack.literals(withPseudo(g, fields, level))));
        } else {
            c.add(c.wire.headers(stream, headers(fields), g.oneIn(8) ? g.intIn(1, 255) : 0, !hasBody));
        }
        if (!hasBody) {
            if (level == 0) {
                c.requests.add(stream);
            } else {
                c.wellFormed = false;
            }
            return;
        }
        int plan = level == 0 ? g.pick(0, 0, 0, 1) : g.intIn(0, 7);
        switch (plan) {
            case 0 -> { // the body in one or a few DATA frames, END_STREAM on the last
                dataFrames(g, c, stream, body, true);
                if (level == 0) {
                    c.requests.add(stream);
                }
            }
            case 1 -> { // the body, then trailers
                dataFrames(g, c, stream, body, false);
                c.add(c.wire.headers(stream, new DefaultHttp2Headers(false).add("x-trailer", "t"), true));
                if (level == 0) {
                    c.requests.add(stream);
                }
            }
            case 2 -> { // part of the body and no end: the body timeout must answer or reset it
                dataFrames(g, c, stream, Arrays.copyOf(body, body.length / 2), false);
                c.wellFormed = false;
            }
            case 3 -> { // part of the body, then RST_STREAM
                dataFrames(g, c, stream, Arrays.copyOf(body, body.length / 2), false);
                c.add(c.wire.rst(stream, g.pick(0L, 8L, 2L, 0xffL)));
                c.wellFormed = false;
            }
            case 4 -> { // the body, then more DATA after END_STREAM
                dataFrames(g, c, stream, body, true);
                c.add(c.wire.data(stream, g.bytes(g.intIn(0, 50)), g.bool()));
                c.fatal = true;
            }
            case 5 -> { // a Content-Length that the DATA frames contradict
                dataFrames(g, c, stream, Arrays.copyOf(body, Math.max(0, body.length + g.pick(-3, 1, 1000))), true);
                c.wellFormed = false;
            }
            case 6 -> { // DATA with padding, or a padding length past the payload
                byte[] data = g.bytes(g.intIn(0, 30));
                byte[] payload = new byte[1 + data.length + 4];
                payload[0] = (byte) (g.bool() ? 4 : g.intIn(5, 255));
                System.arraycopy(data, 0, payload, 1, data.length);
                c.add(H2Wire.frame(H2Wire.DATA, 0x8 | (g.bool() ? 1 : 0), stream, payload));
                c.wellFormed = false;
            }
            default -> { // many empty DATA frames (a flood Netty limits), then the end
                for (int i = 0, n = g.intIn(2, 200); i < n; i++) {
                    c.add(c.wire.data(stream, new byte[0], false));
                }
                c.add(c.wire.data(stream, body, true));
                c.fatal = true;
            }
        }
    }

    private static void dataFrames(Props.Gen g, Conn c, int stream, byte[] body, boolean end) {
        int at = 0;
        do {
            int n = Math.min(body.length - at, g.oneIn(3) ? g.intIn(1, 1000) : 16_384);
            c.add(c.wire.data(stream, Arrays.copyOfRange(body, at, at + n), end && at + n == body.length));
            at += n;
        } while (at < body.length);
    }

    private static Http2Headers headers(List<String[]> fields) {
        Http2Headers h = new DefaultHttp2Headers(false).scheme("http").authority("fuzz");
        for (String[] f : fields) {
            h.add(f[0], f[1]);
        }
        return h;
    }

    /** The fields with :scheme and :authority, maybe without some pseudo-fields, maybe some after the others. */
    private static List<String[]> withPseudo(Props.Gen g, List<String[]> fields, int level) {
        List<String[]> all = new ArrayList<>();
        if (!g.oneIn(8)) {
            all.add(new String[] {":scheme", g.oneIn(6) ? g.pick("https", "", "HTTP", "ftp") : "http"});
        }
        if (!g.oneIn(6)) {
            all.add(new String[] {":authority", g.oneIn(6) ? g.pick("", "other:99", "a b", "fuzz\u0000") : "fuzz"});
        }
        for (String[] f : fields) {
            if (f[0].startsWith(":") && g.oneIn(12)) {
                continue; // a pseudo-field missing
            }
            all.add(f);
        }
        if (level == 2 && g.oneIn(3)) {
            all.add(g.pick(new String[] {":path", "/small.txt"}, new String[] {":method", "GET"},
                    new String[] {":status", "200"}, new String[] {":protocol", "websocket"},
                    new String[] {":bogus", "x"})); // after the others, or twice
        }
        if (level == 2 && g.oneIn(3)) {
            java.util.Collections.shuffle(all, new java.util.Random(g.intIn(0, 1 << 20)));
        }
        return all;
    }

    private static String value(Props.Gen g, int level, String good, String... any) {
        return level == 0 || g.oneIn(3) ? good : g.pick(any);
    }

    private static byte[] download(Props.Gen g, int level, List<String[]> f) {
        f.add(new String[] {":method", value(g, level, g.pick("GET", "GET", "HEAD"), METHODS)});
        f.add(new String[] {":path", level == 0 ? g.pick("/data.bin", "/data.bin", "/small.txt", "/empty", "/dir/",
                "/no-such", "/\u00c3\u00a9.txt", "/%C3%A9.txt") : g.pick(FILE_TARGETS)});
        if (g.oneIn(2)) {
            f.add(new String[] {"range", level == 0 ? g.pick("bytes=0-9", "bytes=-5", "bytes=5-", "bytes=0-0,2-3,5-9",
                    "bytes=99999-", "bytes=0-99999999") : g.pick(RANGES)});
        }
        if (g.oneIn(4)) {
            f.add(new String[] {"if-range", g.bool() ? g.pick(TAGS) : g.pick(DATES)});
        }
        if (g.oneIn(4)) {
            f.add(new String[] {g.pick("if-none-match", "if-match"), g.pick(TAGS)});
        }
        if (g.oneIn(5)) {
            f.add(new String[] {g.pick("if-modified-since", "if-unmodified-since"), g.pick(DATES)});
        }
        if (g.oneIn(5)) {
            f.add(new String[] {g.pick("want-repr-digest", "want-content-digest", "accept-encoding"),
                g.pick("sha-256=5, sha-512=3", "sha-256=?", "gzip", "")});
        }
        return level > 0 && g.oneIn(6) ? g.bytes(g.intIn(0, 64)) : null;
    }

    private byte[] tus(Props.Gen g, int level, List<String[]> f) {
        String method = g.pick("POST", "POST", "PATCH", "PATCH", "PATCH", "HEAD", "DELETE", "OPTIONS");
        f.add(new String[] {":method", method});
        f.add(new String[] {":path", uploadTarget(g, tusUploads, method.equals("POST"))});
        if (!g.oneIn(10)) {
            f.add(new String[] {"tus-resumable", value(g, level, "1.0.0", TUS_VERSIONS)});
        }
        byte[] data = g.bytes(g.oneIn(10) ? g.intIn(0, 40_000) : g.intIn(0, 200));
        if (method.equals("POST")) {
            if (g.oneIn(3)) {
                f.add(new String[] {"upload-defer-length", value(g, level, "1", "0", "2", "")});
            } else {
                f.add(new String[] {"upload-length", value(g, level, String.valueOf(data.length), NUMBERS)});
            }
            if (g.oneIn(2)) {
                f.add(new String[] {"upload-metadata", value(g, level, METADATA[g.intIn(0, 1)], METADATA)});
            }
            if (g.oneIn(5)) {
                f.add(new String[] {"upload-concat", level == 0 ? "partial" : g.pick(CONCAT)});
            }
        }
        if (method.equals("PATCH") || (method.equals("POST") && g.oneIn(3))) {
            f.add(new String[] {"content-type", value(g, level, "application/offset+octet-stream", "text/plain", "")});
            if (method.equals("PATCH")) {
                f.add(new String[] {"upload-offset", value(g, level, "0", NUMBERS)});
            }
            if (g.oneIn(3)) {
                f.add(new String[] {"content-length", value(g, level, String.valueOf(data.length), NUMBERS)});
            }
            if (g.oneIn(4)) {
                f.add(new String[] {"upload-checksum", g.pick("sha1 AAAA", "md5 !!", "sha256 " + Base64.getEncoder()
                        .encodeToString(sha256(data)))});
            }
            return data;
        }
        if (g.oneIn(8)) {
            // A value with a space at either end is a malformed field in HTTP/2 (RFC 9113 section 8.2.1): not at level 0.
            f.add(new String[] {"x-http-method-override", level == 0 ? g.pick("PATCH", "DELETE", "HEAD")
                    : g.pick(METHOD_OVERRIDES)});
        }
        return null;
    }

    private byte[] ietf(Props.Gen g, int level, List<String[]> f) {
        String method = g.pick("POST", "POST", "PATCH", "PATCH", "HEAD", "DELETE", "OPTIONS");
        f.add(new String[] {":method", method});
        f.add(new String[] {":path", uploadTarget(g, ietfUploads, method.equals("POST"))});
        if (!g.oneIn(10)) {
            f.add(new String[] {"upload-draft-interop-version", value(g, level, g.pick("5", "6", "8", "10"),
                    IETF_VERSIONS)});
        }
        if (!method.equals("POST") && !method.equals("PATCH")) {
            return null;
        }
        byte[] data = g.bytes(g.oneIn(10) ? g.intIn(0, 40_000) : g.intIn(0, 200));
        f.add(new String[] {g.oneIn(5) ? "upload-incomplete" : "upload-complete", value(g, level, g.pick("?0", "?1"),
                BOOLEANS)});
        if (method.equals("PATCH") || g.oneIn(5)) {
            f.add(new String[] {"upload-offset", value(g, level, "0", NUMBERS)});
        }
        if (g.oneIn(3)) {
            f.add(new String[] {"upload-length", value(g, level, String.valueOf(data.length), NUMBERS)});
        }
        if (g.oneIn(2)) {
            f.add(new String[] {"content-type", g.pick("application/partial-upload", "application/offset+octet-stream",
                    "application/octet-stream")});
        }
        if (g.oneIn(5)) {
            f.add(new String[] {g.pick("content-digest", "repr-digest"), g.pick("sha-256=:AAAA:", "sha-256=:"
                    + Base64.getEncoder().encodeToString(sha256(data)) + ":", "sha-256=x")});
        }
        return data;
    }

    private String uploadTarget(Props.Gen g, List<String> known, boolean collection) {
        if (collection && !g.oneIn(6)) {
            return g.pick("/uploads/", "/uploads/", "/uploads/", "/uploads", "/uploads/?x=1");
        }
        return switch (g.intIn(0, 7)) {
            case 0 -> "/uploads/" + g.stringOf("0123456789abcdef", 0, 40);
            case 1 -> "/uploads/" + g.pick("..", "%2e%2e", "%00", "%", "a/b", "x%2Fy", ".carryon");
            case 2 -> g.pick(known) + g.pick("/", "/x", "?q", "%20");
            default -> g.pick(known);
        };
    }

    /** What HTTP/2 forbids or HTTP/1.1 made odd: connection-specific fields, upper case, controls, duplicates. */
    private void soup(Props.Gen g, List<String[]> f, int level) {
        for (int i = 0, n = g.intIn(0, 2); i < n; i++) {
            f.add(g.pick(new String[] {"connection", "close"}, new String[] {"te", "trailers"},
                    new String[] {"te", "gzip"}, new String[] {"transfer-encoding", "chunked"},
                    new String[] {"upgrade", "h2c"}, new String[] {"keep-alive", "1"},
                    new String[] {"proxy-connection", "x"}, new String[] {"expect", "100-continue"},
                    new String[] {"content-length", g.pick(NUMBERS)}, new String[] {"host", g.pick("fuzz", "other")},
                    new String[] {"cookie", "a=b"}, new String[] {"cookie", "c=d"},
                    new String[] {"origin", "https://example.test"}, new String[] {"x-latin", "caf\u00e9"}));
        }
        if (level == 2) {
            for (int i = 0, n = g.intIn(0, 2); i < n; i++) {
                f.add(g.pick(new String[] {"X-Upper", "x"}, new String[] {"x-nul", "a\u0000b"},
                        new String[] {"x-crlf", "a\r\nb"}, new String[] {"", "empty name"},
                        new String[] {"x space", "x"}, new String[] {"x-colon:", "x"},
                        new String[] {"x-del", "a\u007fb"}, new String[] {" x-lead", "x"},
                        new String[] {"x-ws", " padded "}));
            }
        }
        if (g.oneIn(12)) {
            f.add(new String[] {"x-huge", "v".repeat(g.pick(100, maxHeaderSize - 200, maxHeaderSize, maxHeaderSize * 2))});
        }
        if (g.oneIn(15)) {
            for (int i = 0, n = g.intIn(50, 400); i < n; i++) {
                f.add(new String[] {"x-many-" + i, "x"});
            }
        }
        if (g.oneIn(10) && !f.isEmpty()) {
            f.add(f.get(g.intIn(0, f.size() - 1)));
        }
    }

    // ---- attacks on the framing layer ----------------------------------------------------------------------

    /** Streams opened and cancelled at once, in a loop (CVE-2023-44487): Netty counts them and calls it off. */
    private static void rapidReset(Props.Gen g, Conn c) {
        c.kinds.add("rapid-reset");
        c.fatal = true;
        for (int i = 0, n = g.pick(10, 100, 250, 600); i < n; i++) {
            int s = c.stream();
            c.add(c.wire.headers(s, request("GET", g.pick("/data.bin", "/small.txt", "/uploads/")), g.bool()));
            c.add(c.wire.rst(s, 8));
        }
    }

    private static void settingsFlood(Props.Gen g, Conn c) {
        c.kinds.add("settings-flood");
        c.fatal = true;
        for (int i = 0, n = g.pick(20, 500, 3000); i < n; i++) {
            Http2Settings s = new Http2Settings();
            if (g.bool()) {
                s.headerTableSize(g.intIn(0, 8192));
            }
            if (g.bool()) {
                s.initialWindowSize(g.pick(MAX_WINDOW, 65_535, 1 << 20));
            }
            c.add(g.oneIn(10) ? c.wire.settingsAck() : c.wire.settings(s));
        }
    }

    private static void pingFlood(Props.Gen g, Conn c) {
        c.kinds.add("ping-flood");
        c.fatal = true;
        for (int i = 0, n = g.pick(1, 10, 1000, 12_000); i < n; i++) {
            c.add(c.wire.ping(g.oneIn(5), i));
        }
    }

    /** Increments that overflow a window past 2^31-1, zero increments, on idle and closed streams. */
    private static void windowUpdates(Props.Gen g, Conn c) {
        c.kinds.add("window-update");
        c.fatal = true;
        switch (g.intIn(0, 4)) {
            case 0 -> c.add(c.wire.windowUpdate(0, MAX_WINDOW)); // the connection window past the limit
            case 1 -> {
                int s = c.stream();
                c.add(c.wire.headers(s, request("GET", "/data.bin"), true));
                c.add(c.wire.windowUpdate(s, MAX_WINDOW));
                c.add(c.wire.windowUpdate(s, MAX_WINDOW));
            }
            case 2 -> c.add(H2Wire.frame(H2Wire.WINDOW_UPDATE, 0, g.pick(0, c.nextStream), new byte[4])); // zero
            case 3 -> c.add(c.wire.windowUpdate(c.nextStream + 2 * g.intIn(0, 10), g.intIn(1, 1000))); // idle stream
            default -> {
                int s = c.stream();
                c.add(c.wire.headers(s, request("HEAD", "/small.txt"), true));
                c.add(c.wire.rst(s, 0));
                c.add(c.wire.windowUpdate(s, g.intIn(1, MAX_WINDOW))); // a stream the client closed
            }
        }
    }

    /** A header block in endless CONTINUATION frames (CVE-2024-27316 and its kin), or CONTINUATION out of place. */
    private static void continuations(Props.Gen g, Conn c) {
        c.kinds.add("continuation");
        c.fatal = true;
        int s = c.stream();
        byte[] block = Hpack.literals(List.<String[]>of(new String[] {":method", "GET"}, new String[] {":scheme", "http"},
                new String[] {":authority", "fuzz"}, new String[] {":path", "/small.txt"}));
        switch (g.intIn(0, 3)) {
            case 0 -> { // empty or tiny CONTINUATIONs without end
                c.add(H2Wire.frame(H2Wire.HEADERS, 0x1, s, Arrays.copyOf(block, g.intIn(0, block.length))));
                for (int i = 0, n = g.pick(20, 1000, 10_000); i < n; i++) {
                    c.add(H2Wire.frame(H2Wire.CONTINUATION, 0, s, g.oneIn(2) ? new byte[0] : new byte[] {(byte) 0x80}));
                }
            }
            case 1 -> { // large CONTINUATIONs of literal fields, past any header list limit
                c.add(H2Wire.frame(H2Wire.HEADERS, 0x1, s, block));
                byte[] big = Hpack.literals(List.<String[]>of(new String[] {"x-big", "b".repeat(16_000)}));
                for (int i = 0, n = g.pick(2, 20, 200); i < n; i++) {
                    c.add(H2Wire.frame(H2Wire.CONTINUATION, 0, s, big));
                }
            }
            case 2 -> { // another frame between HEADERS and its CONTINUATION
                c.add(H2Wire.frame(H2Wire.HEADERS, 0x1, s, Arrays.copyOf(block, 5)));
                c.add(g.pick(c.wire.ping(false, 1), c.wire.data(s, new byte[1], true),
                        H2Wire.frame(H2Wire.CONTINUATION, 0x4, s + 2, new byte[0])));
                c.add(H2Wire.frame(H2Wire.CONTINUATION, 0x4, s, Arrays.copyOfRange(block, 5, block.length)));
            }
            default -> c.add(H2Wire.frame(H2Wire.CONTINUATION, g.pick(0, 4), g.pick(s, 1, 0), block)); // no HEADERS
        }
    }

    /**
     * Small header blocks that decode large: one long field put in the dynamic table, then referenced by a
     * one-byte index over and over; or a table size update past what the server allows.
     */
    private static void hpackBomb(Props.Gen g, Conn c) {
        c.kinds.add("hpack-bomb");
        c.fatal = true; // the table no longer matches the writer's
        int s = c.stream();
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        if (g.oneIn(3)) {
            Hpack.integer(block, 5, 0x20, g.pick(4097L, 1L << 20, 0xffff_ffffL, Long.MAX_VALUE >>> 7)); // size update
        }
        block.writeBytes(Hpack.literals(List.<String[]>of(new String[] {":method", "GET"}, new String[] {":scheme", "http"},
                new String[] {":authority", "fuzz"}, new String[] {":path", "/small.txt"})));
        block.write(0x40); // literal with incremental indexing, new name
        Hpack.string(block, "x-bomb");
        Hpack.string(block, "b".repeat(g.pick(100, 1000, 4000)));
        for (int i = 0, n = g.pick(10, 1000, 15_000); i < n; i++) {
            block.write(0x80 | 62); // the first entry of the dynamic table, again
        }
        byte[] b = block.toByteArray();
        int at = 0;
        boolean first = true;
        do { // frames of at most 16 KiB: HEADERS, then CONTINUATIONs
            int n = Math.min(16_384, b.length - at);
            int flags = (at + n == b.length ? 0x4 : 0) | (first ? 0x1 : 0);
            c.add(H2Wire.frame(first ? H2Wire.HEADERS : H2Wire.CONTINUATION, flags, s, Arrays.copyOfRange(b, at, at + n)));
            at += n;
            first = false;
        } while (at < b.length);
    }

    /** Well-formed requests whose header list exceeds the server's limit: one huge field, or very many. */
    private void oversizedHeaders(Props.Gen g, Conn c) {
        c.kinds.add("oversized-headers");
        c.fatal = true;
        Http2Headers h = request(g.pick("GET", "POST", "PATCH"), g.pick("/data.bin", "/uploads/"));
        if (g.bool()) {
            h.add("x-huge", "v".repeat(g.pick(maxHeaderSize, maxHeaderSize * 2, 70_000, 300_000)));
        } else {
            for (int i = 0, n = g.pick(200, 2000, 10_000); i < n; i++) {
                h.add("x-many-" + i, "x".repeat(g.intIn(1, 20)));
            }
        }
        c.add(c.wire.headers(c.stream(), h, true));
    }

    /** Frames for streams that are closed, idle, or the connection's own. */
    private static void closedStreams(Props.Gen g, Conn c) {
        c.kinds.add("closed-stream");
        c.fatal = true;
        int s = c.stream();
        switch (g.intIn(0, 5)) {
            case 0 -> { // DATA after the request ended
                c.add(c.wire.headers(s, request("GET", "/small.txt"), true));
                c.add(c.wire.data(s, g.bytes(g.intIn(0, 100)), g.bool()));
            }
            case 1 -> { // DATA after RST_STREAM
                c.add(c.wire.headers(s, request("POST", "/uploads/").add("tus-resumable", "1.0.0")
                        .add("upload-length", "10"), false));
                c.add(c.wire.rst(s, 8));
                c.add(c.wire.data(s, g.bytes(10), true));
            }
            case 2 -> c.add(c.wire.data(g.pick(0, s + 2 * g.intIn(1, 5)), g.bytes(g.intIn(0, 100)), true)); // idle or 0
            case 3 -> { // a stream id lower than one already used
                c.add(c.wire.headers(s, request("GET", "/small.txt"), true));
                c.add(c.wire.headers(Math.max(1, s - 2), request("GET", "/small.txt"), true));
            }
            case 4 -> { // HEADERS again on an ended stream (trailers after the end)
                c.add(c.wire.headers(s, request("GET", "/small.txt"), true));
                c.add(c.wire.headers(s, new DefaultHttp2Headers(false).add("x", "y"), true));
            }
            default -> { // RST_STREAM on an idle stream, or on stream 0
                c.add(c.wire.rst(g.pick(0, s), g.pick(0L, 1L, 0xffff_ffffL)));
            }
        }
    }

    /** One frame that breaks a rule of RFC 9113 section 6: its length, its stream, its flags, its values. */
    private static void badFrame(Props.Gen g, Conn c) {
        c.kinds.add("bad-frame");
        c.fatal = true;
        int s = c.nextStream;
        byte[] frame = switch (g.intIn(0, 21)) {
            case 0 -> H2Wire.frame(H2Wire.PING, 0, 0, new byte[g.pick(0, 7, 9, 64)]);
            case 1 -> H2Wire.frame(H2Wire.PING, 0, g.pick(1, 3), new byte[8]);
            case 2 -> H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[g.pick(1, 5, 7, 13)]);
            case 3 -> H2Wire.frame(H2Wire.SETTINGS, 1, 0, new byte[6]); // an ACK with a payload
            case 4 -> H2Wire.frame(H2Wire.SETTINGS, 0, g.pick(1, 3), new byte[0]);
            case 5 -> H2Wire.frame(H2Wire.SETTINGS, 0, 0, setting(g.pick(2, 3, 4, 5, 6, 8, 0, 0x99),
                    g.pick(2L, 0xffff_ffffL, 0x8000_0000L, 100L, 16_777_216L, 0L)));
            case 6 -> H2Wire.frame(H2Wire.WINDOW_UPDATE, 0, g.pick(0, s), new byte[g.pick(0, 3, 5, 8)]);
            case 7 -> H2Wire.frame(H2Wire.RST_STREAM, 0, s, new byte[g.pick(0, 3, 5)]);
            case 8 -> H2Wire.frame(H2Wire.PRIORITY, 0, s, new byte[g.pick(0, 4, 6)]);
            case 9 -> H2Wire.frame(H2Wire.PRIORITY, 0, s, new byte[] {(byte) (s >>> 24), (byte) (s >>> 16),
                (byte) (s >>> 8), (byte) s, 16}); // depends on itself
            case 10 -> H2Wire.frame(H2Wire.GOAWAY, 0, g.pick(0, 1), new byte[g.pick(0, 4, 7)]);
            case 11 -> H2Wire.frame(H2Wire.PUSH_PROMISE, 0x4, s, new byte[] {0, 0, 0, 2, (byte) 0x82});
            case 12 -> H2Wire.frame(g.intIn(0x0a, 0xff), g.intIn(0, 255), g.pick(0, s, 0x7fff_ffff),
                    g.bytes(g.intIn(0, 100))); // unknown types are to be ignored
            case 13 -> H2Wire.frame(g.pick(70_000, 16_777_215, 65_537), H2Wire.DATA, 0, s,
                    g.bytes(g.intIn(0, 100))); // declared past the server's max frame size
            case 14 -> H2Wire.frame(H2Wire.HEADERS, 0x5, 0, Hpack.literals(List.<String[]>of(new String[] {":method", "GET"})));
            case 15 -> H2Wire.frame(H2Wire.HEADERS, 0x5, s + 1, Hpack.literals(List.<String[]>of(
                    new String[] {":method", "GET"}, new String[] {":scheme", "http"}, new String[] {":path", "/"})));
            case 16 -> H2Wire.frame(H2Wire.HEADERS, 0x5 | 0x8, s, new byte[] {(byte) 200, (byte) 0x82}); // pad > len
            case 17 -> H2Wire.frame(H2Wire.HEADERS, 0x5 | 0x20, s, new byte[] {0, 0, 0, 0}); // priority, no block
            case 18 -> H2Wire.frame(H2Wire.HEADERS, 0x5, s | 0x8000_0000, Hpack.literals(List.<String[]>of(
                    new String[] {":method", "GET"}, new String[] {":scheme", "http"}, new String[] {":path", "/"}))); // R bit
            case 19 -> H2Wire.frame(H2Wire.HEADERS, 0x5, s, g.bytes(g.intIn(1, 40))); // not HPACK
            case 20 -> c.wire.goAway(g.intIn(0, 10), g.pick(0L, 1L, 0xffL)); // the client leaves, then goes on
            default -> H2Wire.frame(H2Wire.SETTINGS, 0, 0, setting(0x4, 0x7fff_ffffL)); // a window as big as allowed
        };
        c.add(frame);
        c.nextStream += 2;
    }

    private static byte[] setting(int id, long value) {
        return ByteBuffer.allocate(6).putShort((short) id).putInt((int) value).array();
    }

    /** Frames of any type, flags, stream and payload, some with a declared length that is not the payload's. */
    private static void randomFrames(Props.Gen g, Conn c) {
        c.kinds.add("random-frames");
        c.fatal = true;
        for (int i = 0, n = g.intIn(1, 20); i < n; i++) {
            byte[] payload = g.bytes(g.oneIn(10) ? g.intIn(0, 20_000) : g.intIn(0, 40));
            int length = g.oneIn(5) ? g.intIn(0, 100) : -1;
            c.add(H2Wire.frame(length, g.intIn(0, 12), g.intIn(0, 255), g.pick(0, 1, c.nextStream, g.intIn(0, 1 << 20)),
                    payload));
        }
    }

    /** PRIORITY frames for many streams (no more than state kept per stream, RFC 9113 deprecates them). */
    private static void priorities(Props.Gen g, Conn c) {
        c.kinds.add("priority");
        for (int i = 0, n = g.pick(1, 100, 5000); i < n; i++) {
            int s = c.nextStream + 2 * g.intIn(0, 1000);
            c.add(c.wire.priority(s, g.pick(0, c.nextStream, s + 2), (short) g.intIn(1, 256), g.bool()));
        }
        c.wellFormed = false; // PRIORITY for idle streams is allowed, but the server may count it as a flood
    }

    // ---- bytes ---------------------------------------------------------------------------------------------

    private static byte[] mutate(Props.Gen g, byte[] b) {
        if (g.oneIn(2)) {
            return Mutator.mutate(g, b);
        }
        byte[] c = b.clone();
        for (int i = 0, n = g.intIn(1, 8); i < n; i++) {
            c[g.intIn(0, c.length - 1)] ^= (byte) (1 << g.intIn(0, 7)); // bit flips: lengths, flags, ids, HPACK
        }
        return c;
    }

    private static List<byte[]> split(Props.Gen g, byte[] bytes) {
        List<byte[]> writes = new ArrayList<>();
        int pieces = g.oneIn(3) ? g.intIn(2, 4) : 1;
        int at = 0;
        for (int i = 1; i < pieces && at < bytes.length - 1; i++) {
            int cut = g.intIn(at + 1, bytes.length - 1);
            writes.add(Arrays.copyOfRange(bytes, at, cut));
            at = cut;
        }
        writes.add(Arrays.copyOfRange(bytes, at, bytes.length));
        return writes;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** HPACK (RFC 7541) by hand, for blocks Netty's encoder would not write. */
    static final class Hpack {
        private Hpack() {
        }

        /** Every field as a literal without indexing and with a new name: the dynamic table stays as it was. */
        static byte[] literals(List<String[]> fields) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String[] f : fields) {
                out.write(0x00);
                string(out, f[0]);
                string(out, f[1]);
            }
            return out.toByteArray();
        }

        static void string(ByteArrayOutputStream out, String s) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            integer(out, 7, 0x00, b.length);
            out.writeBytes(b);
        }

        static void integer(ByteArrayOutputStream out, int prefixBits, int flags, long value) {
            int max = (1 << prefixBits) - 1;
            if (value < max) {
                out.write(flags | (int) value);
                return;
            }
            out.write(flags | max);
            value -= max;
            while (value >= 128) {
                out.write((int) (value & 0x7f) | 0x80);
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
