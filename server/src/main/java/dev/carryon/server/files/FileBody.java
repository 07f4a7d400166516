package dev.carryon.server.files;

import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.MultipartLayout;
import dev.carryon.server.content.ContentChangedException;
import dev.carryon.server.content.PinnedContent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a file response, produced piece by piece as the connection drains, so that memory stays
 * bounded whatever the size of the file or the number of parts. Ends with a {@link LastHttpContent}. Reads only
 * the {@link PinnedContent} it is given, so every byte is of the version that was opened.
 *
 * <p>In {@link Mode#ZERO_COPY} (content that is a local file only) file bytes leave as sendfile regions of at
 * most {@link #CHECK_INTERVAL} bytes, each followed by a {@link VerifiedTail}: the file is checked at least that
 * often and before its last byte.
 * In {@link Mode#COPY} (TLS, HTTP/2) bytes are read into buffers and the file is checked after every read.
 */
public final class FileBody implements ChunkedInput<Object> {

    /** How many file bytes may leave between two checks that the file is unchanged. */
    static final long CHECK_INTERVAL = 8L << 20;
    private static final int COPY_CHUNK = 64 << 10;

    public enum Mode {
        /** sendfile(2) through Netty regions; only for plain HTTP/1.1. */
        ZERO_COPY,
        /** Reads into buffers; for TLS and HTTP/2, where bytes must pass through the JVM. */
        COPY
    }

    private sealed interface Piece {
    }

    private record Bytes(byte[] bytes) implements Piece {
    }

    private record Span(long position, long length) implements Piece {
    }

    private final PinnedContent file;
    private final Mode mode;
    private final List<Piece> pieces;
    private final long length;
    private int index;
    private long offsetInSpan;
    private boolean tailPending;
    private boolean lastSent;
    private boolean closed;
    private long produced;

    private FileBody(PinnedContent file, Mode mode, List<Piece> pieces) {
        if (mode == Mode.ZERO_COPY && !(file instanceof PinnedContent.Sendfile)) {
            throw new IllegalArgumentException(file.describe() + " is no local file: it cannot be sent with sendfile");
        }
        this.file = file;
        this.mode = mode;
        this.pieces = pieces;
        long total = 0;
        for (Piece p : pieces) {
            total += p instanceof Bytes b ? b.bytes().length : ((Span) p).length();
        }
        this.length = total;
        file.retain();
    }

    /** One range of the file (the whole file is the range 0..length-1). */
    public static FileBody range(PinnedContent file, Mode mode, ByteRange range) {
        return new FileBody(file, mode, List.of(new Span(range.first(), range.length())));
    }

    /** No bytes at all: a zero-length file or HEAD. */
    public static FileBody empty(PinnedContent file, Mode mode) {
        return new FileBody(file, mode, List.of());
    }

    /** A multipart/byteranges body laid out by the core. */
    public static FileBody multipart(PinnedContent file, Mode mode, MultipartLayout layout) {
        List<Piece> pieces = new ArrayList<>(layout.parts().size() * 2 + 1);
        for (MultipartLayout.Part part : layout.parts()) {
            pieces.add(new Bytes(part.header()));
            pieces.add(new Span(part.range().first(), part.range().length()));
        }
        pieces.add(new Bytes(layout.trailer()));
        return new FileBody(file, mode, pieces);
    }

    /**
     * The whole body read into one buffer, for bodies small enough that a copy costs less than sendfile's extra
     * system calls. The caller confirms the file's version after this read.
     */
    public ByteBuf readFully(ByteBufAllocator allocator) throws IOException {
        ByteBuf out = allocator.ioBuffer((int) length);
        try {
            for (Piece p : pieces) {
                if (p instanceof Bytes b) {
                    out.writeBytes(b.bytes());
                } else {
                    Span span = (Span) p;
                    long end = span.position() + span.length();
                    long at = span.position();
                    while (at < end) {
                        int n = read(out, at, (int) (end - at));
                        if (n < 0) {
                            throw new ContentChangedException(file.describe()
                                    + " was truncated while it was being read");
                        }
                        at += n;
                    }
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        }
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public boolean isEndOfInput() {
        return lastSent;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            file.release();
        }
    }

    @Override
    @Deprecated
    public Object readChunk(io.netty.channel.ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public Object readChunk(ByteBufAllocator allocator) throws Exception {
        if (lastSent) {
            return null;
        }
        if (index == pieces.size()) {
            lastSent = true;
            return LastHttpContent.EMPTY_LAST_CONTENT;
        }
        Piece piece = pieces.get(index);
        if (piece instanceof Bytes b) {
            index++;
            produced += b.bytes().length;
            return content(Unpooled.wrappedBuffer(b.bytes()));
        }
        Span span = (Span) piece;
        return mode == Mode.ZERO_COPY ? nextRegion(span) : nextBuffer(span, allocator);
    }

    private Object nextRegion(Span span) {
        PinnedContent.Sendfile local = (PinnedContent.Sendfile) file;
        long remaining = span.length() - offsetInSpan;
        long at = span.position() + offsetInSpan;
        if (tailPending || remaining == 1) {
            tailPending = false;
            advance(span, 1);
            return new VerifiedTail(local, at, 1);
        }
        long chunk = Math.min(remaining, CHECK_INTERVAL);
        tailPending = true;
        advance(span, chunk - 1);
        return new SharedFileRegion(local, at, chunk - 1);
    }

    /** Up to {@code length} bytes at {@code position} appended to {@code out}; -1 at the end of the content. */
    private int read(ByteBuf out, long position, int length) throws IOException {
        if (file instanceof PinnedContent.Sendfile local) {
            return out.writeBytes(local.channel(), position, length); // straight into the buffer's memory
        }
        out.ensureWritable(length);
        int n = file.read(out.nioBuffer(out.writerIndex(), length), position);
        if (n > 0) {
            out.writerIndex(out.writerIndex() + n);
        }
        return n;
    }

    private Object nextBuffer(Span span, ByteBufAllocator allocator) throws IOException {
        int n = (int) Math.min(span.length() - offsetInSpan, COPY_CHUNK);
        long at = span.position() + offsetInSpan;
        ByteBuf buf = allocator.ioBuffer(n);
        try {
            while (buf.readableBytes() < n) {
                if (read(buf, at + buf.readableBytes(), n - buf.readableBytes()) < 0) {
                    throw new ContentChangedException(file.describe() + " was truncated while it was being sent");
                }
            }
            file.verifyUnchanged();
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
        advance(span, n);
        return content(buf);
    }

    private void advance(Span span, long n) {
        produced += n;
        offsetInSpan += n;
        if (offsetInSpan == span.length()) {
            index++;
            offsetInSpan = 0;
        }
    }

    private Object content(ByteBuf buf) {
        return mode == Mode.COPY ? new DefaultHttpContent(buf) : buf;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return produced;
    }
}
