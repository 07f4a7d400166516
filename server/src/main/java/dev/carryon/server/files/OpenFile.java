package dev.carryon.server.files;

import dev.carryon.core.conditional.FileEntityTag;
import dev.carryon.server.content.ContentChangedException;
import dev.carryon.server.content.ContentVersion;
import dev.carryon.server.content.PinnedContent;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Objects;

/**
 * A local file opened for one response, pinned to the version it is expected to be. Shared by the pieces of
 * the body that read it and closed when the last of them is released.
 *
 * <p>Java cannot fstat a channel, so a version is pinned by stat, open, stat: the version seen before opening
 * (the lookup's) must be the version seen after, by {@link #confirm()}. Bytes read between the two are of
 * that version, so a small body is read first and confirmed once. While a large body is sent,
 * {@link #verifyUnchanged()} compares again with what was confirmed: the same file (same identity) with
 * another size or modification time was changed in place and the response must be cut. A different identity
 * means the path was replaced by a rename; the descriptor still reads the old version, whole and consistent.
 */
public final class OpenFile extends AbstractReferenceCounted implements PinnedContent.Sendfile {

    private final Path path;
    private final FileChannel channel;
    private final ContentVersion version;
    /** What {@link #confirm()} saw: the file, with its identity, that this descriptor reads. */
    private volatile FileVersion confirmed;

    private OpenFile(Path path, FileChannel channel, ContentVersion version) {
        this.path = path;
        this.channel = channel;
        this.version = version;
    }

    /** Opens a file expected to be of {@code version}; {@link #confirm()} before trusting what it reads. */
    public static OpenFile open(Path path, ContentVersion version) throws IOException {
        return new OpenFile(path, FileChannel.open(path, StandardOpenOption.READ), version);
    }

    public Path path() {
        return path;
    }

    @Override
    public FileChannel channel() {
        return channel;
    }

    @Override
    public ContentVersion version() {
        return version;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return channel.read(dst, position);
    }

    @Override
    public String describe() {
        return path.toString();
    }

    /** Throws unless the path still shows the expected version. */
    @Override
    public void confirm() throws ContentChangedException {
        FileVersion now;
        try {
            now = FileVersion.read(path);
        } catch (IOException e) {
            throw new ContentChangedException(path + " changed while it was being opened: " + e.getMessage());
        }
        if (!now.content().token().equals(version.token())) {
            throw new ContentChangedException(path + " changed while it was being opened");
        }
        confirmed = now;
    }

    /** Throws if the file this response reads was changed in place since it was confirmed. */
    @Override
    public void verifyUnchanged() throws ContentChangedException {
        FileVersion seen = confirmed;
        if (seen == null) {
            confirm(); // nothing confirmed yet: the stricter check, against the expected version
            return;
        }
        FileVersion now;
        try {
            now = FileVersion.read(path);
        } catch (NoSuchFileException e) {
            return; // unlinked: the descriptor still reads the version that was opened
        } catch (IOException e) {
            throw new ContentChangedException(path + " can no longer be checked: " + e.getMessage());
        }
        if (Objects.equals(now.fileKey(), seen.fileKey())
                && (now.size() != seen.size() || !now.modified().equals(seen.modified()))) {
            throw new ContentChangedException(path + " changed while it was being sent");
        }
    }

    @Override
    protected void deallocate() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a read-only descriptor loses nothing.
        }
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }

    /** The metadata that names one version of a local file's bytes. */
    public record FileVersion(long size, FileTime modified, Object fileKey) {

        public static FileVersion read(Path path) throws IOException {
            return of(Files.readAttributes(path, BasicFileAttributes.class));
        }

        public static FileVersion of(BasicFileAttributes a) {
            return new FileVersion(a.size(), a.lastModifiedTime(), a.fileKey());
        }

        public Instant modifiedInstant() {
            return modified.toInstant();
        }

        /** A stable number for the file's identity (device and inode on Linux), 0 where none is known. */
        public long identity() {
            return fileKey == null ? 0 : fileKey.hashCode() & 0xffffffffL;
        }

        /** This version as the served content names it: the token of every ETag carryon gave a local file. */
        public ContentVersion content() {
            Instant at = modifiedInstant();
            return new ContentVersion(size, at, FileEntityTag.token(size, at, identity()));
        }
    }
}
