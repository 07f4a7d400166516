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
 * A file opened for one response, with the metadata of the version that was opened. Shared by the pieces of
 * the body that read it and closed when the last of them is released.
 *
 * <p>Java cannot fstat a channel, so the version is pinned by stat-open-stat: the path's metadata is read
 * before and after opening, and the open is retried when they differ. While the body is sent,
 * {@link #verifyUnchanged()} compares the path's metadata again: the same file (same identity) with another
 * size or modification time was changed in place and the response must be cut. A different identity means the
 * path was replaced by a rename; the descriptor still reads the old version, whole and consistent.
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

    /** Opens a regular file and pins its version; fails with {@link FileChangedException} if it keeps changing. */
    public static OpenFile open(Path path) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            FileVersion before = FileVersion.read(path);
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            try {
                FileVersion after = FileVersion.read(path);
                if (before.equals(after)) {
                    return new OpenFile(path, channel, after);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            channel.close();
        }
        throw new FileChangedException(path + " kept changing while it was being opened");
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
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return of(a);
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
