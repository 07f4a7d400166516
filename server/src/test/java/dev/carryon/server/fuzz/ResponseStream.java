package dev.carryon.server.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The responses in everything a connection received, read in order: status line, fields, then the body by its
 * framing. The fuzzer does not know which of its (mutated) requests the server took for a HEAD, so when the
 * client sent a HEAD at all, a Content-Length body that begins with another status line, or that is absent at the
 * end of the stream, is taken for the answer to a HEAD: none of the files served in the fuzz test begin with
 * "HTTP/1.".
 *
 * @param responses    the heads read, in order
 * @param malformed    why the bytes are not a sequence of responses, or null
 * @param lastComplete false when the stream ended inside the last response
 * @param switched     a 101 was read: what follows it is another protocol and is not parsed
 */
record ResponseStream(List<Head> responses, String malformed, boolean lastComplete, boolean switched) {

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([1-5][0-9][0-9]) [\\x20-\\x7e]*");

    /** One response head: its status line and fields (names as sent). */
    record Head(String statusLine, int status, List<String[]> fields) {
        String field(String name) {
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    return f[1];
                }
            }
            return null;
        }
    }

    static ResponseStream parse(byte[] bytes, boolean headSent) {
        return new Parser(bytes, headSent).run();
    }

    private static final class Parser {
        private final byte[] b;
        private final boolean headSent;
        private int pos;
        private final List<Head> heads = new ArrayList<>();

        Parser(byte[] b, boolean headSent) {
            this.b = b;
            this.headSent = headSent;
        }

        ResponseStream run() {
            while (pos < b.length) {
                int start = pos;
                String statusLine = line();
                if (statusLine == null) {
                    return end(false, null);
                }
                Matcher m = STATUS_LINE.matcher(statusLine);
                if (!m.matches()) {
                    return end(true, "not a status line at byte " + start + ": " + Escapes.of(statusLine));
                }
                int status = Integer.parseInt(m.group(1));
                List<String[]> fields = new ArrayList<>();
                String line;
                while ((line = line()) != null && !line.isEmpty()) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        return end(true, "not a header field: " + Escapes.of(line));
                    }
                    fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
                }
                Head head = new Head(statusLine, status, fields);
                heads.add(head);
                if (line == null) {
                    return end(false, null);
                }
                if (status == 101) {
                    return new ResponseStream(heads, null, true, true);
                }
                if (status / 100 == 1 || status == 204 || status == 304) {
                    continue;
                }
                String te = head.field("Transfer-Encoding");
                String cl = head.field("Content-Length");
                if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                    try {
                        if (!chunked()) {
                            return end(false, null);
                        }
                    } catch (NumberFormatException e) {
                        return end(true, "a chunk size " + e.getMessage());
                    }
                } else if (cl != null) {
                    long length;
                    try {
                        length = Long.parseLong(cl);
                    } catch (NumberFormatException e) {
                        return end(true, "Content-Length " + cl);
                    }
                    boolean noBody = headSent && (pos == b.length || startsWithStatusLine(pos));
                    if (!noBody) {
                        if (b.length - pos < length) {
                            return end(false, null);
                        }
                        pos += (int) length;
                    }
                } else {
                    pos = b.length; // delimited by the close
                }
            }
            return end(true, null);
        }

        private ResponseStream end(boolean complete, String malformed) {
            return new ResponseStream(heads, malformed, complete, false);
        }

        private boolean startsWithStatusLine(int at) {
            byte[] prefix = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);
            if (b.length - at < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (b[at + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private boolean chunked() {
            while (true) {
                String size = line();
                if (size == null) {
                    return false;
                }
                long n = Long.parseLong(size.split(";")[0].strip(), 16);
                if (n == 0) {
                    String trailer;
                    while ((trailer = line()) != null && !trailer.isEmpty()) {
                        // trailer fields are not checked
                    }
                    return trailer != null;
                }
                if (b.length - pos < n + 2) {
                    return false;
                }
                pos += (int) n + 2;
            }
        }

        /** A CRLF-terminated line without its CRLF; null when the bytes end first. */
        private String line() {
            for (int i = pos; i + 1 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n') {
                    String s = new String(b, pos, i - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 2;
                    return s;
                }
            }
            pos = b.length;
            return null;
        }
    }
}
