package dev.carryon.server.fuzz;

import dev.carryon.server.testing.H2Wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one case of the frame fuzzer on a connection of its own. The writes go out from another thread while
 * this one reads and decodes the server's frames with Netty's frame reader (so a flood never blocks on a server
 * whose answers nobody reads). With {@link H2Case.Ending#FINAL}, once the last request is answered or the server
 * sent GOAWAY, the client sends GOAWAY and half-closes, as a client that is done would. A server silent for
 * {@code quiet} is half-closed; still open {@code bound} after the client's half-close, the connection is a hang.
 */
final class H2Runner {

    static final int MAX_RECEIVED = 16 << 20;

    /**
     * @param frames        the frames the server sent, decoded
     * @param switched      for an upgrade: the 101 came
     * @param malformed     what Netty's reader refused of the server's frames, or the head that came instead of a 101
     * @param closedByServer the server closed (end of input) before the client half-closed
     * @param nudged        the server was silent for the quiet time and was half-closed
     * @param hung          still open after the bound
     * @param reset         the connection was reset
     * @param millis        from connecting to the end
     */
    record Outcome(List<H2Wire.Frame> frames, boolean switched, String malformed, boolean closedByServer, boolean nudged,
                   boolean hung, boolean reset, boolean capped, long millis) {

        boolean goAway() {
            return frames.stream().anyMatch(f -> f.type() == H2Wire.GOAWAY);
        }

        /** The stream ended (END_STREAM) or was reset by the server. */
        boolean answered(int stream) {
            return frames.stream().anyMatch(f -> f.stream() == stream
                    && (f.endStream() || f.type() == H2Wire.RST_STREAM));
        }

        boolean ended(int stream) {
            return frames.stream().anyMatch(f -> f.stream() == stream && f.endStream());
        }
    }

    private final int port;
    private final Duration quiet;
    private final Duration bound;
    private final ExecutorService writers;

    H2Runner(int port, Duration quiet, Duration bound, ExecutorService writers) {
        this.port = port;
        this.quiet = quiet;
        this.bound = bound;
        this.writers = writers;
    }

    Outcome run(H2Case c) throws Exception {
        long t0 = System.nanoTime();
        try (Socket s = new Socket(); H2Wire wire = new H2Wire(); H2Wire.Reader reader = new H2Wire.Reader()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout((int) quiet.toMillis());
            OutputStream out = s.getOutputStream();
            Future<Boolean> writing = writers.submit(() -> {
                try {
                    for (byte[] w : c.writes()) {
                        out.write(w);
                        out.flush();
                    }
                    if (c.ending() == H2Case.Ending.HALF_CLOSE) {
                        s.shutdownOutput();
                    }
                    return true;
                } catch (IOException closedWhileWriting) {
                    return false; // the server closed first: what it sent says why
                }
            });
            InputStream in = s.getInputStream();
            boolean switched = !c.upgrade();
            String malformed = null;
            boolean closedByServer = false;
            boolean nudged = false;
            boolean hung = false;
            boolean reset = false;
            boolean halfClosed = c.ending() == H2Case.Ending.HALF_CLOSE;
            boolean finished = false; // the client sent GOAWAY and half-closed, done with the connection
            long received = 0;
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            while (received < MAX_RECEIVED) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    if (nudged || finished || halfClosed && !writing.isDone()) {
                        hung = true; // silent for the bound after the client's end
                        break;
                    }
                    if (halfClosed) {
                        nudged = true; // the client had half-closed already: the bound starts now
                        s.setSoTimeout((int) bound.toMillis());
                        continue;
                    }
                    nudged = true;
                    halfClosed = halfClose(s, writing, wire, false);
                    s.setSoTimeout((int) bound.toMillis());
                    continue;
                } catch (IOException e) {
                    reset = true;
                    break;
                }
                if (n < 0) {
                    closedByServer = !halfClosed;
                    break;
                }
                received += n;
                int at = 0;
                if (!switched && malformed == null) {
                    // The 101 and its head, then frames.
                    while (at < n && !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                        head.write(buf[at++]);
                    }
                    String h = head.toString(StandardCharsets.ISO_8859_1);
                    if (h.endsWith("\r\n\r\n")) {
                        if (h.startsWith("HTTP/1.1 101 ")) {
                            switched = true;
                        } else {
                            malformed = "no 101 but: " + Escapes.of(head.toByteArray(), 300);
                        }
                    }
                }
                if (switched && malformed == null && at < n) {
                    try {
                        reader.feed(buf, at, n - at);
                    } catch (Exception e) {
                        malformed = "frames the reader refused: " + e;
                    }
                }
                if (c.ending() == H2Case.Ending.FINAL && !halfClosed) {
                    List<H2Wire.Frame> frames = reader.frames();
                    // Answers come in any order (an upload's is written when its service is done): in a well-formed
                    // case, the client waits for all of them.
                    boolean done = frames.stream().anyMatch(f -> f.type() == H2Wire.GOAWAY)
                            || answered(frames, c.finalStream()) && c.requests().stream().allMatch(r -> answered(frames, r));
                    if (done) {
                        finished = true;
                        halfClosed = halfClose(s, writing, wire, true);
                        s.setSoTimeout((int) bound.toMillis());
                    }
                }
            }
            writing.cancel(true);
            return new Outcome(new ArrayList<>(reader.frames()), switched, malformed, closedByServer, nudged, hung, reset,
                    received >= MAX_RECEIVED, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static boolean answered(List<H2Wire.Frame> frames, int stream) {
        return frames.stream().anyMatch(f -> f.stream() == stream && (f.endStream() || f.type() == H2Wire.RST_STREAM));
    }

    /** Waits for the writes to end (bounded: a server that stopped reading has closed), then ends the client's side. */
    private boolean halfClose(Socket s, Future<Boolean> writing, H2Wire wire, boolean goAway) {
        try {
            writing.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (goAway) {
                s.getOutputStream().write(wire.goAway(0, 0));
            }
            s.shutdownOutput();
        } catch (TimeoutException | IOException | java.util.concurrent.ExecutionException e) {
            // the server stopped reading, or closed: the read loop sees the rest
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
