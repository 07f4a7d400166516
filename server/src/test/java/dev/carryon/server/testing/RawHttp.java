package dev.carryon.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, byte for byte: for requests no well-behaved client would send and for
 * asserting exactly what came back (status line, every header as sent, the body, whether it was complete).
 */
public final class RawHttp implements AutoCloseable {

    /** A parsed response. {@code complete} is false when the connection ended before Content-Length bytes. */
    public record Response(String statusLine, int status, List<String[]> headerList, byte[] body, boolean complete) {

        /** The first value of a header, case-insensitively; null if absent. */
        public String header(String name) {
            for (String[] h : headerList) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            for (String[] h : headerList) {
                if (h[0].equalsIgnoreCase(name)) {
                    out.add(h[1]);
                }
            }
            return out;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(String host, int port) {
        try {
            socket = new Socket(host, port);
            socket.setSoTimeout(15_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Over a socket the caller connected (small buffers, TLS); a read timeout of 15 s unless one is set. */
    public RawHttp(Socket connected) {
        try {
            socket = connected;
            if (socket.getSoTimeout() == 0) {
                socket.setSoTimeout(15_000);
            }
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection whose receive buffer is set before connecting, so that the TCP window stays that small. */
    public static RawHttp withReceiveBuffer(String host, int port, int bytes) {
        Socket s = new Socket();
        try {
            s.setReceiveBufferSize(bytes);
            s.connect(new java.net.InetSocketAddress(host, port), 5_000);
            return new RawHttp(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException(e);
        }
    }

    public Socket socket() {
        return socket;
    }

    /** The raw input: after {@link #readHead()}, the body of that response, for reading at the test's own pace. */
    public InputStream input() {
        return in;
    }

    /** Sends text as ISO-8859-1 bytes, exactly as given (write your own CRLFs). */
    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GET with a Host header and any extra header lines ("Name: value"). */
    public RawHttp get(String target, String... headers) {
        return request("GET", target, headers);
    }

    public RawHttp request(String method, String target, String... headers) {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: test\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return send(b.append("\r\n").toString());
    }

    /** Reads one response; the body is read by Content-Length or chunked coding, none for HEAD. */
    public Response read() {
        return read(false);
    }

    public Response readHead() {
        return read(true);
    }

    private Response read(boolean toHead) {
        try {
            String statusLine = line();
            if (statusLine == null) {
                throw new IOException("the connection closed before a response");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            List<String[]> headers = new ArrayList<>();
            String line;
            while ((line = line()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            Response head = new Response(statusLine, status, headers, new byte[0], true);
            if (toHead || status == 204 || status == 304 || status / 100 == 1) {
                return head;
            }
            String te = head.header("Transfer-Encoding");
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                return chunked(head);
            }
            String cl = head.header("Content-Length");
            long length = cl == null ? Long.MAX_VALUE : Long.parseLong(cl);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            long remaining = length;
            while (remaining > 0) {
                int n;
                try {
                    n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                } catch (IOException e) {
                    n = -1; // a reset is an end as well
                }
                if (n < 0) {
                    break;
                }
                body.write(buf, 0, n);
                remaining -= n;
            }
            boolean complete = cl == null || body.size() == length;
            return new Response(statusLine, status, headers, body.toByteArray(), complete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Response chunked(Response head) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            if (sizeLine == null) {
                return new Response(head.statusLine(), head.status(), head.headerList(), body.toByteArray(), false);
            }
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                while (true) {
                    String trailer = line();
                    if (trailer == null || trailer.isEmpty()) {
                        break;
                    }
                }
                return new Response(head.statusLine(), head.status(), head.headerList(), body.toByteArray(), true);
            }
            body.write(in.readNBytes(size));
            line();
        }
    }

    /** True when the server closes the connection within the socket timeout, having sent nothing more. */
    public boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * A request built by {@link #request} on a new connection, its response (headers only for HEAD), and the
     * connection closed by the client.
     */
    public static Response once(int port, String method, String target, String... headers) {
        try (RawHttp http = new RawHttp("127.0.0.1", port)) {
            http.request(method, target, headers);
            return method.equals("HEAD") ? http.readHead() : http.read();
        }
    }

    /** The header lines of a response as "name: value" (name lower-cased), without the ones named. */
    public static List<String> headerLines(Response r, String... except) {
        List<String> out = new ArrayList<>();
        outer:
        for (String[] h : r.headerList()) {
            for (String e : except) {
                if (h[0].equalsIgnoreCase(e)) {
                    continue outer;
                }
            }
            out.add(h[0].toLowerCase(Locale.ROOT) + ": " + h[1]);
        }
        return out;
    }

    /** One request on a new connection; the response; the connection closed. */
    public static Response exchange(int port, String request) {
        try (RawHttp http = new RawHttp("127.0.0.1", port)) {
            return http.send(request).read();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
