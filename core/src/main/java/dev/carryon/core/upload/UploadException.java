package dev.carryon.core.upload;

/**
 * A request an upload endpoint refuses: what the refusal is about (its {@link Reason}, decided where the rule is)
 * and why, in words for the client. Each protocol maps the reason to its own status and, for the IETF draft, a
 * problem type, in one table of its own; no responder reads a refusal out of its message.
 */
public final class UploadException extends RuntimeException {

    /**
     * What a refusal is about. {@link #status()} is the HTTP meaning of the rule, which is what tus answers; the IETF
     * draft answers some of them otherwise (its table says which).
     */
    public enum Reason {
        /** A field or its value is malformed, missing or contradicts another field. */
        MALFORMED(400),
        /** {@code Upload-Concat: final} names something that cannot be a part of it. */
        CONCAT_INVALID(400),
        /** A body announced its checksum as a trailer and ended without one. */
        CHECKSUM_TRAILER_MISSING(400),
        /** A length given now differs from the one already known. */
        LENGTH_CHANGED(400),
        /** A length given now is less than what has already arrived. */
        LENGTH_BELOW_OFFSET(400),
        /** A body said to be the whole upload is not the length the request declares. */
        LENGTHS_DIFFER(400),
        /** The IETF draft's interop version is not one spoken here. */
        UNSUPPORTED_VERSION(400),
        /** No upload token, or an unknown one. */
        UNAUTHORIZED(401),
        /** A final upload is assembled from its parts and takes no data. */
        FINAL_TAKES_NO_DATA(403),
        /** No such upload (or not the requester's). */
        NOT_FOUND(404),
        /** The method is not one this target answers. */
        METHOD_NOT_ALLOWED(405),
        /** The body went silent for longer than allowed. */
        BODY_TIMEOUT(408),
        /** The request's offset is not the upload's. */
        OFFSET_MISMATCH(409),
        /** The upload is complete and takes no more appends. */
        ALREADY_COMPLETE(409),
        /** A newer request for the same upload took over this one. */
        SUPERSEDED(409),
        /** The upload expired. */
        EXPIRED(410),
        /** The upload would be larger than the server takes. */
        TOO_LARGE(413),
        /** A body runs past the upload's known length. */
        PAST_LENGTH(413),
        /** The request's Content-Type is not the protocol's. */
        UNSUPPORTED_MEDIA_TYPE(415),
        /** The chunk's checksum does not match its bytes. */
        CHECKSUM_MISMATCH(460),
        /** The server is taking as many uploads as it will at once. */
        BUSY(503),
        /** The storage is full (or cannot take the upload). */
        NO_SPACE(507),
        /** The server failed; not the request's fault. */
        INTERNAL(500);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        /** The HTTP status the rule stands for. */
        public int status() {
            return status;
        }
    }

    private final Reason reason;
    private final long currentOffset;

    public UploadException(Reason reason, String message) {
        this(reason, message, -1);
    }

    /** @param currentOffset the offset to tell the client (409), or -1 */
    public UploadException(Reason reason, String message, long currentOffset) {
        super(message == null ? reason.name().toLowerCase(java.util.Locale.ROOT) : message, null, false, false);
        this.reason = java.util.Objects.requireNonNull(reason);
        this.currentOffset = currentOffset;
    }

    /** A malformed request field. */
    public static UploadException malformed(String why) {
        return new UploadException(Reason.MALFORMED, why);
    }

    /** The status of the reason (tus's): see {@link Reason#status()}. */
    public int status() {
        return reason.status();
    }

    public long currentOffset() {
        return currentOffset;
    }

    public Reason reason() {
        return reason;
    }
}
