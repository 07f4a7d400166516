package dev.carryon.client.upload;

import dev.carryon.client.TransferException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** What an upload tells its caller as it goes; every method has a do-nothing default. */
public interface UploadListener {

    record Started(Path file, URI endpoint, URI upload, long length, long offset, boolean resumed, int parts) {
    }

    /** {@code acknowledged}: bytes the server confirmed; {@code sent}: bytes that left (this run). */
    record Progress(Path file, long acknowledged, long sent, long length, long bytesPerSecond, int connections) {
    }

    /**
     * @param served where the server serves the finished file (carryon serve says so in the upload's
     *               {@code Content-Location}; the name may differ from the local one after a clash), or null
     */
    record Finished(Path file, URI upload, long length, long sent, Duration elapsed, boolean alreadyComplete,
                    URI served) {
    }

    default void started(Started s) {
    }

    default void progress(Progress p) {
    }

    default void notice(Path file, String message) {
    }

    default void retrying(Path file, String reason, Duration delay, int failures) {
    }

    default void finished(Finished f) {
    }

    default void failed(Path file, TransferException e) {
    }
}
