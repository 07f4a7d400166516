package dev.carryon.server.content;

import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.path.RequestPath;
import dev.carryon.server.testing.TestFiles;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ServedContent} must do, whatever keeps the bytes: a subclass says how to write into its
 * store and runs these against it (the local directory now; an object store later).
 *
 * <p>Paths are request paths ({@code a/b.txt}); the store's rules are its defaults (hidden names not served).
 */
public abstract class ServedContentContract {

    /** The content under test, over an empty store made for this test. */
    protected abstract ServedContent content();

    /** A second view of the same store, as another node of a cluster would have. */
    protected abstract ServedContent anotherNode() throws IOException;

    /** Writes a file (its parent directories made as needed); the first version of it. */
    protected abstract void write(String path, byte[] bytes) throws IOException;

    /** Writes a new version of an existing file, which must get a new version token. */
    protected abstract void change(String path, byte[] bytes) throws IOException;

    protected abstract void mkdir(String path) throws IOException;

    protected abstract void delete(String path) throws IOException;

    static RequestPath.Parsed path(String p) {
        try {
            return RequestPath.parse("/" + p);
        } catch (RequestPath.BadPathException e) {
            throw new AssertionError(e);
        }
    }

    ContentEntry found(ServedContent content, String p) {
        ContentLookup l = content.lookup(path(p));
        assertThat(l).as(p).isInstanceOf(ContentLookup.Found.class);
        return ((ContentLookup.Found) l).entry();
    }

    ContentEntry found(String p) {
        return found(content(), p);
    }

    /** Opens, reads everything, confirms: the bytes of the entry's version, or a failure. */
    byte[] readPinned(ContentEntry e) throws IOException {
        PinnedContent pinned = content().open(e);
        try {
            byte[] bytes = readRest(pinned, 0);
            pinned.confirm();
            return bytes;
        } finally {
            pinned.release();
        }
    }

