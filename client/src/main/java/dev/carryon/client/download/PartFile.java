package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.core.download.DownloadState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;

/**
 * The local side of a download: {@code NAME.part} receives the bytes at their positions, {@code NAME.carryon}
 * remembers what is held, and NAME appears only when the bytes are complete and verified.
 *
 * <p>The control file is replaced atomically (written to a temporary file, fsync'd, renamed over the old one,
 * the directory fsync'd), and the caller writes it only after fsync'ing the part file, so it never claims a
 * byte that a crash could lose.
 */
final class PartFile implements AutoCloseable {

    /** The extended attribute that marks a finished file with the URL it came from. */
    static final String SOURCE_ATTRIBUTE = "carryon.source";
    /** The version a finished file is of (DownloadState's format), so that a rerun can ask whether it changed. */
    static final String VERSION_ATTRIBUTE = "carryon.version";

    private final Path target;
    private final Path part;
    private final Path control;
    private FileChannel channel;

    PartFile(Path target) {
        this.target = target;
        this.part = target.resolveSibling(target.getFileName() + ".part");
        this.control = target.resolveSibling(target.getFileName() + ".carryon");
    }

    Path target() {
        return target;
    }

    Path part() {
        return part;
    }

    Path control() {
        return control;
    }

    /** The state remembered by an earlier run, if its control file is there and readable. */
    Optional<DownloadState> readState() throws IOException {
        try {
            return Optional.of(DownloadState.parse(Files.readString(control, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // unreadable: not trusted, like a missing one
        }
    }

    /** Opens (creating if needed) the part file for positional writes. */
    void open() throws IOException {
        if (channel == null) {
            Files.createDirectories(part.toAbsolutePath().getParent());
            channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
    }

    long size() throws IOException {
        return channel != null ? channel.size() : Files.exists(part) ? Files.size(part) : 0;
    }

    /** Writes all of {@code bytes} at {@code position}. */
    void write(ByteBuffer bytes, long position) throws IOException {
        long at = position;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
    }

    /** Reads exactly {@code into.remaining()} bytes at {@code position}; false if the file is shorter. */
    boolean read(ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }

    /** Forgets every byte: the download starts over. */
    void truncate() throws IOException {
        channel.truncate(0);
    }

    /** Makes every byte written so far durable. */
    void sync() throws IOException {
        channel.force(false);
    }

    /** Replaces the control file atomically with {@code state}; call after {@link #sync()}. */
    void writeState(DownloadState state) throws IOException {
        Path tmp = control.resolveSibling(control.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(state.format().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                out.write(b);
            }
            out.force(true);
        }
        move(tmp, control);
        syncDirectory();
    }

    /** The end: NAME.part becomes NAME (replacing it when asked), the control file goes, NAME is marked. */
    void finish(DownloadState done, boolean replace) throws IOException {
        sync();
        close();
        if (!replace && Files.exists(target)) {
            throw new TransferException(TransferException.Kind.USAGE, target + " appeared while downloading;"
                    + " the download stays in " + part);
        }
        // Marked before the rename, so that NAME never exists without saying where it came from.
        mark(part, SOURCE_ATTRIBUTE, done.url());
        mark(part, VERSION_ATTRIBUTE, done.format());
        move(part, target);
        Files.deleteIfExists(control);
        syncDirectory();
    }

    /** Drops the part file and the control file. */
    void discard() throws IOException {
        close();
        Files.deleteIfExists(part);
        Files.deleteIfExists(control);
    }

    /** The URL a finished file was downloaded from, if carryon marked it (and the file system keeps marks). */
    static Optional<String> source(Path file) {
        return attribute(file, SOURCE_ATTRIBUTE);
    }

    /** The version a finished file was downloaded as, if carryon recorded it (older runs did not). */
    static Optional<DownloadState> finished(Path file) {
        try {
            return attribute(file, VERSION_ATTRIBUTE).map(DownloadState::parse);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // unreadable: as if not recorded
        }
    }

    private static Optional<String> attribute(Path file, String name) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (view == null || !view.list().contains(name)) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.allocate(view.size(name));
            view.read(name, b);
            return Optional.of(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static void mark(Path file, String name, String value) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (view != null) {
                view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // A file system without extended attributes: a rerun then cannot tell the file is ours.
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void syncDirectory() {
        Path dir = control.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the rename is then as durable as they make it.
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
