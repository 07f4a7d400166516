package dev.carryon.core.upload;

/** A request an upload endpoint refuses: the status to answer and why. */
public final class UploadException extends RuntimeException {

    /**
     * What a refusal is about, for a protocol that answers it with more than its status (the IETF draft's problem
     * types): decided where the rule is, so that no responder has to read it out of the message.
     */
    public enum Reason {
        OTHER,
        /** The upload is complete and takes no more appends. */
        ALREADY_COMPLETE
    }

    private final int status;
    private final long currentOffset;
    private final Reason reason;

    public UploadException(int status, String message) {
        this(status, message, -1);
    }

    /** @param currentOffset the offset to tell the client (409), or -1 */
    public UploadException(int status, String message, long currentOffset) {
        this(status, Reason.OTHER, message, currentOffset);
    }

    public UploadException(int status, Reason reason, String message, long currentOffset) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.currentOffset = currentOffset;
    }

    public static UploadException badRequest(String reason) {
        return new UploadException(400, reason);
    }

    public int status() {
        return status;
    }

    public long currentOffset() {
        return currentOffset;
    }

    public Reason reason() {
        return reason;
    }
}
