package dev.carryon.server.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link UploadData} must do, whatever keeps the bytes: run against each implementation (a local
 * directory now; an object store next) by a subclass that says how to make one and how to see what it published.
 * Appends continue at the recorded offset, a commit says how far is durable, a tail is discarded, parts are
 * concatenated, and publishing never replaces a file unless told to.
 */
public abstract class UploadDataContract {

    /** Data publishing into an empty served content; {@code overwrite} as {@code --upload-overwrite}. */
    protected abstract UploadData data(boolean overwrite);

    /** The bytes of the published file at {@code path} (relative), or null when there is none. */
    protected abstract byte[] published(String path) throws IOException;

    /** Puts a file into the served content as if someone else had. */
    protected abstract void existing(String path, byte[] content) throws IOException;

    static String id(char c) {
        return String.valueOf(c).repeat(26);
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String read(UploadData d, String id, long from, long to) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.read(id, from, to, b -> {
            byte[] x = new byte[b.remaining()];
            b.get(x);
            out.writeBytes(x);
        });
        return out.toString(StandardCharsets.UTF_8);
    }

    static long append(UploadData d, String id, long offset, String... pieces) throws IOException {
        try (UploadData.Sink sink = d.append(id, offset)) {
            for (String p : pieces) {
                sink.write(bytes(p)).join();
            }
            return sink.commit();
        }
    }

    @Test
    void aCommitReturnsTheDurableOffsetAndAnAppendGoesOnFromTheRecordedOne() throws IOException {
        UploadData d = data(false);
        d.create(id('a'));
        assertThat(append(d, id('a'), 0, "hello", " ")).isEqualTo(6);
        assertThat(append(d, id('a'), 6, "world")).isEqualTo(11);
        assertThat(read(d, id('a'), 0, 11)).isEqualTo("hello world");
        assertThat(read(d, id('a'), 6, 9)).isEqualTo("wor");
        // Bytes past the recorded offset (written, never recorded) are overwritten by the next append.
        assertThat(append(d, id('a'), 5, "!")).isEqualTo(6);
        assertThat(read(d, id('a'), 0, 6)).isEqualTo("hello!");
    }

    @Test
    void aTailPastAnOffsetIsDiscarded() throws IOException {
        UploadData d = data(false);
        d.create(id('b'));
        append(d, id('b'), 0, "keep", "drop");
        d.discardAfter(id('b'), 4);
        assertThatThrownBy(() -> read(d, id('b'), 0, 8)).isInstanceOf(IOException.class);
        assertThat(read(d, id('b'), 0, 4)).isEqualTo("keep");
    }

    @Test
    void partsAreConcatenatedByTheirLengths() throws IOException {
        UploadData d = data(false);
        d.create(id('c'));
        d.create(id('d'));
        d.create(id('e'));
        append(d, id('c'), 0, "abc", "garbage past the part's length");
        append(d, id('d'), 0, "defg");
        d.concatenate(id('e'), List.of(new UploadData.Part(id('c'), 3), new UploadData.Part(id('d'), 4)));
        assertThat(read(d, id('e'), 0, 7)).isEqualTo("abcdefg");
        assertThatThrownBy(() -> d.concatenate(id('e'), List.of(new UploadData.Part(id('d'), 40))))
                .as("a part shorter than its length").isInstanceOf(IOException.class);
    }

    @Test
    void publishingTakesTheNameOrTheNextFreeOneButNeverReplacesAFile() throws IOException {
        UploadData d = data(false);
        existing("report.txt", "someone else's".getBytes(StandardCharsets.UTF_8));
        d.create(id('f'));
        append(d, id('f'), 0, "mine", " and a tail past the length");
        String path = d.publish(id('f'), 4, "report.txt", null);
        assertThat(path).isEqualTo("report (1).txt");
        assertThat(published(path)).asString(StandardCharsets.UTF_8).isEqualTo("mine");
        assertThat(published("report.txt")).asString(StandardCharsets.UTF_8).isEqualTo("someone else's");
        assertThatThrownBy(() -> read(d, id('f'), 0, 1)).as("published: the data is gone")
                .isInstanceOf(IOException.class);

        d.create(id('g'));
        append(d, id('g'), 0, "anonymous");
        String unnamed = d.publish(id('g'), 9, null, null);
        assertThat(published(unnamed)).asString(StandardCharsets.UTF_8).isEqualTo("anonymous");
    }

    @Test
    void publishingWithOverwriteReplacesTheFile() throws IOException {
        UploadData d = data(true);
        existing("report.txt", "old".getBytes(StandardCharsets.UTF_8));
        d.create(id('h'));
        append(d, id('h'), 0, "new");
        assertThat(d.publish(id('h'), 3, "report.txt", null)).isEqualTo("report.txt");
        assertThat(published("report.txt")).asString(StandardCharsets.UTF_8).isEqualTo("new");
    }

    @Test
    void deletedDataIsGoneAndCreatingAgainStartsEmpty() throws IOException {
        UploadData d = data(false);
        d.create(id('i'));
        append(d, id('i'), 0, "bytes");
        d.create(id('i'));
        assertThatThrownBy(() -> read(d, id('i'), 0, 1)).isInstanceOf(IOException.class);
        d.delete(id('i'));
        d.delete(id('i'));
        assertThatThrownBy(() -> d.append(id('i'), 0)).isInstanceOf(IOException.class);
        assertThat(d.room()).isPositive();
    }
}
