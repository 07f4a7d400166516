package dev.carryon.core.upload;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

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
            throw new UploadException(UploadException.Reason.NOT_FOUND, "no such upload");
        }
        if (u.state() == Upload.State.EXPIRED || (u.state() == Upload.State.ACTIVE && u.expires() != null
                && !now.isBefore(u.expires()))) {
            throw new UploadException(UploadException.Reason.EXPIRED, "the upload expired; start a new one");
        }
    }

    /** A new upload's declared length, against the server's maximum. */
    public static void creation(long length, boolean deferred, long maxSize) {
        if (!deferred && length < 0) {
            throw UploadException.malformed("a new upload needs Upload-Length, or Upload-Defer-Length: 1");
        }
        if (maxSize > 0 && length > maxSize) {
            throw new UploadException(UploadException.Reason.TOO_LARGE, "the upload's " + length + " bytes exceed the server's maximum of "
                    + maxSize);
        }
    }

    private static final String FINAL_TAKES_NO_DATA = "a final upload is assembled from its parts; it takes no data";

    /**
     * A final upload's creation request: the data of a final comes from its parts only, so a creation that carries
     * a body is refused as a PATCH to it is, before anything is made (else the body would be dropped unsaid).
     */
    public static void finalCreation(boolean withBody) {
        if (withBody) {
            throw new UploadException(UploadException.Reason.FINAL_TAKES_NO_DATA, FINAL_TAKES_NO_DATA + "; send its creation without a body");
        }
    }

    /**
     * A final upload's parts, by upload id: each named once. A repeat is never needed to rebuild a file, and it
     * would let one small partial multiply into a file of any size.
     */
    public static void finalParts(List<String> partIds) {
        Set<String> seen = new HashSet<>();
        for (String id : partIds) {
            if (!seen.add(id)) {
                throw new UploadException(UploadException.Reason.CONCAT_INVALID, "Upload-Concat names the partial upload " + id + " twice; a final"
                        + " upload names each partial once");
            }
        }
    }

    /**
     * A final upload's length: the sum of its parts' lengths (-1 for one not yet known), or -1 while one is
     * unknown. Even then the known ones are held to the server's maximum, since the sum can only grow.
     */
    public static long finalLength(List<Long> partLengths, long maxSize) {
        long known = 0;
        boolean unknown = false;
        for (long length : partLengths) {
            if (length < 0) {
                unknown = true;
            } else {
                known = length > Long.MAX_VALUE - known ? Long.MAX_VALUE : known + length;
            }
        }
        if (maxSize > 0 && known > maxSize) {
            throw new UploadException(UploadException.Reason.TOO_LARGE, "the final upload's parts add up to "
                    + (known == Long.MAX_VALUE ? "at least " + Long.MAX_VALUE : Long.toString(known))
                    + (unknown ? " bytes or more" : " bytes") + ", over the server's maximum of " + maxSize);
        }
        return unknown ? -1 : known;
    }

    /** How an append to an upload that is already complete is met: the protocols differ. */
    public enum Completed {
        /**
         * tus: the offsets are compared as for any upload, so an empty append at the upload's offset matches and
         * changes nothing (a client confirming where it is gets 204); anything else is refused.
         */
        EMPTY_APPEND_MATCHES,
        /** The IETF draft: a completed upload takes no append at all (its completed-upload refusal). */
        REFUSED
    }

    /**
     * An append of up to {@code bodyLength} bytes (-1 when unknown) at {@code requestOffset}, perhaps declaring
     * the length now ({@code declaredLength}). Returns the length the upload has once the append is accepted; an
     * accepted append to a complete upload is one that has nothing to write.
     */
    public static long append(Upload u, long requestOffset, OptionalLong declaredLength, long bodyLength,
                              long maxSize, Completed completed) {
        if (u.isFinal()) {
            throw new UploadException(UploadException.Reason.FINAL_TAKES_NO_DATA, FINAL_TAKES_NO_DATA);
        }
        if (u.state() == Upload.State.COMPLETE) {
            boolean matches = requestOffset == u.offset() && bodyLength == 0
                    && (declaredLength.isEmpty() || declaredLength.getAsLong() == u.length());
            if (completed == Completed.EMPTY_APPEND_MATCHES && matches) {
                return u.length();
            }
            throw new UploadException(UploadException.Reason.ALREADY_COMPLETE, "the upload is already complete",
                    u.offset());
        }
        if (requestOffset != u.offset()) {
            throw new UploadException(UploadException.Reason.OFFSET_MISMATCH, "the upload is at offset " + u.offset() + ", not " + requestOffset,
                    u.offset());
        }
        long length = u.length();
        if (declaredLength.isPresent()) {
            long declared = declaredLength.getAsLong();
            if (u.lengthKnown() && declared != u.length()) {
                throw new UploadException(UploadException.Reason.LENGTH_CHANGED, "the upload's length is " + u.length() + "; it cannot become "
                        + declared);
            }
            if (declared < u.offset()) {
                throw new UploadException(UploadException.Reason.LENGTH_BELOW_OFFSET, "a length of " + declared + " is less than the " + u.offset()
                        + " bytes already received");
            }
            if (maxSize > 0 && declared > maxSize) {
                throw new UploadException(UploadException.Reason.TOO_LARGE, "the upload's " + declared + " bytes exceed the server's maximum of "
                        + maxSize);
            }
            length = declared;
        }
        if (length >= 0 && bodyLength >= 0 && requestOffset + bodyLength > length) {
            throw new UploadException(UploadException.Reason.PAST_LENGTH, "the chunk of " + bodyLength + " bytes at offset " + requestOffset
                    + " runs past the upload's length of " + length);
        }
        if (length < 0 && maxSize > 0 && bodyLength >= 0 && requestOffset + bodyLength > maxSize) {
            throw new UploadException(UploadException.Reason.TOO_LARGE, "the upload would exceed the server's maximum of " + maxSize + " bytes");
        }
        return length;
    }
}
