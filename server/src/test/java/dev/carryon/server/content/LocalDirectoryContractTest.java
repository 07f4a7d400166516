package dev.carryon.server.content;

import dev.carryon.core.conditional.FileEntityTag;
import dev.carryon.server.files.LocalDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract against a directory of the local file system, and what the local directory adds to it. */
class LocalDirectoryContractTest extends ServedContentContract {

    @TempDir
    Path dir;
    Path root;
    Path state;
    LocalDirectory content;

    @BeforeEach
    void open() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        state = Files.createDirectories(root.resolve(".carryon"));
        content = new LocalDirectory(root, state, false, false);
    }

    @Override
    protected ServedContent content() {
        return content;
    }

    @Override
    protected ServedContent anotherNode() throws IOException {
        return new LocalDirectory(root, state, false, false);
    }

    @Override
    protected void write(String path, byte[] bytes) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        // A version more than a second old, so that its ETag is strong.
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(60)));
    }

    /** In place (same inode), and a later modification time: a clock tick may be coarser than two writes. */
    @Override
    protected void change(String path, byte[] bytes) throws IOException {
        Path p = root.resolve(path);
        FileTime before = Files.getLastModifiedTime(p);
        Files.write(p, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(p, FileTime.from(before.toInstant().plusSeconds(2)));
    }

    @Override
    protected void mkdir(String path) throws IOException {
        Files.createDirectories(root.resolve(path));
    }

    @Override
    protected void delete(String path) throws IOException {
        Files.delete(root.resolve(path));
    }

    @Test
    void theTokenIsTheOneEveryEtagOfALocalFileWasMadeOf() throws IOException {
        write("t.bin", new byte[1234]);
        BasicFileAttributes a = Files.readAttributes(root.resolve("t.bin"), BasicFileAttributes.class);
        Instant now = Instant.now();
        ContentEntry e = found("t.bin");
        assertThat(e.version().etag(now)).isEqualTo(FileEntityTag.of(a.size(), a.lastModifiedTime().toInstant(),
                a.fileKey().hashCode() & 0xffffffffL, now));
        assertThat(e.key()).isEqualTo(root.resolve("t.bin").toString());
    }

    @Test
    void theStateDirectoryIsNeitherFoundNorListed() throws IOException {
        Files.writeString(state.resolve("carryon.db"), "db");
        write("a.txt", "a".getBytes());
        assertThat(content.lookup(path(".carryon/carryon.db"))).isInstanceOf(ContentLookup.NotFound.class);
        ContentEntry top = ((ContentLookup.Found) content.lookup(path(""))).entry();
        assertThat(content.list(top, null, 100).entries()).extracting(ContentEntry::name).containsExactly("a.txt");
    }

    @Test
    void aLinkOutOfTheRootIsForbiddenAndNotListed() throws IOException {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "out");
        Files.createSymbolicLink(root.resolve("out.txt"), outside);
        assertThat(content.lookup(path("out.txt"))).isInstanceOf(ContentLookup.Forbidden.class);
        ContentEntry top = ((ContentLookup.Found) content.lookup(path(""))).entry();
        assertThat(content.list(top, null, 100).entries()).isEmpty();
    }

    @Test
    void anOpenedLocalFileCanGoBySendfile() throws IOException {
        write("s.bin", new byte[10]);
        PinnedContent pinned = content.open(found("s.bin"));
        try {
            assertThat(pinned).isInstanceOf(PinnedContent.Sendfile.class);
            assertThat(((PinnedContent.Sendfile) pinned).channel().size()).isEqualTo(10);
        } finally {
            pinned.release();
        }
    }
}
