package dev.carryon.server.fuzz;

import dev.carryon.core.Props;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One request as the generator builds it: request line, field lines as written (any bytes), and body bytes. */
final class Head {

    final String method;
    final String target;
    /** A request line given whole (garbage), instead of method and target. */
    String rawStart;
    final List<String> fields = new ArrayList<>();
    private byte[] body = new byte[0];

    Head(String method, String target) {
        this.method = method;
        this.target = target;
    }

    void field(String name, String value) {
        fields.add(name + ": " + value);
    }

    void raw(String line) {
        fields.add(line);
    }

    void contentLength(String value, byte[] data) {
        field("Content-Length", value);
        body = data;
    }

    /** A chunked body, well-formed or broken in one of the ways chunk decoders get wrong. */
    void chunked(Props.Gen g, byte[] data, boolean wellFormed) {
        field("Transfer-Encoding", g.oneIn(6) ? g.pick("Chunked", "chunked ", "gzip, chunked") : "chunked");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int at = 0;
        int chunks = g.intIn(1, 4);
        for (int i = 0; i < chunks && at < data.length; i++) {
            int n = i == chunks - 1 ? data.length - at : g.intIn(1, data.length - at);
            latin1(b, Integer.toHexString(n) + (g.oneIn(6) ? ";ext=" + g.pick("1", "\"q\"", "") : "") + "\r\n");
            b.write(data, at, n);
            latin1(b, "\r\n");
            at += n;
        }
        if (wellFormed) {
            latin1(b, "0\r\n");
            if (g.oneIn(3)) {
                latin1(b, g.pick("Upload-Checksum: sha1 AAAA\r\n", "X-Trailer: x\r\n", "Content-Length: 5\r\n",
                        "Upload-Checksum: sha256 " + "A".repeat(44) + "\r\n"));
            }
            latin1(b, "\r\n");
            body = b.toByteArray();
            return;
        }
        String broken = g.pick("ffffffffffffffffffff\r\nabc", "-1\r\nx\r\n0\r\n\r\n", "1x\r\nx\r\n0\r\n\r\n",
                " 5\r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "5\r\nhe",
                "10\r\nhello\r\n0\r\n\r\n", "0\r\nX-Nul: a\u0000b\r\n\r\n", "5\nhello\n0\n\n",
                "7fffffffffffffff\r\nabc", "80000000\r\nabc", "5;" + "e".repeat(20_000) + "\r\nhello\r\n0\r\n\r\n",
                "0\r\n", "0\r\nbad trailer\r\n\r\n", "+5\r\nhello\r\n0\r\n\r\n", "\r\n\r\n");
        latin1(b, broken);
        body = b.toByteArray();
    }

    /** The bytes of the request; above level 0, with odd versions, spaces, line ends and no Host now and then. */
    byte[] serialise(Props.Gen g, int level) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        boolean odd = level > 0;
        String eol = odd && g.oneIn(20) ? "\n" : "\r\n";
        String sp = odd && g.oneIn(15) ? g.pick("  ", "\t", " \t") : " ";
        if (rawStart != null) {
            latin1(b, rawStart + eol);
        } else {
            String version = odd && g.oneIn(8) ? g.pick(Vocabulary.VERSIONS) : "HTTP/1.1";
            latin1(b, method + sp + target + sp + version + eol);
        }
        if (!odd || !g.oneIn(15)) {
            latin1(b, "Host: fuzz" + eol);
        }
        for (String f : fields) {
            latin1(b, f + (odd && g.oneIn(40) ? "\n" : eol));
        }
        latin1(b, eol);
        b.writeBytes(body);
        return b.toByteArray();
    }

    private static void latin1(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
