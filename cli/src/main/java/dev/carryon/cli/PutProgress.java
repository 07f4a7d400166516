package dev.carryon.cli;

import dev.carryon.client.TransferException;
import dev.carryon.client.upload.UploadListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** Upload progress for people, on standard error (see {@link ProgressPrinter}). */
final class PutProgress implements UploadListener {

    private final ProgressPrinter printer;
    private final boolean quiet;

    PutProgress(PrintStream err, boolean terminal, boolean quiet) {
        this.printer = new ProgressPrinter(err, terminal);
        this.quiet = quiet;
    }

    @Override
    public void started(Started s) {
        if (!quiet) {
            printer.line(String.format(Locale.ROOT, "carryon: %s -> %s (%s%s%s)", s.file(), s.upload(),
                    SizeConverter.format(s.length()), s.parts() > 1 ? ", " + s.parts() + " parts" : "",
                    s.resumed() ? ", resuming at " + SizeConverter.format(s.offset()) : ""));
        }
    }

    @Override
    public void progress(Progress p) {
        if (!quiet) {
            printer.progress(p.file(), ProgressPrinter.text(p.file().getFileName().toString(), p.acknowledged(),
                    p.length(), p.bytesPerSecond(), p.connections()));
        }
    }

    @Override
    public void notice(Path file, String message) {
        if (quiet) {
            return;
        }
        printer.line("carryon: " + file.getFileName() + ": " + message);
    }

    @Override
    public void retrying(Path file, String reason, Duration delay, int failures) {
        if (!quiet) {
            printer.line(String.format(Locale.ROOT, "carryon: %s: %s; retry %d in %.1f s", file.getFileName(), reason,
                    failures, delay.toMillis() / 1000.0));
        }
    }

    @Override
    public void finished(Finished f) {
        if (quiet) {
            return;
        }
        double seconds = Math.max(0.001, f.elapsed().toNanos() / 1e9);
        printer.line(String.format(Locale.ROOT, "carryon: uploaded %s to %s (%s; sent %s in %.1f s, %s/s)", f.file(),
                f.upload(), SizeConverter.format(f.length()), SizeConverter.format(f.sent()), seconds,
                SizeConverter.format((long) (f.sent() / seconds))));
        if (f.served() != null) {
            printer.line("carryon: served as " + servedName(f.served()) + " at " + f.served());
        }
    }

    @Override
    public void failed(Path file, TransferException e) {
        printer.clear();
    }

    /** The file name in a served URL, decoded: what a person looks for in a listing. */
    static String servedName(java.net.URI served) {
        String path = served.getPath();
        return path == null || path.isEmpty() ? served.toString() : path.substring(path.lastIndexOf('/') + 1);
    }
}
