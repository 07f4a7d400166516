package dev.carryon.server.store;

import dev.carryon.core.upload.StoredName;
import dev.carryon.server.digest.DigestService;
import dev.carryon.server.files.OpenFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@link UploadData} in a local directory: one file per upload ({@code STATE/uploads/ID}), positional writes,
 * {@code fdatasync} for a commit, {@code transferTo} for a concatenation, and publishing by a hard link into the
 * served root (never replacing a file there unless asked), recording the digest with the {@link DigestService}.
 */
public final class LocalUploadData implements UploadData {

    private static final Logger log = LoggerFactory.getLogger(LocalUploadData.class);

    private final Path dir;
    private final Path root;
    private final boolean overwrite;
    private final DigestService digests;

    /**
     * @param dir       where the data files are kept
     * @param root      the served root that finished uploads are published into
     * @param overwrite whether a published upload may replace a file of the same name
     * @param digests   told of each published file's sha-256, or null
     */
    public LocalUploadData(Path dir, Path root, boolean overwrite, DigestService digests) {
        this.dir = dir;
        this.root = root;
        this.overwrite = overwrite;
        this.digests = digests;
    }

    private Path file(String id) throws IOException {
        Files.createDirectories(dir);
        return dir.resolve(id);
    }

    @Override
    public void create(String id) throws IOException {
        Path f = file(id);
        Files.deleteIfExists(f);
        Files.createFile(f);
    }

    @Override
    public Sink append(String id, long offset) throws IOException {
        FileChannel ch = FileChannel.open(file(id), StandardOpenOption.WRITE, StandardOpenOption.READ);
        return new Sink() {
            /** Written on the request's thread, read by a commit on another. */
            private volatile long at = offset;

            @Override
            public CompletableFuture<Void> write(ByteBuffer bytes) {
                try {
                    while (bytes.hasRemaining()) {
                        at += ch.write(bytes, at);
                    }
                    return CompletableFuture.completedFuture(null);
                } catch (IOException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public long commit() throws IOException {
                long upTo = at;
                ch.force(false);
                return upTo;
            }

            @Override
            public void close() {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the committed offset is what counts
                }
            }
        };
    }

    @Override
    public void discardAfter(String id, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file(id), StandardOpenOption.WRITE)) {
            if (ch.size() > offset) {
                ch.truncate(offset);
                ch.force(false);
            }
        }
    }

    @Override
    public void read(String id, long from, long to, Consumer<ByteBuffer> reader) throws IOException {
        try (FileChannel ch = FileChannel.open(file(id), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(1 << 20, Math.max(1, to - from)));
            long at = from;
            while (at < to) {
                buf.clear().limit((int) Math.min(buf.capacity(), to - at));
                int n = ch.read(buf, at);
                if (n < 0) {
                    throw new IOException("upload " + id + " has " + at + " bytes, not " + to);
                }
                buf.flip();
                reader.accept(buf);
                at += n;
            }
        }
    }

    @Override
    public void concatenate(String target, List<Part> parts) throws IOException {
        try (FileChannel out = FileChannel.open(file(target), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long at = 0;
            long length = 0;
            for (Part p : parts) {
                length += p.length();
                try (FileChannel in = FileChannel.open(file(p.id()), StandardOpenOption.READ)) {
                    long done = 0;
                    while (done < p.length()) {
                        long n = in.transferTo(done, p.length() - done, out);
                        if (n <= 0 && in.size() <= done) {
                            throw new IOException("part " + p.id() + " has " + done + " bytes, not " + p.length());
                        }
                        done += n;
                    }
                    at += done;
                }
            }
            out.force(true);
            if (at != length) {
                throw new IOException("assembled " + at + " of " + length + " bytes");
            }
        }
    }

    @Override
    public String publish(String id, long length, String suggested, byte[] sha256) throws IOException {
        Path data = file(id);
        // Exactly the upload's bytes: a tail past its length (a discarded chunk of a deferred-length upload) is
        // not part of it.
        discardAfter(id, length);
        Path target = place(data, id, suggested);
        try {
            OpenFile.FileVersion version = OpenFile.FileVersion.read(target);
            if (digests != null && sha256 != null) {
                digests.record(target.toRealPath(), version, sha256, null, true);
            }
        } catch (IOException e) {
            log.warn("cannot record the digest of {}: {}", target, e.getMessage());
        }
        return root.relativize(target).toString().replace(java.io.File.separatorChar, '/');
    }

    /**
     * Moves the data into the served root under the upload's name without ever replacing a file (unless asked):
     * a hard link fails if the name exists, and only then is the data file unlinked.
     */
    private Path place(Path data, String id, String suggested) throws IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            // A name that is already this data's hard link is not taken: a kill after the link and before the
            // unlink left it, and the upload is finished again on restart without a second copy.
            String name = StoredName.choose(suggested, id, overwrite,
                    n -> Files.exists(root.resolve(n)) && !sameFile(root.resolve(n), data));
            Path target = root.resolve(name);
            if (!overwrite && sameFile(target, data)) {
                Files.delete(data);
                syncDirectory(root);
                return target;
            }
            if (overwrite) {
                moveReplacing(data, target);
                return target;
            }
            try {
                Files.createLink(target, data);
                Files.delete(data);
                syncDirectory(root);
                return target;
            } catch (FileAlreadyExistsException e) {
                continue; // another file took the name meanwhile: choose again
            } catch (UnsupportedOperationException | IOException e) {
                // Another file system (no hard link across): copy beside the target, then rename it in.
                Path tmp = root.resolve("." + id + ".tmp");
                Files.copy(data, tmp, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
                try {
                    Files.createLink(target, tmp);
                    Files.delete(tmp);
                } catch (FileAlreadyExistsException exists) {
                    Files.delete(tmp);
                    continue;
                }
                Files.delete(data);
                syncDirectory(root);
                return target;
            }
        }
        throw new IOException("no free name for " + suggested);
    }

    private void moveReplacing(Path data, Path target) throws IOException {
        try {
            Files.move(data, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(data, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(root);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system can fsync a directory
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void delete(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    @Override
    public boolean exists(String id) throws IOException {
        return Files.exists(file(id));
    }

    @Override
    public List<String> ids() throws IOException {
        Files.createDirectories(dir);
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    @Override
    public long room() {
        try {
            return Files.getFileStore(file("probe").getParent()).getUsableSpace();
        } catch (IOException e) {
            log.debug("cannot check free space: {}", e.getMessage());
            return Long.MAX_VALUE;
        }
    }
}
