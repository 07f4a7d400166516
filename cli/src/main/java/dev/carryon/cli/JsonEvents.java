package dev.carryon.cli;

import dev.carryon.client.TransferException;
import dev.carryon.client.download.DownloadListener;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@code --json}: one JSON object a line on standard output, for scripts. Every object has {@code event}
 * ({@code start}, {@code progress}, {@code notice}, {@code retry}, {@code done}, {@code error}) and {@code url}.
 */
final class JsonEvents implements DownloadListener {

    private final JsonLines out;

    JsonEvents(PrintStream out) {
        this.out = new JsonLines(out, "url");
    }

    @Override
    public void started(Started s) {
        out.emit("start", s.url(), g -> {
            g.writeStringField("file", s.file().toString());
            g.writeNumberField("length", s.length());
            g.writeNumberField("held", s.alreadyHeld());
            g.writeBooleanField("resumed", s.resumed());
            g.writeBooleanField("ranges", s.rangesSupported());
            g.writeStringField("validator", s.validator());
            g.writeStringField("protocol", s.protocol());
        });
    }

    @Override
    public void progress(Progress p) {
        out.emit("progress", p.url(), g -> {
            g.writeNumberField("held", p.held());
            g.writeNumberField("length", p.length());
            g.writeNumberField("bytesPerSecond", p.bytesPerSecond());
            g.writeNumberField("connections", p.connections());
        });
    }

    @Override
    public void notice(URI url, String message) {
        out.notice(url, message);
    }

    @Override
    public void retrying(URI url, String reason, Duration delay, int failures) {
        out.retry(url, reason, delay, failures);
    }

    @Override
    public void finished(Finished f) {
        out.emit("done", f.url(), g -> {
            g.writeStringField("file", f.file().toString());
            g.writeNumberField("length", f.length());
            g.writeNumberField("fetched", f.fetched());
            g.writeNumberField("millis", f.elapsed().toMillis());
            g.writeBooleanField("alreadyComplete", f.alreadyComplete());
            g.writeObjectFieldStart("verified");
            for (Map.Entry<String, String> v : f.verified().entrySet()) {
                g.writeStringField(v.getKey(), v.getValue());
            }
            g.writeEndObject();
        });
    }

    @Override
    public void failed(URI url, TransferException e) {
        out.error(url, e);
    }
}
