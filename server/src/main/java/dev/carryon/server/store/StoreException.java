package dev.carryon.server.store;

/** The embedded database failed; what was being done is in the message. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(cause == null ? message : message + ": " + cause.getMessage(), cause);
    }
}
