package dev.carryon.core.field;

/** A field value that is not a valid structured field; the message says where and why. */
public final class StructuredFieldException extends IllegalArgumentException {

    public StructuredFieldException(String message) {
        super(message);
    }
}
