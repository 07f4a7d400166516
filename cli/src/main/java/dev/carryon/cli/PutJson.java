package dev.carryon.cli;

import dev.carryon.client.TransferException;
import dev.carryon.client.upload.UploadListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** {@code carryon put --json}: events as JSON lines on standard output, like {@code get --json}. */
final class PutJson implements UploadListener {

    private final JsonLines out;

    PutJson(PrintStream out) {
        this.out = new JsonLines(out, "file");
    }

    @Override
    public void started(Started s) {
        out.emit("start", s.file(), g -> {
            g.writeStringField("endpoint", s.endpoint().toString());
            g.writeStringField("upload", s.upload().toString());
            g.writeNumberField("length", s.length());
            g.writeNumberField("offset", s.offset());
            g.writeBooleanField("resumed", s.resumed());
            g.writeNumberField("parts", s.parts());
        });
    }

    @Override
    public void progress(Progress p) {
        out.emit("progress", p.file(), g -> {
            g.writeNumberField("acknowledged", p.acknowledged());
            g.writeNumberField("sent", p.sent());
            g.writeNumberField("length", p.length());
            g.writeNumberField("bytesPerSecond", p.bytesPerSecond());
            g.writeNumberField("connections", p.connections());
        });
    }

    @Override
    public void notice(Path file, String message) {
        out.notice(file, message);
    }

    @Override
    public void retrying(Path file, String reason, Duration delay, int failures) {
        out.retry(file, reason, delay, failures);
    }

    @Override
    public void finished(Finished f) {
        out.emit("done", f.file(), g -> {
            g.writeStringField("upload", f.upload().toString());
            g.writeNumberField("length", f.length());
            g.writeNumberField("sent", f.sent());
            g.writeNumberField("millis", f.elapsed().toMillis());
            g.writeBooleanField("alreadyComplete", f.alreadyComplete());
            g.writeStringField("served", f.served() == null ? null : f.served().toString());
        });
    }

    @Override
    public void failed(Path file, TransferException e) {
        out.error(file, e);
    }
}
