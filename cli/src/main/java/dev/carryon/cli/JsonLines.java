package dev.carryon.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.carryon.client.TransferException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code --json} output of the transfer commands: one object a line, each with {@code event} and the subject
 * it is about ({@code url} for downloads, {@code file} for uploads), written whole so that lines from several
 * threads never interleave. The events both commands share ({@code notice}, {@code retry}, {@code error}) are
 * written here, so that their fields are the same in both.
 */
final class JsonLines {

    private static final JsonFactory JSON = new JsonFactory();

    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private final PrintStream out;
    private final String subjectKey;

    JsonLines(PrintStream out, String subjectKey) {
        this.out = out;
        this.subjectKey = subjectKey;
    }

    void emit(String event, Object subject, Fields fields) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("event", event);
            g.writeStringField(subjectKey, subject.toString());
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

    void notice(Object subject, String message) {
        emit("notice", subject, g -> g.writeStringField("message", message));
    }

    void retry(Object subject, String reason, Duration delay, int failures) {
        emit("retry", subject, g -> {
            g.writeStringField("reason", reason);
            g.writeNumberField("delayMillis", delay.toMillis());
            g.writeNumberField("failures", failures);
        });
    }

    void error(Object subject, TransferException e) {
        emit("error", subject, g -> {
            g.writeStringField("kind", e.kind().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("exitCode", ExitCode.of(e.kind()).code);
            g.writeStringField("message", e.getMessage());
        });
    }
}
