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
 * connections); elsewhere a plain line every few seconds. {@code -q} prints nothing on success, as curl's
 * {@code -s}: no progress, notices or result line; errors are printed by the command, never hidden.
 */
final class HumanProgress implements DownloadListener {

    private final ProgressPrinter printer;
    private final boolean quiet;
    private final Map<URI, String> names = new ConcurrentHashMap<>();

    HumanProgress(PrintStream err, boolean terminal, boolean quiet) {
        this.printer = new ProgressPrinter(err, terminal);
        this.quiet = quiet;
    }

    /** Ends a progress line drawn on a terminal (see {@link Interruption}). */
    void endLine() {
        printer.clearInterrupted();
    }

    @Override
    public void started(Started s) {
        names.put(s.url(), s.file().getFileName().toString());
        if (quiet) {
            return;
        }
        String length = s.length() >= 0 ? SizeConverter.format(s.length()) : "unknown length";
        printer.line(String.format(Locale.ROOT, "carryon: %s -> %s (%s, %s, validator: %s%s)", s.url(), s.file(),
                length, s.protocol(), kind(s.validator()), s.resumed() ? ", resuming at " + SizeConverter.format(s.alreadyHeld()) : ""));
    }

    /**
     * "strong ETag" of "strong ETag \"2dc6c0-18ee...\"": the value made the line wrap, and --json has it whole.
     */
    static String kind(String validator) {
        String[] words = validator.split(" ", 3);
        return words.length < 2 ? validator : words[0] + " " + words[1];
    }

    @Override
    public void progress(Progress p) {
        if (!quiet) {
            printer.progress(p.url(), ProgressPrinter.text(names.getOrDefault(p.url(), p.url().toString()), p.held(),
                    p.length(), p.bytesPerSecond(), p.connections()));
        }
    }

    @Override
    public void notice(URI url, String message) {
        if (quiet) {
            return;
        }
        printer.line("carryon: " + names.getOrDefault(url, url.toString()) + ": " + message);
    }

    @Override
    public void retrying(URI url, String reason, Duration delay, int failures) {
        if (!quiet) {
            printer.line(String.format(Locale.ROOT, "carryon: %s: %s; retry %d in %.1f s",
                    names.getOrDefault(url, url.toString()), reason, failures, delay.toMillis() / 1000.0));
        }
    }

    @Override
    public void finished(Finished f) {
        if (quiet) {
            return;
        }
        if (f.alreadyComplete()) {
            printer.line("carryon: " + f.file() + " is already complete; nothing fetched");
            return;
        }
        double seconds = Math.max(0.001, f.elapsed().toNanos() / 1e9);
        String verified = f.verified().isEmpty() ? "no digest to verify against"
                : String.join(", ", f.verified().keySet()) + " verified";
        printer.line(String.format(Locale.ROOT, "carryon: saved %s (%s; fetched %s in %.1f s, %s/s; %s)", f.file(),
                SizeConverter.format(f.length()), SizeConverter.format(f.fetched()), seconds,
                SizeConverter.format((long) (f.fetched() / seconds)), verified));
    }

    @Override
    public void failed(URI url, TransferException e) {
        printer.clear();
    }
}
