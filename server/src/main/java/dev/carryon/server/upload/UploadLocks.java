package dev.carryon.server.upload;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One writer per upload. A request that wants to write (or to know the offset) asks the current writer to let go
 * rather than being turned away: no 423 dead ends after a network drop. The writer lets go through its
 * {@link Writer} callback, ending its body and committing what arrived.
 */
public interface UploadLocks {

    /** What holds an upload: its request, how to end its body, and when its last byte came. */
    interface Holder {
        Writer writer();

        /** Ends the body, keeping (committing) what arrived; completes once that is done. */
        CompletableFuture<Void> abort(String why);

        long lastByteNanos();
    }

    /** The upload's writer, or null. */
    Holder writer(String id);

    /** Makes {@code holder} the upload's writer if it has none; false when another one is. */
    boolean claim(String id, Holder holder);

    /** Ends {@code holder}'s hold (nothing if it is no longer the writer). */
    void release(String id, Holder holder);

    /**
     * Asks the upload's writer, if any, to let go; completes once it has, its bytes committed. A writer claimed
     * meanwhile is not asked: call again.
     */
    CompletableFuture<Void> takeOver(String id, String why);

    /**
     * Takes over a writer that is silent for {@code stall} or whose connection is gone; a writer still receiving is
     * left alone. Completes once any takeover is done.
     */
    CompletableFuture<Void> takeOverIfStalled(String id, Duration stall);
}
