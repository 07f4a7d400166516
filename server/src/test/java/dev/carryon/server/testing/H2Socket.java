package dev.carryon.server.testing;

import io.netty.handler.codec.http2.Http2Settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.function.Predicate;

/**
 * An h2c connection by prior knowledge over a raw socket, for tests that send frames no client library would:
 * {@link #send} writes bytes as they are (build them with {@link #wire()}), {@link #until} reads the server's
 * frames until a condition holds of them, the server closes, or it is silent for the socket's timeout (10 s).
 */
public final class H2Socket implements AutoCloseable {

    private final Socket socket;
    private final H2Wire wire = new H2Wire();
    private final H2Wire.Reader reader = new H2Wire.Reader();
    private boolean closed;

    /** Connects and sends the preface and SETTINGS with the given initial stream window. */
    public H2Socket(int port, int initialWindow) {
        this(connect(port), initialWindow);
    }

    /** Over a socket the caller connected (TLS with ALPN h2, say). */
    public H2Socket(Socket connected, int initialWindow) {
        try {
            socket = connected;
            socket.setSoTimeout(10_000);
            byte[] settings = wire.settings(new Http2Settings().initialWindowSize(initialWindow));
            socket.getOutputStream().write(H2Wire.PREFACE);
            socket.getOutputStream().write(settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Socket connect(int port) {
        try {
            return new Socket("127.0.0.1", port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public H2Wire wire() {
        return wire;
    }

    public H2Socket send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frames so far, once {@code done} holds of them, the server closed, or it was silent for 10 s. */
    public List<H2Wire.Frame> until(Predicate<List<H2Wire.Frame>> done) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[65536];
            while (!closed && !done.test(reader.frames())) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (n < 0) {
                    closed = true;
                    break;
                }
                reader.feed(buf, 0, n);
            }
            return List.copyOf(reader.frames());
        } catch (Exception e) {
            throw new AssertionError("reading the server's frames", e);
        }
    }

    /** Whether the server closed the connection (seen by {@link #until}). */
    public boolean closedByServer() {
        return closed;
    }

    public static boolean ended(List<H2Wire.Frame> frames, int stream) {
        return frames.stream().anyMatch(f -> f.stream() == stream && (f.endStream() || f.type() == H2Wire.RST_STREAM));
    }

    /** The error code of the server's RST_STREAM for the stream, or -1. */
    public static long reset(List<H2Wire.Frame> frames, int stream) {
        return frames.stream().filter(f -> f.stream() == stream && f.type() == H2Wire.RST_STREAM).findFirst()
                .map(H2Wire.Frame::errorCode).orElse(-1L);
    }

    public static int status(List<H2Wire.Frame> frames, int stream) {
        return frames.stream().filter(f -> f.stream() == stream && f.type() == H2Wire.HEADERS).findFirst()
                .map(H2Wire.Frame::status).orElse(-1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        reader.close();
        wire.close();
    }
}
