package dev.carryon.cli;

import dev.carryon.client.TransferException;
import dev.carryon.client.download.DownloadListener;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress for people, on standard error. On a terminal one line is redrawn (percent, bytes, speed, ETA, live
 * connections); elsewhere a plain line every few seconds. {@code -q} hides progress, never errors.
 */
final class HumanProgress implements DownloadListener {

    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final boolean quiet;
    private final Map<URI, String> names = new ConcurrentHashMap<>();
    private final Map<URI, Long> lastPlain = new ConcurrentHashMap<>();
    private volatile int lineLength;

    HumanProgress(PrintStream err, boolean terminal, boolean quiet) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    @Override
    public void started(Started s) {
        names.put(s.url(), s.file().getFileName().toString());
        if (quiet) {
            return;
        }
        String length = s.length() >= 0 ? SizeConverter.format(s.length()) : "unknown length";
        line(String.format(Locale.ROOT, "carryon: %s -> %s (%s, %s, validator: %s%s)", s.url(), s.file(), length,
                s.protocol(), s.validator(), s.resumed() ? ", resuming at " + SizeConverter.format(s.alreadyHeld()) : ""));
    }

    @Override
    public void progress(Progress p) {
        if (quiet) {
            return;
        }
        String name = names.getOrDefault(p.url(), p.url().toString());
        String percent = p.length() > 0 ? String.format(Locale.ROOT, "%5.1f%%", 100.0 * p.held() / p.length()) : "    ?%";
        String of = p.length() >= 0 ? " of " + SizeConverter.format(p.length()) : "";
        String eta = "";
        if (p.length() > 0 && p.bytesPerSecond() > 0) {
            long seconds = (p.length() - p.held()) / Math.max(1, p.bytesPerSecond());
            eta = String.format(Locale.ROOT, "  ETA %d:%02d", seconds / 60, seconds % 60);
        }
        String text = String.format(Locale.ROOT, "%s  %s%s  %s/s%s  %d conn  %s", percent, SizeConverter.format(p.held()),
                of, SizeConverter.format(p.bytesPerSecond()), eta, p.connections(), name);
        if (terminal) {
            synchronized (this) {
                int pad = Math.max(0, lineLength - text.length());
                err.print("\r" + text + " ".repeat(pad));
                err.flush();
                lineLength = text.length();
            }
        } else {
            long now = System.nanoTime();
            Long last = lastPlain.get(p.url());
            if (last == null || now - last >= PLAIN_EVERY_NANOS) {
                lastPlain.put(p.url(), now);
                err.println("carryon: " + text);
            }
        }
    }

    @Override
    public void notice(URI url, String message) {
        line("carryon: " + names.getOrDefault(url, url.toString()) + ": " + message);
    }

    @Override
    public void retrying(URI url, String reason, Duration delay, int failures) {
        if (quiet) {
            return;
        }
        line(String.format(Locale.ROOT, "carryon: %s: %s; retry %d in %.1f s", names.getOrDefault(url, url.toString()),
                reason, failures, delay.toMillis() / 1000.0));
    }

    @Override
    public void finished(Finished f) {
        if (f.alreadyComplete()) {
            line("carryon: " + f.file() + " is already complete; nothing fetched");
            return;
        }
        double seconds = Math.max(0.001, f.elapsed().toNanos() / 1e9);
        String verified = f.verified().isEmpty() ? "no digest to verify against"
                : String.join(", ", f.verified().keySet()) + " verified";
        line(String.format(Locale.ROOT, "carryon: saved %s (%s; fetched %s in %.1f s, %s/s; %s)", f.file(),
                SizeConverter.format(f.length()), SizeConverter.format(f.fetched()), seconds,
                SizeConverter.format((long) (f.fetched() / seconds)), verified));
    }

    @Override
    public void failed(URI url, TransferException e) {
        clearLine();
    }

    /** Prints a whole line, first clearing a progress line drawn on a terminal. */
    private synchronized void line(String text) {
        clearLine();
        err.println(text);
        err.flush();
    }

    private synchronized void clearLine() {
        if (terminal && lineLength > 0) {
            err.print("\r" + " ".repeat(lineLength) + "\r");
            lineLength = 0;
        }
    }
}
