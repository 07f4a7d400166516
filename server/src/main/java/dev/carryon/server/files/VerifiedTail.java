package dev.carryon.server.files;

import dev.carryon.server.content.ContentChangedException;
import dev.carryon.server.content.PinnedContent;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The last bytes of a span, held back until the file is checked: they are sent only after every byte before
 * them has left, and only if the file was not changed in place meanwhile. A changed file fails this write,
 * the connection closes, and the client sees a response shorter than its Content-Length, never a complete
 * one that mixes two versions.
 */
final class VerifiedTail extends AbstractReferenceCounted implements FileRegion {

    private final PinnedContent.Sendfile file;
    private final long position;
    private final int count;
    private ByteBuffer bytes;
    private long transferred;

    VerifiedTail(PinnedContent.Sendfile file, long position, int count) {
        this.file = file;
        this.position = position;
        this.count = count;
        file.retain();
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        if (bytes == null) {
            file.verifyUnchanged();
            ByteBuffer buf = ByteBuffer.allocate(count);
            while (buf.hasRemaining()) {
                if (file.read(buf, this.position + buf.position()) < 0) {
                    throw new ContentChangedException(file.describe() + " was truncated while it was being sent");
                }
            }
            buf.flip();
            bytes = buf;
        }
        int written = target.write(bytes);
        transferred += written;
        if (written < 0) {
            throw new EOFException();
        }
        return written;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    protected void deallocate() {
        file.release();
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }
}
