package dev.carryon.server.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

/** What the tests that bound a server's memory measure. */
public final class Memory {

    private Memory() {
    }

    /** Live heap after a collection, plus the direct memory Netty's allocator holds for buffers in use. */
    public static long used() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        long direct = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                ? p.metric().usedDirectMemory() : 0;
        return heap + direct;
    }
}
