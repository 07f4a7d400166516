package dev.carryon.server.files;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.io.IOException;
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
 * A file opened for one response, with the metadata of the version it is expected to be. Shared by the pieces
 * of the body that read it and closed when the last of them is released.
 *
 * <p>Java cannot fstat a channel, so a version is pinned by stat, open, stat: the metadata seen before opening
 * (the lookup's) must equal the metadata seen after, by {@link #confirm()}. Bytes read between the two are of
 * that version, so a small body is read first and confirmed once. While a large body is sent,
 * {@link #verifyUnchanged()} compares again: the same file (same identity) with another size or modification
 * time was changed in place and the response must be cut. A different identity means the path was replaced
 * by a rename; the descriptor still reads the old version, whole and consistent.
 */
public final class OpenFile extends AbstractReferenceCounted {

    private final Path path;
    private final FileChannel channel;
    private final FileVersion version;

    private OpenFile(Path path, FileChannel channel, FileVersion version) {
        this.path = path;
        this.channel = channel;
        this.version = version;
    }

    /** Opens a file expected to be of {@code version}; {@link #confirm()} before trusting what it reads. */
    public static OpenFile open(Path path, FileVersion version) throws IOException {
        return new OpenFile(path, FileChannel.open(path, StandardOpenOption.READ), version);
    }

    public Path path() {
        return path;
    }

    public FileChannel channel() {
        return channel;
    }

    public FileVersion version() {
        return version;
    }

    /** Throws, with the version found instead, unless the path still shows the expected version. */
    public void confirm() throws FileChangedException {
        FileVersion now;
        try {
            now = FileVersion.read(path);
        } catch (IOException e) {
            throw new FileChangedException(path + " changed while it was being opened: " + e.getMessage());
        }
        if (!now.equals(version)) {
            throw new FileChangedException(path + " changed while it was being opened");
        }
    }

    /** Throws if the file this response reads was changed in place since it was opened. */
    public void verifyUnchanged() throws FileChangedException {
        FileVersion now;
        try {
            now = FileVersion.read(path);
        } catch (NoSuchFileException e) {
            return; // unlinked: the descriptor still reads the version that was opened
        } catch (IOException e) {
            throw new FileChangedException(path + " can no longer be checked: " + e.getMessage());
        }
        if (Objects.equals(now.fileKey(), version.fileKey())
                && (now.size() != version.size() || !now.modified().equals(version.modified()))) {
            throw new FileChangedException(path + " changed while it was being sent");
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

    /** The metadata that names one version of a file's bytes. */
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
    }
}
