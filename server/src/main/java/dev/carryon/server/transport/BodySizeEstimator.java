package dev.carryon.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.FileRegion;
import io.netty.channel.MessageSizeEstimator;

/**
 * Gives file regions a weight in the channel's pending bytes. Netty's default counts them as nothing, which
 * would let a chunked body queue all of a huge file's regions at once. A region holds no memory (it is a
 * reference to the page cache), so it counts for {@link #REGION_WEIGHT} bytes, not its length: a body's region
 * and its verified tail leave in one flush (no extra wake-up of either side), and a huge file still has only
 * a couple of regions queued at a time.
 */
final class BodySizeEstimator implements MessageSizeEstimator {

    static final BodySizeEstimator INSTANCE = new BodySizeEstimator();

    /** Half the default high water mark (64 KiB): two regions in flight, then the channel is unwritable. */
    static final int REGION_WEIGHT = 32 << 10;

    private static final Handle HANDLE = msg -> {
        if (msg instanceof ByteBuf b) {
            return b.readableBytes();
        }
        if (msg instanceof ByteBufHolder h) {
            return h.content().readableBytes();
        }
        if (msg instanceof FileRegion r) {
            return (int) Math.min(REGION_WEIGHT, r.count() - r.transferred());
        }
        return 8;
    };

    @Override
    public Handle newHandle() {
        return HANDLE;
    }
}
