package dev.carryon.server.files;

import dev.carryon.server.content.PinnedContent;
import io.netty.channel.DefaultFileRegion;

/**
 * A zero-copy span of local content ({@link PinnedContent.Sendfile}, an {@link OpenFile}) that shares its
 * descriptor with the other spans of the same response. It is a {@link DefaultFileRegion} so that Netty's
 * native transport sends it with sendfile(2); releasing it releases the shared file instead of closing the descriptor under the other spans.
 */
final class SharedFileRegion extends DefaultFileRegion {

    private final PinnedContent.Sendfile file;

    SharedFileRegion(PinnedContent.Sendfile file, long position, long count) {
        super(file.channel(), position, count);
        this.file = file;
        file.retain();
    }

    @Override
    protected void deallocate() {
        file.release();
    }
}
