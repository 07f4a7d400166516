package dev.carryon.client.http;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;

/**
 * A piece of a response body, handed out by {@link Call#read()}. Its bytes stay valid until {@link #close()},
 * which gives the memory back to the connection's pool; the caller consumes them by moving the position of
 * {@link #buffer()}. Netty's reference counting stays inside this package.
 */
public final class BodyPiece implements AutoCloseable {

    private final ByteBuf buf;
    private final ByteBuffer view;
    private boolean closed;

    BodyPiece(ByteBuf buf) {
        this.buf = buf;
        this.view = buf.nioBuffer();
    }

    /** The bytes not consumed yet: from its position to its limit. The same buffer on every call. */
    public ByteBuffer buffer() {
        return view;
    }

    /** Bytes not consumed yet. */
    public int remaining() {
        return view.remaining();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            buf.release();
        }
    }
}
