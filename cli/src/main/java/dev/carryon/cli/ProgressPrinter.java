package dev.carryon.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Draws progress on standard error for people: on a terminal one line is redrawn in place; elsewhere a plain
 * line every few seconds. Whole lines (notices, results) first clear a drawn progress line.
 */
final class ProgressPrinter {

    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final Map<Object, Long> lastPlain = new ConcurrentHashMap<>();
    private int lineLength;

    ProgressPrinter(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** "42.3%  1.21 GiB of 2.86 GiB  113 MiB/s  ETA 0:14  4 conn  name". */
    static String text(String name, long done, long length, long bytesPerSecond, int connections) {
        String percent = length > 0 ? String.format(Locale.ROOT, "%5.1f%%", 100.0 * done / length) : "    ?%";
        String of = length >= 0 ? " of " + SizeConverter.format(length) : "";
        String eta = "";
        if (length > 0 && bytesPerSecond > 0) {
            long seconds = (length - done) / Math.max(1, bytesPerSecond);
            eta = String.format(Locale.ROOT, "  ETA %d:%02d", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%s  %s%s  %s/s%s  %d conn  %s", percent, SizeConverter.format(done), of,
                SizeConverter.format(bytesPerSecond), eta, connections, name);
    }

    /** A progress line for {@code key} (one transfer). */
    void progress(Object key, String text) {
        if (terminal) {
            synchronized (this) {
                int pad = Math.max(0, lineLength - text.length());
                err.print("\r" + text + " ".repeat(pad));
                err.flush();
                lineLength = text.length();
            }
        } else {
            long now = System.nanoTime();
            Long last = lastPlain.get(key);
            if (last == null || now - last >= PLAIN_EVERY_NANOS) {
                lastPlain.put(key, now);
                line("carryon: " + text);
            }
        }
    }

    synchronized void line(String text) {
        clear();
        err.println(text);
        err.flush();
    }

    /**
     * Clears the progress line and the "^C" that the terminal echoed after it, so that what follows starts a
     * clean line.
     */
    synchronized void clearInterrupted() {
        if (terminal) {
            err.print("\r" + " ".repeat(lineLength + 2) + "\r");
            err.flush();
            lineLength = 0;
        }
    }

    synchronized void clear() {
        if (terminal && lineLength > 0) {
            err.print("\r" + " ".repeat(lineLength) + "\r");
            lineLength = 0;
        }
    }
}
