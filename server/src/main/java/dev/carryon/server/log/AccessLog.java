package dev.carryon.server.log;

import dev.carryon.server.metrics.ServerMetrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One line per request, written by a background thread so that the I/O threads never wait for the disk or a
 * terminal. The format is the combined log format followed by carryon's fields:
 *
 * <pre>
 * 127.0.0.1 - - [22/Nov/2026:23:05:00 +0000] "GET /big.iso HTTP/1.1" 206 4096 "-" "curl/8.1" range="bytes=0-4095" ms=0.41
 * </pre>
 *
 * The size field counts the body bytes that actually left; a response that was cut ends with {@code cut}. When the
 * writer falls behind by more than the queue holds, lines are dropped and counted rather than slowing
 * serving down.
 */
public final class AccessLog implements AutoCloseable {

    /** What one request leaves in the log. */
    public record Entry(String remote, long epochMillis, String method, String target, String protocol,
                        int status, long bodyBytes, String referer, String userAgent, String range,
                        long durationNanos, boolean cut) {
    }

    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Entry STOP = new Entry("", 0, "", "", "", 0, 0, null, null, null, 0, false);

    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(65536);
    private final BufferedWriter out;
    private final boolean closeOut;
    private final ServerMetrics metrics;
    private final Thread writer;

    private AccessLog(OutputStream stream, boolean closeOut, ServerMetrics metrics) {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        this.closeOut = closeOut;
        this.metrics = metrics;
        this.writer = new Thread(this::drain, "carryon-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * @param target {@code -} for standard output, {@code off} for no log, or a file to append to
     * @return null for {@code off}
     */
    public static AccessLog open(String target, ServerMetrics metrics) throws IOException {
        if (target.equals("off")) {
            return null;
        }
        if (target.equals("-")) {
            return new AccessLog(System.out, false, metrics);
        }
        Path file = Path.of(target);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AccessLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true, metrics);
    }

    public void log(Entry e) {
        if (!queue.offer(e)) {
            metrics.accessLogDropped();
        }
    }

    private void drain() {
        List<Entry> batch = new ArrayList<>(256);
        StringBuilder line = new StringBuilder(256);
        try {
            while (true) {
                Entry first = queue.take();
                batch.add(first);
                queue.drainTo(batch, 4095);
                for (Entry e : batch) {
                    if (e == STOP) {
                        out.flush();
                        return;
                    }
                    line.setLength(0);
                    format(e, line);
                    out.append(line);
                }
                batch.clear();
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The log's destination is gone (a closed pipe, a full disk): serving goes on without it.
        }
    }

    static void format(Entry e, StringBuilder b) {
        b.append(e.remote()).append(" - - [").append(CLF_TIME.format(Instant.ofEpochMilli(e.epochMillis())))
                .append("] \"").append(e.method()).append(' ');
        escape(e.target(), b);
        b.append(' ').append(e.protocol()).append("\" ").append(e.status()).append(' ').append(e.bodyBytes())
                .append(" \"");
        escape(e.referer() == null ? "-" : e.referer(), b);
        b.append("\" \"");
        escape(e.userAgent() == null ? "-" : e.userAgent(), b);
        b.append('"');
        if (e.range() != null) {
            b.append(" range=\"");
            escape(e.range(), b);
            b.append('"');
        }
        b.append(" ms=").append(String.format(Locale.ROOT, "%.2f", e.durationNanos() / 1e6));
        if (e.cut()) {
            b.append(" cut");
        }
        b.append('\n');
    }

    /** Quotes and control characters from clients must not forge log lines or fields. */
    private static void escape(String s, StringBuilder b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
    }

    @Override
    public void close() {
        try {
            queue.offer(STOP, 1, TimeUnit.SECONDS);
            writer.join(5000);
            if (closeOut) {
                out.close();
            } else {
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // Nothing more can be done for a log that cannot be written.
        }
    }
}
