package dev.carryon.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything written to {@code System.err} while it is open, still passed on to the original stream. The server
 * logs through slf4j-simple, which looks {@code System.err} up at every line (it does not cache it unless told
 * to), so redirecting the stream is enough to see every warning, error and stack trace the server writes.
 */
public final class LogCapture implements AutoCloseable {

    /** A level slf4j-simple writes as a word ("[thread] WARN name - ..."), or a frame of a stack trace. */
    private static final Pattern TROUBLE = Pattern.compile("\\b(WARN|ERROR)\\b|^\\s+at \\S+\\(|Exception\\b|^Caused by:");

    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    public List<String> lines() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The lines that are warnings, errors or parts of a stack trace. */
    public List<String> trouble() {
        return lines().stream().filter(l -> TROUBLE.matcher(l).find()).toList();
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
