package dev.carryon.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Sends one case on a connection of its own and reads until the server closes. A server silent for
 * {@code quiet} is given an end of input (a half-close, as a client that gave up would); still open after
 * {@code bound} more, the connection is a hang.
 */
final class CaseRunner {

    /** Beyond this, what came back is not kept (a runaway answer is a finding of its own). */
    static final int MAX_RECEIVED = 16 << 20;

    /**
     * @param received what came back
     * @param nudged   the server was silent for the quiet time, neither answering nor closing, and was half-closed
     * @param hung     still neither closed nor answered after the nudge and the bound
     * @param reset    the connection was reset (by the server closing on unread bytes); what came before is kept
     * @param capped   more than {@link #MAX_RECEIVED} came back
     * @param millis   from connecting to the end
     */
    record Outcome(byte[] received, boolean headSent, boolean nudged, boolean hung, boolean reset, boolean capped,
                   long millis) {
        ResponseStream responses() {
            return ResponseStream.parse(received, headSent);
        }
    }

    private final int port;
    private final Duration quiet;
    private final Duration bound;

    CaseRunner(int port, Duration quiet, Duration bound) {
        this.port = port;
        this.quiet = quiet;
        this.bound = bound;
    }

    Outcome run(FuzzCase c) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout((int) quiet.toMillis());
            OutputStream out = s.getOutputStream();
            boolean reset = false;
            try {
                for (byte[] w : c.writes()) {
                    out.write(w);
                    out.flush();
                }
                if (c.ending() == FuzzCase.Ending.HALF_CLOSE) {
                    s.shutdownOutput();
                }
            } catch (IOException closedWhileWriting) {
                reset = true; // the server answered and closed before reading everything: it may say why below
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            boolean nudged = false;
            boolean hung = false;
            while (got.size() < MAX_RECEIVED) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    if (nudged || c.ending() == FuzzCase.Ending.HALF_CLOSE) {
                        hung = true;
                        break;
                    }
                    nudged = true;
                    s.setSoTimeout((int) bound.toMillis());
                    if (!s.isOutputShutdown()) {
                        s.shutdownOutput();
                    }
                    continue;
                } catch (IOException e) {
                    reset = true;
                    break;
                }
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
            return new Outcome(got.toByteArray(), c.mentions("HEAD"), nudged, hung, reset, got.size() >= MAX_RECEIVED,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
