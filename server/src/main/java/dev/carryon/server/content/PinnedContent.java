package dev.carryon.server.content;

import io.netty.util.ReferenceCounted;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * One version of a file, opened for one response and shared by the pieces of its body; released by the last of
 * them. Every byte read from it is of that version: a read that would see another fails with
 * {@link ContentChangedException}, never returns a mix.
 *
 * <p>A store that cannot pin at open time (a local file: Java cannot fstat a channel) pins by checking after the
 * fact: {@link #confirm()} after the first read and before anything is sent, {@link #verifyUnchanged()} while a
 * long body goes out. A store that pins at open (an object store's conditional GET) makes both no-ops.
 */
public interface PinnedContent extends ReferenceCounted {

    /** The version this was opened for. */
    ContentVersion version();

    /** Reads into {@code dst} from {@code position}; -1 at the end of what is there (a truncated file). */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Throws unless what has been read so far is of {@link #version()}: before trusting a first read. */
    void confirm() throws ContentChangedException;

    /** Throws if the version being read has changed since {@link #confirm()}; checked while a body goes out. */
    void verifyUnchanged() throws ContentChangedException;

    /** The key of the entry, for messages. */
    String describe();

    /**
     * Optional: content that lives in a local file, whose bytes may leave by sendfile(2) straight from the page
     * cache. The transport uses it only where it may (plain HTTP/1.1, and the {@code --sendfile} rule).
     */
    interface Sendfile extends PinnedContent {

        /** The open descriptor; regions of it are sent, then checked with {@link #verifyUnchanged()}. */
        FileChannel channel();
    }
}
