package dev.carryon.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.carryon.client.TransferException;
import dev.carryon.client.upload.UploadListener;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** {@code carryon put --json}: events as JSON lines on standard output, like {@code get --json}. */
final class PutJson implements UploadListener {

    private static final JsonFactory JSON = new JsonFactory();

    private final PrintStream out;

    PutJson(PrintStream out) {
        this.out = out;
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private void emit(String event, Path file, Fields fields) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("event", event);
            g.writeStringField("file", file.toString());
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (out) {
            out.println(w);
            out.flush();
        }
    }

    @Override
    public void started(Started s) {
        emit("start", s.file(), g -> {
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
        emit("progress", p.file(), g -> {
            g.writeNumberField("acknowledged", p.acknowledged());
            g.writeNumberField("sent", p.sent());
            g.writeNumberField("length", p.length());
            g.writeNumberField("bytesPerSecond", p.bytesPerSecond());
            g.writeNumberField("connections", p.connections());
        });
    }

    @Override
    public void notice(Path file, String message) {
        emit("notice", file, g -> g.writeStringField("message", message));
    }

    @Override
    public void retrying(Path file, String reason, Duration delay, int failures) {
        emit("retry", file, g -> {
            g.writeStringField("reason", reason);
            g.writeNumberField("delayMillis", delay.toMillis());
            g.writeNumberField("failures", failures);
        });
    }

    @Override
    public void finished(Finished f) {
        emit("done", f.file(), g -> {
            g.writeStringField("upload", f.upload().toString());
            g.writeNumberField("length", f.length());
            g.writeNumberField("sent", f.sent());
            g.writeNumberField("millis", f.elapsed().toMillis());
            g.writeBooleanField("alreadyComplete", f.alreadyComplete());
        });
    }

    @Override
    public void failed(Path file, TransferException e) {
        emit("error", file, g -> {
            g.writeStringField("kind", e.kind().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("exitCode", GetCommand.exitCode(e.kind()).code);
            g.writeStringField("message", e.getMessage());
        });
    }
}
