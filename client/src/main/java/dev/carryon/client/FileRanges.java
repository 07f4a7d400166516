package dev.carryon.client;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a range of a file back through one direct buffer, for what must see bytes already on disk: the hash
 * of a chunk before it is sent, the verification of a download. Direct, so that the read is one copy from the
 * page cache; 1 MiB, so that a pass over gigabytes costs a few thousand calls.
 */
public final class FileRanges {

    private static final int BUFFER = 1 << 20;

    /** Sees each piece of the range, in order, positioned at the byte {@code at} of the file. */
    public interface Sink {
        void accept(long at, ByteBuffer bytes);
    }

    private FileRanges() {
    }

    /** Reads {@code [from, to)} of {@code file}; an {@link EOFException} when the file ends first. */
    public static void read(Path file, long from, long to, Sink sink) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(BUFFER, Math.max(1, to - from)));
            long at = from;
            while (at < to) {
                buf.clear().limit((int) Math.min(buf.capacity(), to - at));
                int n = ch.read(buf, at);
                if (n < 0) {
                    throw new EOFException(file + " is shorter than " + to + " bytes");
                }
                buf.flip();
                sink.accept(at, buf);
                at += n;
            }
        }
    }
}
