package dev.carryon.server.files;

import io.netty.channel.DefaultFileRegion;

/**
 * A zero-copy span of an {@link OpenFile} that shares its descriptor with the other spans of the same
 * response. It is a {@link DefaultFileRegion} so that Netty's native transport sends it with sendfile(2);
 * releasing it releases the shared file instead of closing the descriptor under the other spans.
 */
final class SharedFileRegion extends DefaultFileRegion {

    private final OpenFile file;

    SharedFileRegion(OpenFile file, long position, long count) {
        super(file.channel(), position, count);
        this.file = file;
        file.retain();
    }

    @Override
    protected void deallocate() {
        file.release();
    }
}
