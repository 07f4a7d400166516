package dev.carryon.client.testing;

import dev.carryon.client.TransferException;
import dev.carryon.client.download.DownloadListener;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener that keeps what a download said, for assertions. */
public final class Recorder implements DownloadListener {

    public record Retry(String reason, Duration delay, int failures) {
    }

    public final List<Started> started = new CopyOnWriteArrayList<>();
    public final List<String> notices = new CopyOnWriteArrayList<>();
    public final List<Retry> retries = new CopyOnWriteArrayList<>();
    public final List<Finished> finished = new CopyOnWriteArrayList<>();
    public final List<TransferException> failures = new CopyOnWriteArrayList<>();
    public final AtomicInteger progress = new AtomicInteger();
    public volatile Progress lastProgress;

    @Override
    public void started(Started s) {
        started.add(s);
    }

    @Override
    public void progress(Progress p) {
        progress.incrementAndGet();
        lastProgress = p;
    }

    @Override
    public void notice(URI url, String message) {
        notices.add(message);
    }

    @Override
    public void retrying(URI url, String reason, Duration delay, int failures) {
        retries.add(new Retry(reason, delay, failures));
    }

    @Override
    public void finished(Finished f) {
        finished.add(f);
    }

    @Override
    public void failed(URI url, TransferException e) {
        failures.add(e);
    }

    public int maxFailuresInARow() {
        return retries.stream().mapToInt(Retry::failures).max().orElse(0);
    }

    @Override
    public String toString() {
        return "notices=" + notices + ", retries=" + retries;
    }
}
