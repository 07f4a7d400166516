package dev.carryon.client.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * A file slice read through the JVM in pieces, for bodies something must see (a hash), that end with trailers,
 * or that go where sendfile cannot (TLS, HTTP/2). Ends with a last content carrying the trailers.
 */
final class SliceInput implements ChunkedInput<HttpContent> {

    private static final int CHUNK = 128 << 10;

    private final FileSlice slice;
    private final FileChannel file;
    private long done;
    private boolean lastSent;

    SliceInput(FileSlice slice) throws IOException {
        this.slice = slice;
        this.file = FileChannel.open(slice.file(), StandardOpenOption.READ);
    }

    @Override
    public boolean isEndOfInput() {
        return lastSent;
    }

    @Override
    public void close() throws Exception {
        file.close();
    }

    @Override
    @Deprecated
    public HttpContent readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public HttpContent readChunk(ByteBufAllocator allocator) throws Exception {
        if (lastSent) {
            return null;
        }
        if (done == slice.length()) {
            lastSent = true;
            LastHttpContent last = new DefaultLastHttpContent();
            if (slice.trailers() != null) {
                for (String[] t : slice.trailers().get()) {
                    last.trailingHeaders().add(t[0], t[1]);
                }
            }
            return last;
        }
        int n = (int) Math.min(CHUNK, slice.length() - done);
        ByteBuf buf = allocator.ioBuffer(n);
        try {
            while (buf.readableBytes() < n) {
                int read = buf.writeBytes(file, slice.offset() + done + buf.readableBytes(), n - buf.readableBytes());
                if (read < 0) {
                    throw new IOException(slice.file() + " is shorter than it was (" + (slice.offset() + done) + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
        if (slice.tap() != null) {
            ByteBuffer view = buf.nioBuffer();
            slice.tap().accept(view);
        }
        done += n;
        if (slice.sent() != null) {
            slice.sent().accept(n);
        }
        return new DefaultHttpContent(buf);
    }

    @Override
    public long length() {
        return slice.length();
    }

    @Override
    public long progress() {
        return done;
    }
}
