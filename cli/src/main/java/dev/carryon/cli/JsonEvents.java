package dev.carryon.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.carryon.client.TransferException;
import dev.carryon.client.download.DownloadListener;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@code --json}: one JSON object a line on standard output, for scripts. Every object has {@code event}
 * ({@code start}, {@code progress}, {@code notice}, {@code retry}, {@code done}, {@code error}) and {@code url}.
 */
final class JsonEvents implements DownloadListener {

    private static final JsonFactory JSON = new JsonFactory();

    private final PrintStream out;
    private final Map<String, Integer> exitCodes;

    /** @param exitCodes exit code by TransferException kind name, so that error events carry the code */
    JsonEvents(PrintStream out, Map<String, Integer> exitCodes) {
        this.out = out;
        this.exitCodes = exitCodes;
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private void emit(String event, URI url, Fields fields) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("event", event);
            g.writeStringField("url", url.toString());
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
        emit("start", s.url(), g -> {
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
        emit("progress", p.url(), g -> {
            g.writeNumberField("held", p.held());
            g.writeNumberField("length", p.length());
            g.writeNumberField("bytesPerSecond", p.bytesPerSecond());
            g.writeNumberField("connections", p.connections());
        });
    }

    @Override
    public void notice(URI url, String message) {
        emit("notice", url, g -> g.writeStringField("message", message));
    }

    @Override
    public void retrying(URI url, String reason, Duration delay, int failures) {
        emit("retry", url, g -> {
            g.writeStringField("reason", reason);
            g.writeNumberField("delayMillis", delay.toMillis());
            g.writeNumberField("failures", failures);
        });
    }

    @Override
    public void finished(Finished f) {
        emit("done", f.url(), g -> {
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
        emit("error", url, g -> {
            g.writeStringField("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            g.writeNumberField("exitCode", exitCodes.getOrDefault(e.kind().name(), 1));
            g.writeStringField("message", e.getMessage());
        });
    }
}
