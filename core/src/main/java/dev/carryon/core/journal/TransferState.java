package dev.carryon.core.journal;

import java.util.Locale;

/** How the journal shows a transfer. */
public enum TransferState {
    /** Bytes moved within the last {@link #ACTIVE_MILLIS} and it is not complete. */
    ACTIVE,
    /** Every byte of the file was sent, or the upload was completed. */
    DONE,
    /** Neither: the client stopped, or paused. */
    IDLE,
    /** An upload swept after its expiry. */
    EXPIRED;

    public static final long ACTIVE_MILLIS = 10_000;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TransferState of(boolean complete, long lastActivityMillis, long nowMillis) {
        if (complete) {
            return DONE;
        }
        return nowMillis - lastActivityMillis <= ACTIVE_MILLIS ? ACTIVE : IDLE;
    }
}
