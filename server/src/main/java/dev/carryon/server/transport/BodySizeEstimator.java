package dev.carryon.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.FileRegion;
import io.netty.channel.MessageSizeEstimator;

/**
 * Counts file regions by the bytes they will send. Netty's default counts them as nothing, which would let a
 * chunked body queue all of a huge file's regions at once; counted, the channel turns unwritable after the first
 * and the next is produced only when it has drained.
 */
final class BodySizeEstimator implements MessageSizeEstimator {

    static final BodySizeEstimator INSTANCE = new BodySizeEstimator();

    private static final Handle HANDLE = msg -> {
        if (msg instanceof ByteBuf b) {
            return b.readableBytes();
        }
        if (msg instanceof ByteBufHolder h) {
            return h.content().readableBytes();
        }
        if (msg instanceof FileRegion r) {
            return (int) Math.min(Integer.MAX_VALUE, r.count() - r.transferred());
        }
        return 8;
    };

    @Override
    public Handle newHandle() {
        return HANDLE;
    }
}
