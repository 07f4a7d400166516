package dev.carryon.core.upload;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * What may be done to an upload, decided before any byte is written. Each check throws
 * {@link UploadException} with the status and reason the protocols want.
 */
public final class UploadRules {

    private UploadRules() {
    }

    /** A request may touch an upload only if it is the owner's and the upload is still there. */
    public static void access(Upload u, String requester, Instant now) {
        if (u.owner() != null && !u.owner().equals(requester)) {
            // 404, not 403: a stranger learns nothing about an upload id.
            throw new UploadException(404, "no such upload");
        }
        if (u.state() == Upload.State.EXPIRED || (u.state() == Upload.State.ACTIVE && u.expires() != null
                && !now.isBefore(u.expires()))) {
            throw new UploadException(410, "the upload expired; start a new one");
        }
    }

    /** A new upload's declared length, against the server's maximum. */
    public static void creation(long length, boolean deferred, long maxSize) {
        if (!deferred && length < 0) {
            throw UploadException.badRequest("a new upload needs Upload-Length, or Upload-Defer-Length: 1");
        }
        if (maxSize > 0 && length > maxSize) {
            throw new UploadException(413, "the upload's " + length + " bytes exceed the server's maximum of "
                    + maxSize);
        }
    }

    /**
     * An append of up to {@code bodyLength} bytes (-1 when unknown) at {@code requestOffset}, perhaps declaring
     * the length now ({@code declaredLength}). Returns the length the upload has once the append is accepted.
     */
    public static long append(Upload u, long requestOffset, OptionalLong declaredLength, long bodyLength,
                              long maxSize) {
        if (u.isFinal()) {
            throw new UploadException(403, "a final upload is assembled from its parts; it takes no data");
        }
        if (u.state() == Upload.State.COMPLETE) {
            throw new UploadException(409, "the upload is already complete", u.offset());
        }
        if (requestOffset != u.offset()) {
            throw new UploadException(409, "the upload is at offset " + u.offset() + ", not " + requestOffset,
                    u.offset());
        }
        long length = u.length();
        if (declaredLength.isPresent()) {
            long declared = declaredLength.getAsLong();
            if (u.lengthKnown() && declared != u.length()) {
                throw UploadException.badRequest("the upload's length is " + u.length() + "; it cannot become "
                        + declared);
            }
            if (declared < u.offset()) {
                throw UploadException.badRequest("a length of " + declared + " is less than the " + u.offset()
                        + " bytes already received");
            }
            if (maxSize > 0 && declared > maxSize) {
                throw new UploadException(413, "the upload's " + declared + " bytes exceed the server's maximum of "
                        + maxSize);
            }
            length = declared;
        }
        if (length >= 0 && bodyLength >= 0 && requestOffset + bodyLength > length) {
            throw new UploadException(413, "the chunk of " + bodyLength + " bytes at offset " + requestOffset
                    + " runs past the upload's length of " + length);
        }
        if (length < 0 && maxSize > 0 && bodyLength >= 0 && requestOffset + bodyLength > maxSize) {
            throw new UploadException(413, "the upload would exceed the server's maximum of " + maxSize + " bytes");
        }
        return length;
    }
}
