package dev.carryon.core.upload;

/** A request an upload endpoint refuses: the status to answer and why. */
public final class UploadException extends RuntimeException {

    private final int status;
    private final long currentOffset;

    public UploadException(int status, String reason) {
        this(status, reason, -1);
    }

    /** @param currentOffset the offset to tell the client (409), or -1 */
    public UploadException(int status, String reason, long currentOffset) {
        super(reason, null, false, false);
        this.status = status;
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
}
