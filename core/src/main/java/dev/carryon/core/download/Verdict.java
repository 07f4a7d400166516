package dev.carryon.core.download;

import dev.carryon.core.range.ByteRange;

import java.time.Duration;

/** What a response means for a download: what {@link ResponseJudge} decides. */
public sealed interface Verdict {

    /**
     * A body to keep.
     *
     * @param range     the bytes of the representation the body carries; null when the length is unknown
     *                  (a 200 without Content-Length: the bytes from 0 to the end of the body)
     * @param restart   the body is the whole representation from byte 0 although a range was asked: the
     *                  server does not do ranges, or the file changed; whatever was held before is dropped
     * @param verified  the body is known to be of the expected version (a strong validator matched, or it is
     *                  a fresh start); when false, the caller compares bytes it already holds before trusting
     *                  the rest
     */
    record Body(ByteRange range, RemoteVersion version, boolean restart, boolean verified) implements Verdict {
    }

    /** 206 of another version than the one being assembled: drop this body and everything held, start over. */
    record Changed(RemoteVersion version, String reason) implements Verdict {
    }

    /** 416: no byte from where we asked. {@code length} is the length the server states, or -1. */
    record Unsatisfiable(long length) implements Verdict {
    }

    /** A failure worth another try later (408, 429, 5xx that say so). */
    record Retry(String reason, Duration retryAfter) implements Verdict {
    }

    /** A failure that retrying will not cure. */
    record Failure(Kind kind, int status, String reason) implements Verdict {
    }

    enum Kind {
        /** The server refused: 4xx and 5xx that are not transient. */
        HTTP,
        /** The server broke the protocol: a 206 other than asked, a length that contradicts itself. */
        PROTOCOL
    }
}
