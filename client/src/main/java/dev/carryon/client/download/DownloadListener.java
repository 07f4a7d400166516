package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a download tells its caller as it goes: for progress displays, logs and {@code --json}. Calls come from
 * the downloader's threads; every method has a do-nothing default.
 */
public interface DownloadListener {

    /** The download knows its file and, when the server said, its length. */
    record Started(URI url, Path file, long length, long alreadyHeld, boolean resumed, boolean rangesSupported,
                   String validator, String protocol) {
    }

    /** A snapshot, a few times a second. {@code length} is -1 when unknown. */
    record Progress(URI url, long held, long length, long bytesPerSecond, int connections) {
    }

    /** The end of a successful download. */
    record Finished(URI url, Path file, long length, long fetched, Duration elapsed, Map<String, String> verified,
                    boolean alreadyComplete) {
    }

    default void started(Started s) {
    }

    default void progress(Progress p) {
    }

    /** Something the user should know: a restart, a server without range support, a replaced connection. */
    default void notice(URI url, String message) {
    }

    /** A failure that will be retried after {@code delay}; {@code failures} in a row so far. */
    default void retrying(URI url, String reason, Duration delay, int failures) {
    }

    default void finished(Finished f) {
    }

    /** The download failed for good; the exception follows from {@code download}. */
    default void failed(URI url, TransferException e) {
    }
}
