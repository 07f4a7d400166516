package dev.carryon.cli;

import dev.carryon.client.TransferException;
import dev.carryon.client.download.DownloadListener;
import dev.carryon.core.download.DownloadState;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code carryon get} does on Ctrl-C (SIGINT) or SIGTERM, from a shutdown hook: stops the downloads so
 * that each records what it holds one last time, then says on standard error how much each holds and that
 * rerunning the same command resumes. The JVM then exits with 130 (SIGINT) or 143 (SIGTERM).
 *
 * <p>It sits between the downloads and the listener that prints, to learn each download's file and to silence
 * everything once the interruption began (a progress line redrawn after the report would hide it).
 */
final class Interruption implements DownloadListener {

    /** The longest the report waits for the downloads' last checkpoint. */
    private static final Duration WAIT = Duration.ofSeconds(3);

    private final DownloadListener delegate;
    private final PrintStream err;
    private final Runnable endLine;
    private final Map<URI, Path> started = new ConcurrentHashMap<>();
    private final Map<URI, Boolean> ended = new ConcurrentHashMap<>();
    private volatile boolean interrupted;

    /** {@code endLine} ends a progress line drawn on a terminal, "^C" and all. */
    Interruption(DownloadListener delegate, PrintStream err, Runnable endLine) {
        this.delegate = delegate;
        this.err = err;
        this.endLine = endLine;
    }

    boolean interrupted() {
        return interrupted;
    }

    /**
     * Called by the shutdown hook: interrupts the downloads, waits for them to end (they checkpoint as they do),
     * and reports from their control files, which say what is really held.
     */
    void interrupt(ExecutorService pool, List<Future<?>> running) {
        interrupted = true;
        for (Runnable queued : pool.shutdownNow()) {
            if (queued instanceof Future<?> f) {
                f.cancel(false); // never started (-j below the URL count): nothing to wait for
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (Future<?> f : new ArrayList<>(running)) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                break; // report what the control files say now
            } catch (Exception e) {
                // the download ended with its own error; what it holds is in its control file
            }
        }
        synchronized (err) {
            endLine.run();
            for (Map.Entry<URI, Path> e : started.entrySet()) {
                if (!ended.containsKey(e.getKey())) {
                    err.println("carryon: interrupted: " + held(e.getValue()));
                }
            }
            if (started.isEmpty()) {
                err.println("carryon: interrupted before any download started");
            }
            err.flush();
        }
    }

    /** "big.bin.part holds 3.50 MiB of 10.0 MiB (35%); rerun the same command to resume", from the control file. */
    static String held(Path target) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Path control = target.resolveSibling(target.getFileName() + ".carryon");
        try {
            DownloadState s = DownloadState.parse(Files.readString(control, StandardCharsets.UTF_8));
            long held = s.held().size();
            long length = s.version().length();
            return part + " holds " + SizeConverter.format(held) + (length < 0 ? ""
                    : " of " + SizeConverter.format(length) + String.format(java.util.Locale.ROOT, " (%.0f%%)",
                    length == 0 ? 100.0 : 100.0 * held / length))
                    + (s.version().acceptsRanges() ? "; rerun the same command to resume"
                    : "; this server does not support ranges, so rerunning the same command starts over");
        } catch (NoSuchFileException e) {
            return "nothing of " + target + " is recorded yet; rerun the same command to start again";
        } catch (IOException | RuntimeException e) {
            return "what " + part + " holds is recorded in " + control + "; rerun the same command to resume";
        }
    }

    @Override
    public void started(Started s) {
        started.put(s.url(), s.file());
        if (!interrupted) {
            delegate.started(s);
        }
    }

    @Override
    public void progress(Progress p) {
        if (!interrupted) {
            delegate.progress(p);
        }
    }

    @Override
    public void notice(URI url, String message) {
        if (!interrupted) {
            delegate.notice(url, message);
        }
    }

    @Override
    public void retrying(URI url, String reason, Duration delay, int failures) {
        if (!interrupted) {
            delegate.retrying(url, reason, delay, failures);
        }
    }

    @Override
    public void finished(Finished f) {
        ended.put(f.url(), true);
        delegate.finished(f);
    }

    @Override
    public void failed(URI url, TransferException e) {
        if (!interrupted) {
            ended.put(url, true);
            delegate.failed(url, e);
        }
    }
}
