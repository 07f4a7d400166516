package dev.carryon.client.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A loopback TCP proxy in front of a real HTTP/1.1 server that injects faults, one {@link Fault} per response:
 * cut the connection after N body bytes (FIN or RST), stall, rewrite Content-Range, turn a ranged request into
 * a request for the whole file (so the client gets a 200), answer by itself (503 with Retry-After, 404, ...),
 * corrupt one byte of a body, drop the validators, add header fields.
 *
 * <p>Faults come from a script (a queue, one per response, in arrival order) and, when the script is empty,
 * from a rule ({@link #otherwise}); {@link #randomCuts} is a seeded rule. It understands just enough HTTP/1.1:
 * request bodies framed by Content-Length or chunked (which a fault may cut or corrupt too: uploads), sent after
 * the server's 100 when the request expects one, responses framed by Content-Length, chunked or the end of the
 * connection.
 * Plain blocking sockets, a thread per client connection; {@link #close()} ends every thread.
 */
public final class FaultProxy implements AutoCloseable {

    /** A request as the proxy saw it (before any rewriting). */
    public record Request(String method, String target, List<String[]> headers) {
        public String header(String name) {
            return FaultProxy.header(headers, name);
        }

        @Override
        public String toString() {
            return method + " " + target + (header("range") == null ? "" : " Range: " + header("range"))
                    + (header("if-range") == null ? "" : " If-Range: " + header("if-range"));
        }
    }

    /**
     * One request and what became of it, in the order requests arrived; {@code status} is 0 until the response
     * head is known, and {@code bodyBytes} counts what was sent so far (final once the response is over).
     */
    public record Exchange(Request request, int status, List<String[]> responseHeaders, long bodyBytes,
                           Fault fault) {
        public String responseHeader(String name) {
            return FaultProxy.header(responseHeaders, name);
        }
    }

    /** What to do to one response. Immutable: every method returns a new fault. */
    public static final class Fault {
        private long cutAfter = -1;
        private boolean reset;
        private long stallAfter = -1;
        private Duration stall = Duration.ZERO;
        private UnaryOperator<String> contentRange;
        private boolean whole;
        private int status;
        private List<String[]> statusHeaders = List.of();
        private long corruptAt = -1;
        private boolean dropValidators;
        private boolean weakValidators;
        private List<String[]> addHeaders = List.of();
        private Runnable onRequest;
        private long requestCutAfter = -1;
        private long requestCorruptAt = -1;
        private long requestStallAfter = -1;
        private Duration requestStall = Duration.ZERO;
        private String label = "pass";

        private Fault copy(String what) {
            Fault f = new Fault();
            f.cutAfter = cutAfter;
            f.reset = reset;
            f.stallAfter = stallAfter;
            f.stall = stall;
            f.contentRange = contentRange;
            f.whole = whole;
            f.status = status;
            f.statusHeaders = statusHeaders;
            f.corruptAt = corruptAt;
            f.dropValidators = dropValidators;
            f.weakValidators = weakValidators;
            f.addHeaders = addHeaders;
            f.onRequest = onRequest;
            f.requestCutAfter = requestCutAfter;
            f.requestCorruptAt = requestCorruptAt;
            f.requestStallAfter = requestStallAfter;
            f.requestStall = requestStall;
            f.label = label.equals("pass") ? what : label + "+" + what;
            return f;
        }

        /** Forward as it is. */
        public static Fault pass() {
            return new Fault();
        }

        /** Close the connection (FIN) after {@code n} body bytes. */
        public Fault cutAfter(long n) {
            Fault f = copy("cut@" + n);
            f.cutAfter = n;
            return f;
        }

        /** Reset the connection (RST) after {@code n} body bytes. */
        public Fault resetAfter(long n) {
            Fault f = copy("reset@" + n);
            f.cutAfter = n;
            f.reset = true;
            return f;
        }

        /** Send nothing for {@code d} after {@code n} body bytes, then go on (if the client is still there). */
        public Fault stallAfter(long n, Duration d) {
            Fault f = copy("stall@" + n + "for" + d.toMillis() + "ms");
            f.stallAfter = n;
            f.stall = d;
            return f;
        }

        /** Rewrite the Content-Range value (the operator gets the value, may return null to drop it). */
        public Fault contentRange(UnaryOperator<String> rewrite) {
            Fault f = copy("content-range");
            f.contentRange = rewrite;
            return f;
        }

        /** Ask upstream without Range and If-Range: the client gets a 200 of the whole file. */
        public Fault whole() {
            Fault f = copy("whole");
            f.whole = true;
            return f;
        }

        /** Answer by itself with this status and an empty body (plus these header fields); upstream is not asked. */
        public Fault answer(int code, String... nameValue) {
            Fault f = copy("answer" + code);
            f.status = code;
            List<String[]> h = new ArrayList<>();
            for (int i = 0; i + 1 < nameValue.length; i += 2) {
                h.add(new String[] {nameValue[i], nameValue[i + 1]});
            }
            f.statusHeaders = List.copyOf(h);
            return f;
        }

        /** 503 Service Unavailable with Retry-After in seconds. */
        public static Fault unavailable(int retryAfterSeconds) {
            return pass().answer(503, "Retry-After", Integer.toString(retryAfterSeconds));
        }

        /** Flip every bit of the body byte at {@code offset} (counted from the start of this response's body). */
        public Fault corruptAt(long offset) {
            Fault f = copy("corrupt@" + offset);
            f.corruptAt = offset;
            return f;
        }

        /** Remove ETag and Last-Modified from the response. */
        public Fault dropValidators() {
            Fault f = copy("no-validators");
            f.dropValidators = true;
            return f;
        }

        /** Make the ETag weak ({@code W/"..."}) and remove Last-Modified: no strong validator is left. */
        public Fault weakValidators() {
            Fault f = copy("weak-validators");
            f.weakValidators = true;
            return f;
        }

        /** Add a header field to the response (replacing one of the same name); a null value removes it. */
        public Fault header(String name, String value) {
            Fault f = copy("header " + name);
            List<String[]> h = new ArrayList<>(addHeaders);
            h.add(new String[] {name, value});
            f.addHeaders = List.copyOf(h);
            return f;
        }

        /** Runs {@code action} when the request arrives, before anything is forwarded. */
        public Fault onRequest(Runnable action) {
            Fault f = copy("hook");
            f.onRequest = action;
            return f;
        }

        /**
         * Forward {@code n} bytes of the request's body (its data, not counting chunk framing), then close both
         * connections: the server sees a body that stops, the client a connection gone mid-request.
         */
        public Fault cutRequestAfter(long n) {
            Fault f = copy("request-cut@" + n);
            f.requestCutAfter = n;
            return f;
        }

        /** Flip every bit of the request body's data byte at {@code offset} (chunk framing not counted). */
        public Fault corruptRequestAt(long offset) {
            Fault f = copy("request-corrupt@" + offset);
            f.requestCorruptAt = offset;
            return f;
        }

        /**
         * Forward {@code n} bytes of the request's body (its data), then forward nothing for {@code d}, then go
         * on: the server sees a body that falls silent, the client a request that stops moving.
         */
        public Fault stallRequestAfter(long n, Duration d) {
            Fault f = copy("request-stall@" + n + "for" + d.toMillis() + "ms");
            f.requestStallAfter = n;
            f.requestStall = d;
            return f;
        }

        public boolean isPass() {
            return label.equals("pass");
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Deque<Fault> script = new ArrayDeque<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicLong requestBodyBytes = new AtomicLong();
    private volatile Function<Request, Fault> otherwise = r -> Fault.pass();
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port in front of {@code upstream}. */
    public static FaultProxy start(InetSocketAddress upstream) throws IOException {
        return new FaultProxy(upstream);
    }

    public static FaultProxy start(String host, int port) throws IOException {
        return new FaultProxy(new InetSocketAddress(host, port));
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT/} */
    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /** Appends faults for the next responses, one each, in the order requests arrive. */
    public FaultProxy script(Fault... faults) {
        synchronized (script) {
            script.addAll(List.of(faults));
        }
        return this;
    }

    /** The fault for a response when the script is empty. */
    public FaultProxy otherwise(Function<Request, Fault> rule) {
        this.otherwise = rule;
        return this;
    }

    /** Drops the script and goes back to passing everything. */
    public FaultProxy clear() {
        synchronized (script) {
            script.clear();
        }
        otherwise = r -> Fault.pass();
        return this;
    }

    /** Faults still scripted. */
    public int scripted() {
        synchronized (script) {
            return script.size();
        }
    }

    /**
     * A rule that cuts every response with a body after a number of body bytes drawn uniformly from
     * {@code [min, max]} by a seeded random (RST when {@code reset}); the sequence is the same on every run.
     */
    public static Function<Request, Fault> randomCuts(long seed, long min, long max, boolean reset) {
        Random random = new Random(seed);
        return r -> {
            long n;
            synchronized (random) {
                n = min + (long) (random.nextDouble() * (max - min + 1));
            }
            return reset ? Fault.pass().resetAfter(n) : Fault.pass().cutAfter(n);
        };
    }

    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Requests seen with this method. */
    public long count(String method) {
        return exchanges.stream().filter(e -> e.request().method().equals(method)).count();
    }

    /** Body bytes sent to clients, all responses together. */
    public long bodyBytes() {
        return bodyBytes.get();
    }

    /** Request body data bytes forwarded upstream, all requests together. */
    public long requestBodyBytes() {
        return requestBodyBytes.get();
    }

    // ---- the proxy ----

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(client);
            Thread t = new Thread(() -> {
                try {
                    serve(client);
                } finally {
                    threads.remove(Thread.currentThread());
                }
            }, "fault-proxy-conn");
            t.setDaemon(true);
            threads.add(t);
            if (closed) {
                quietly(client);
                return;
            }
            t.start();
        }
    }

    private Fault next(Request r) {
        synchronized (script) {
            Fault f = script.pollFirst();
            if (f != null) {
                return f;
            }
        }
        Fault f = otherwise.apply(r);
        return f == null ? Fault.pass() : f;
    }

    private void serve(Socket client) {
        Socket up = null;
        try {
            client.setTcpNoDelay(true);
            InputStream cin = new BufferedInputStream(client.getInputStream(), 1 << 16);
            OutputStream cout = client.getOutputStream();
            InputStream uin = null;
            OutputStream uout = null;
            while (!closed) {
                Head req = readHead(cin);
                if (req == null) {
                    return;
                }
                String[] line = req.first.split(" ", 3);
                Request request = new Request(line[0], line.length > 1 ? line[1] : "", List.copyOf(req.headers));
                Fault fault = next(request);
                int slot;
                synchronized (exchanges) {
                    exchanges.add(new Exchange(request, 0, List.of(), -1, fault));
                    slot = exchanges.size() - 1;
                }
                if (fault.onRequest != null) {
                    fault.onRequest.run();
                }
                if (fault.status > 0) {
                    // the request's body is read and dropped, so the next request on this connection parses
                    if (!relayRequestBody(req, cin, OutputStream.nullOutputStream(), Fault.pass(), false)) {
                        return;
                    }
                    List<String[]> headers = new ArrayList<>(fault.statusHeaders);
                    headers.add(new String[] {"Content-Length", "0"});
                    Head answer = new Head("HTTP/1.1 " + fault.status + " " + reason(fault.status), headers);
                    cout.write(answer.bytes());
                    cout.flush();
                    exchanges.set(slot, new Exchange(request, fault.status, List.copyOf(headers), 0, fault));
                    continue;
                }
                if (up == null) {
                    up = new Socket();
                    sockets.add(up);
                    up.connect(upstream, 5000);
                    up.setTcpNoDelay(true);
                    uin = new BufferedInputStream(up.getInputStream(), 1 << 16);
                    uout = up.getOutputStream();
                }
                Head forward = fault.whole ? req.without("range", "if-range") : req;
                uout.write(forward.bytes());
                Head resp = null;
                String expect = req.header("expect");
                if (expect != null && expect.strip().equalsIgnoreCase("100-continue")) {
                    // The client sends its body only after the server's 100 (Java's HttpURLConnection waits 5 s
                    // for it, then sends anyway): pass the interim answer on, or a final one that refuses the body.
                    uout.flush();
                    resp = readHead(uin);
                    if (resp != null && resp.status() == 100) {
                        cout.write(resp.bytes());
                        cout.flush();
                        resp = null;
                    }
                }
                if (resp == null) {
                    if (!relayRequestBody(req, cin, uout, fault, true)) {
                        exchanges.set(slot, new Exchange(request, 0, List.of(), 0, fault));
                        return; // cut: both connections close
                    }
                    uout.flush();
                    resp = readHead(uin);
                }
                while (resp != null && resp.status() >= 100 && resp.status() < 200) {
                    cout.write(resp.bytes());
                    resp = readHead(uin);
                }
                if (resp == null) {
                    return; // upstream went away: so does the client's connection
                }
                int status = resp.status();
                exchanges.set(slot, new Exchange(request, status, List.copyOf(resp.headers), 0, fault));
                if (fault.dropValidators) {
                    resp = resp.without("etag", "last-modified");
                }
                if (fault.weakValidators) {
                    String etag = resp.header("etag");
                    resp = resp.without("etag", "last-modified");
                    if (etag != null) {
                        resp = resp.with("ETag", etag.startsWith("W/") ? etag : "W/" + etag);
                    }
                }
                if (fault.contentRange != null && resp.header("content-range") != null) {
                    String rewritten = fault.contentRange.apply(resp.header("content-range"));
                    resp = resp.without("content-range");
                    if (rewritten != null) {
                        resp = resp.with("Content-Range", rewritten);
                    }
                }
                for (String[] h : fault.addHeaders) {
                    resp = resp.without(h[0]);
                    if (h[1] != null) {
                        resp = resp.with(h[0], h[1]);
                    }
                }
                boolean bodyless = request.method().equals("HEAD") || status == 204 || status == 304;
                String te = resp.header("transfer-encoding");
                boolean chunked = te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
                String cl = resp.header("content-length");
                long length = bodyless ? 0 : chunked ? -2 : cl != null ? Long.parseLong(cl.strip()) : -1;
                cout.write(resp.bytes());
                long[] sent = {0};
                boolean cut;
                try {
                    cut = relay(uin, cout, length, fault, sent);
                } finally {
                    exchanges.set(slot, new Exchange(request, status, List.copyOf(resp.headers), sent[0], fault));
                }
                if (cut) {
                    if (fault.reset) {
                        client.setSoLinger(true, 0);
                    }
                    return;
                }
                String conn = resp.header("connection");
                String reqConn = request.header("connection");
                if (length == -1 || (conn != null && conn.toLowerCase(Locale.ROOT).contains("close"))
                        || (reqConn != null && reqConn.toLowerCase(Locale.ROOT).contains("close"))
                        || resp.first.startsWith("HTTP/1.0") && (conn == null || !conn.toLowerCase(Locale.ROOT).contains("keep-alive"))) {
                    return;
                }
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            quietly(client);
            if (up != null) {
                quietly(up);
            }
        }
    }

    /**
     * Copies a body (length: bytes, -1 up to the end of the connection, -2 chunked, counted as raw bytes)
     * applying the fault. True when the fault cut the connection.
     */
    private boolean relay(InputStream in, OutputStream out, long length, Fault fault, long[] sent) throws IOException {
        if (length == 0) {
            out.flush();
            return fault.cutAfter == 0;
        }
        if (fault.cutAfter == 0) {
            out.flush();
            return true;
        }
        byte[] buf = new byte[16 << 10];
        long pos = 0;
        boolean stalled = false;
        ChunkReader chunks = length == -2 ? new ChunkReader(in) : null;
        while (length < 0 || pos < length) {
            int want = buf.length;
            if (length >= 0) {
                want = (int) Math.min(want, length - pos);
            }
            if (fault.cutAfter >= 0) {
                want = (int) Math.min(want, fault.cutAfter - pos);
            }
            if (fault.stallAfter >= 0 && !stalled && fault.stallAfter > pos) {
                want = (int) Math.min(want, fault.stallAfter - pos);
            }
            if (fault.stallAfter == pos && !stalled) {
                out.flush();
                stalled = true;
                sleep(fault.stall);
                continue;
            }
            int n = chunks != null ? chunks.read(buf, want) : in.read(buf, 0, want);
            if (n < 0) {
                break;
            }
            if (fault.corruptAt >= pos && fault.corruptAt < pos + n) {
                buf[(int) (fault.corruptAt - pos)] ^= (byte) 0xff;
            }
            out.write(buf, 0, n);
            pos += n;
            sent[0] = pos;
            bodyBytes.addAndGet(n);
            if (fault.cutAfter >= 0 && pos >= fault.cutAfter) {
                out.flush();
                return true;
            }
            if (chunks != null && chunks.done) {
                break;
            }
        }
        out.flush();
        return false;
    }

    /**
     * Forwards the request's body (Content-Length or chunked, with its trailers), applying the request faults, and
     * counts it in {@link #requestBodyBytes} when {@code count}. False when the fault cut it.
     */
    private boolean relayRequestBody(Head req, InputStream in, OutputStream out, Fault fault, boolean count)
            throws IOException {
        String te = req.header("transfer-encoding");
        String cl = req.header("content-length");
        boolean chunked = te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        long length = chunked ? -1 : cl != null ? Long.parseLong(cl.strip()) : 0;
        if (length == 0) {
            return fault.requestCutAfter != 0;
        }
        if (fault.requestCutAfter == 0) {
            out.flush();
            return false;
        }
        byte[] buf = new byte[16 << 10];
        long data = 0; // data bytes forwarded
        boolean stalled = false;
        ChunkReader chunks = chunked ? new ChunkReader(in) : null;
        while (chunked ? !chunks.done : data < length) {
            if (fault.requestStallAfter >= 0 && !stalled && data >= fault.requestStallAfter) {
                out.flush();
                stalled = true;
                sleep(fault.requestStall);
            }
            int want = buf.length;
            if (!chunked) {
                want = (int) Math.min(want, length - data);
            }
            if (fault.requestStallAfter > data && !stalled) {
                want = (int) Math.max(1, Math.min(want, fault.requestStallAfter - data));
            }
            if (fault.requestCutAfter > 0) {
                want = (int) Math.max(1, Math.min(want, fault.requestCutAfter - data));
            }
            int n = chunked ? chunks.read(buf, want) : in.read(buf, 0, want);
            if (n < 0) {
                throw new IOException("the client's request body ended early");
            }
            // which of these n bytes are data (chunked: the size lines, CRLFs and trailers are not)
            int dataStart = chunked ? chunks.lastDataStart : 0;
            int dataCount = chunked ? chunks.lastDataCount : n;
            if (fault.requestCorruptAt >= data && fault.requestCorruptAt < data + dataCount) {
                buf[dataStart + (int) (fault.requestCorruptAt - data)] ^= (byte) 0xff;
            }
            long cutAt = fault.requestCutAfter >= 0 && data + dataCount >= fault.requestCutAfter
                    ? dataStart + (fault.requestCutAfter - data) : -1;
            out.write(buf, 0, cutAt >= 0 ? (int) cutAt : n);
            long forwarded = cutAt >= 0 ? fault.requestCutAfter - data : dataCount;
            data += forwarded;
            if (count) {
                requestBodyBytes.addAndGet(forwarded);
            }
            if (cutAt >= 0) {
                out.flush();
                return false;
            }
        }
        return true;
    }

    /** Reads a chunked body, handing on its raw bytes (sizes, data and trailers) until the last chunk. */
    private static final class ChunkReader {
        private final InputStream in;
        private long left; // data bytes (plus CRLF) of the current chunk still to copy
        private byte[] pending = new byte[0];
        private int pendingAt;
        boolean done;
        /** Of what the last read returned: where the chunk data starts, and how many bytes of it there are. */
        int lastDataStart;
        int lastDataCount;

        ChunkReader(InputStream in) {
            this.in = in;
        }

        int read(byte[] buf, int max) throws IOException {
            lastDataStart = 0;
            lastDataCount = 0;
            if (pendingAt < pending.length) {
                int n = Math.min(max, pending.length - pendingAt);
                System.arraycopy(pending, pendingAt, buf, 0, n);
                pendingAt += n;
                return n;
            }
            if (done) {
                return -1;
            }
            if (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(max, left));
                if (n > 0) {
                    lastDataCount = (int) Math.max(0, Math.min(n, left - 2)); // the chunk's CRLF is not data
                    left -= n;
                }
                return n;
            }
            // a size line
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            String size = readLine(in, line);
            if (size == null) {
                return -1;
            }
            int semi = size.indexOf(';');
            long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
            if (n == 0) {
                // trailers up to the empty line
                String t;
                while ((t = readLine(in, line)) != null && !t.isEmpty()) {
                    // copied raw
                }
                done = true;
            } else {
                left = n + 2;
            }
            pending = line.toByteArray();
            pendingAt = 0;
            return read(buf, max);
        }

        private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                raw.write(c);
                if (c == '\n') {
                    int len = b.length();
                    return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
                }
                b.append((char) c);
            }
            return null;
        }
    }

    private void sleep(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (!closed && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A message head: the first line and the header fields in order. */
    private static final class Head {
        final String first;
        final List<String[]> headers;

        Head(String first, List<String[]> headers) {
            this.first = first;
            this.headers = headers;
        }

        int status() {
            String[] p = first.split(" ", 3);
            return Integer.parseInt(p[1]);
        }

        String header(String name) {
            return FaultProxy.header(headers, name);
        }

        Head without(String... names) {
            List<String[]> h = new ArrayList<>();
            outer:
            for (String[] f : headers) {
                for (String n : names) {
                    if (f[0].equalsIgnoreCase(n)) {
                        continue outer;
                    }
                }
                h.add(f);
            }
            return new Head(first, h);
        }

        Head with(String name, String value) {
            List<String[]> h = new ArrayList<>(headers);
            h.add(new String[] {name, value});
            return new Head(first, h);
        }

        byte[] bytes() {
            StringBuilder b = new StringBuilder(first).append("\r\n");
            for (String[] f : headers) {
                b.append(f[0]).append(": ").append(f[1]).append("\r\n");
            }
            return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads a head up to the empty line; null when the stream ends before its first byte. */
    private static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                if (b.size() == 0) {
                    return null;
                }
                throw new IOException("the stream ended inside a message head");
            }
            b.write(c);
            if (b.size() > 65536) {
                throw new IOException("message head too long");
            }
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
        }
        String[] lines = b.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip()});
            }
        }
        return new Head(lines[0], headers);
    }

    static String header(List<String[]> headers, String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    private static String reason(int status) {
        return switch (status) {
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 410 -> "Gone";
            case 416 -> "Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.remove(s);
    }

    /** Stops accepting, cuts every connection and waits for every thread of the proxy to end. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(5000);
            for (Thread t : List.copyOf(threads)) {
                t.interrupt();
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (acceptor.isAlive() || threads.stream().anyMatch(Thread::isAlive)) {
            throw new IllegalStateException("the fault proxy did not stop");
        }
    }
}