    static byte[] readRest(PinnedContent pinned, long from) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long at = from;
        for (int n; (n = pinned.read(buf, at)) >= 0; ) {
            out.write(buf.array(), 0, n);
            at += n;
            buf.clear();
        }
        return out.toByteArray();
    }

    @Test
    void aLookupTellsKindSizeModificationVersionAndMediaType() throws IOException {
        Instant before = Instant.now().minusSeconds(3600);
        write("docs/readme.txt", "hello".getBytes());

        ContentEntry file = found("docs/readme.txt");
        assertThat(file.kind()).isEqualTo(ContentEntry.Kind.FILE);
        assertThat(file.name()).isEqualTo("readme.txt");
        assertThat(file.size()).isEqualTo(5);
        assertThat(file.modified()).isAfter(before).isBefore(Instant.now().plusSeconds(5));
        assertThat(file.version().token()).isNotEmpty();
        assertThat(file.mediaType()).startsWith("text/plain");

        ContentEntry dir = found("docs");
        assertThat(dir.kind()).isEqualTo(ContentEntry.Kind.DIRECTORY);
        assertThat(dir.isDirectory()).isTrue();
        assertThat(dir.mediaType()).isNull();
    }

    @Test
    void whatIsNotThereOrHiddenIsNotFound() throws IOException {
        write(".secret/key", "k".getBytes());
        write("shown.txt", "s".getBytes());
        assertThat(content().lookup(path("nope.txt"))).isInstanceOf(ContentLookup.NotFound.class);
        assertThat(content().lookup(path("shown.txt/below"))).isInstanceOf(ContentLookup.NotFound.class);
        assertThat(content().lookup(path(".secret/key"))).isInstanceOf(ContentLookup.NotFound.class);
    }

    @Test
    void anOpenedFileReadsTheBytesOfTheVersionLookedUp() throws IOException {
        byte[] data = TestFiles.random(300_000, 1);
        write("data.bin", data);
        ContentEntry e = found("data.bin");
        assertThat(readPinned(e)).isEqualTo(data);

        PinnedContent pinned = content().open(e);
        try {
            ByteBuffer middle = ByteBuffer.allocate(1000);
            while (middle.hasRemaining()) {
                assertThat(pinned.read(middle, 123_456 + middle.position())).isPositive();
            }
            pinned.confirm();
            assertThat(middle.array()).isEqualTo(java.util.Arrays.copyOfRange(data, 123_456, 124_456));
            assertThat(pinned.version()).isEqualTo(e.version());
        } finally {
            pinned.release();
        }
    }

    @Test
    void aReadOfAFileChangedBetweenLookupAndReadFailsRatherThanMixing() throws IOException {
        write("v.bin", TestFiles.random(50_000, 2));
        ContentEntry old = found("v.bin");
        change("v.bin", TestFiles.random(60_000, 3));

        assertThatThrownBy(() -> readPinned(old)).isInstanceOf(ContentChangedException.class);
    }

    @Test
    void aFileChangedWhileOpenEitherFailsOrKeepsReadingTheOpenedVersionWhole() throws IOException {
        byte[] first = TestFiles.random(100_000, 4);
        write("w.bin", first);
        ContentEntry e = found("w.bin");
        PinnedContent pinned = content().open(e);
        try {
            ByteBuffer head = ByteBuffer.allocate(40_000);
            while (head.hasRemaining()) {
                assertThat(pinned.read(head, head.position())).isPositive();
            }
            pinned.confirm();
            change("w.bin", TestFiles.random(120_000, 5));
            byte[] rest;
            try {
                rest = readRest(pinned, 40_000);
                pinned.verifyUnchanged();
            } catch (ContentChangedException changed) {
                return; // refused: never a mix
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(head.array());
            all.write(rest);
            assertThat(all.toByteArray()).as("bytes read on without a failure are all of the opened version")
                    .isEqualTo(first);
        } finally {
            pinned.release();
        }
    }

    @Test
    void aFileDeletedAfterItsLookupIsGoneOrChanged() throws IOException {
        write("gone.bin", "x".getBytes());
        ContentEntry e = found("gone.bin");
        delete("gone.bin");
        assertThatThrownBy(() -> readPinned(e)).isInstanceOfAny(NoSuchFileException.class, ContentChangedException.class);
        assertThatThrownBy(() -> content().reload(e)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void reloadTellsTheCurrentVersion() throws IOException {
        write("r.bin", "one".getBytes());
        ContentEntry old = found("r.bin");
        change("r.bin", "version two".getBytes());
        ContentEntry now = content().reload(old);
        assertThat(now.version()).isNotEqualTo(old.version());
        assertThat(now.size()).isEqualTo(11);
        assertThat(readPinned(now)).isEqualTo("version two".getBytes());
    }

    @Test
    void theEtagIsTheSameForTheSameVersionEverywhereAndNewForANewVersion() throws IOException {
        write("e.bin", TestFiles.random(1000, 6));
        Instant now = Instant.now().plusSeconds(10);
        ContentEntry a = found("e.bin");
        ContentEntry b = found("e.bin");
        ContentEntry elsewhere = found(anotherNode(), "e.bin");
        EntityTag etag = a.version().etag(now);
        assertThat(b.version()).isEqualTo(a.version());
        assertThat(b.version().etag(now)).isEqualTo(etag);
        assertThat(elsewhere.version().etag(now)).as("another node, the same version").isEqualTo(etag);
        assertThat(etag.weak()).as("a version more than a second old").isFalse();

        change("e.bin", TestFiles.random(1001, 7));
        ContentEntry changed = found("e.bin");
        assertThat(changed.version().token()).isNotEqualTo(a.version().token());
        assertThat(changed.version().etag(now)).isNotEqualTo(etag);
    }

    @Test
    void aVersionJustWrittenHasAWeakEtag() throws IOException {
        write("fresh.bin", "f".getBytes());
        ContentEntry e = found("fresh.bin");
        assertThat(e.version().etag(e.modified()).weak()).isTrue();
        assertThat(e.version().etag(e.modified().plusSeconds(2)).weak()).isFalse();
    }

    @Test
    void aDirectoryIsListedInPagesThatTogetherHoldEveryEntryOnce() throws IOException {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            String name = String.format("f%02d.bin", i);
            write("big/" + name, new byte[i]);
            expected.add(name);
        }
        for (String d : List.of("d1", "d2", "d3")) {
            mkdir("big/" + d);
            expected.add(d);
        }
        write("big/.hidden", "h".getBytes());
        ContentEntry dir = found("big");

        List<ContentEntry> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ContentPage page = content().list(dir, cursor, 7);
            assertThat(page.entries()).hasSizeLessThanOrEqualTo(7);
            all.addAll(page.entries());
            cursor = page.next();
            pages++;
            assertThat(pages).as("pages end").isLessThan(20);
        } while (cursor != null);

        assertThat(all).extracting(ContentEntry::name).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(pages).isGreaterThanOrEqualTo(4);
        for (ContentEntry e : all) {
            if (e.name().startsWith("d")) {
                assertThat(e.isDirectory()).as(e.name()).isTrue();
            } else {
                assertThat(e.isFile()).as(e.name()).isTrue();
                assertThat(e.size()).as(e.name()).isEqualTo(Integer.parseInt(e.name().substring(1, 3)));
            }
        }
        ContentPage whole = content().list(dir, null, 1000);
        assertThat(whole.next()).isNull();
        assertThat(whole.entries()).extracting(ContentEntry::name).containsExactlyElementsOf(
                all.stream().map(ContentEntry::name).toList());
    }

    @Test
    void anEmptyDirectoryIsOneEmptyPage() throws IOException {
        mkdir("empty");
        ContentPage page = content().list(found("empty"), null, 10);
        assertThat(page.entries()).isEmpty();
        assertThat(page.next()).isNull();
    }
}
