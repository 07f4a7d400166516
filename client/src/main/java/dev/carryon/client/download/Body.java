package dev.carryon.client.download;

import dev.carryon.client.http.BodyPiece;
import dev.carryon.client.http.Call;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A response body positioned in the representation: {@link #position()} is the byte the next piece starts at.
 * Pieces can be compared with bytes already held ({@link #matches}) before the rest is trusted.
 */
final class Body implements AutoCloseable {

    private final Fetcher.Response response;
    private long position;
    private BodyPiece pending;

    Body(Fetcher.Response response, long position) {
        this.response = response;
        this.position = position;
    }

    /** A body with nothing to give, at {@code position}: every byte is already held. */
    static Body empty(long position) {
        return new Body(null, position);
    }

    Fetcher.Response response() {
        return response;
    }

    /** The call, or null for an empty body. */
    Call call() {
        return response == null ? null : response.call();
    }

    long position() {
        return position;
    }

    /** The next piece (the caller closes it and then calls {@link #advance}), or null at the end. */
    BodyPiece next() throws IOException {
        if (pending != null) {
            BodyPiece p = pending;
            pending = null;
            return p;
        }
        return response == null ? null : response.call().read();
    }

    void advance(long n) {
        position += n;
    }

    /**
     * Reads the body up to {@code until}, comparing it with what the part file holds there. True when every
     * byte matched; the body is then positioned at {@code until}. False on the first difference. A body that
     * ends first proves nothing either way: that is a broken connection (an IOException), not a different file.
     */
    boolean matches(PartFile part, long until) throws IOException {
        while (position < until) {
            BodyPiece piece = next();
            if (piece == null) {
                throw new IOException("the response ended within the " + (until - position)
                        + " bytes to compare with those held");
            }
            ByteBuffer got = piece.buffer();
            int n = (int) Math.min(got.remaining(), until - position);
            ByteBuffer held = ByteBuffer.allocate(n);
            if (!part.read(held, position)) {
                piece.close();
                return false;
            }
            held.flip();
            if (!got.slice(got.position(), n).equals(held)) {
                piece.close();
                return false;
            }
            got.position(got.position() + n);
            position += n;
            if (got.hasRemaining()) {
                pending = piece;
            } else {
                piece.close();
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.close();
            pending = null;
        }
        if (response != null) {
            response.call().close();
        }
    }
}
