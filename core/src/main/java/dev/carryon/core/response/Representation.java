package dev.carryon.core.response;

import dev.carryon.core.conditional.Validators;

import java.util.Objects;

/** What the server knows about the selected representation before sending any of it. */
public record Representation(long length, String contentType, Validators validators) {

    public Representation {
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
        Objects.requireNonNull(contentType);
        Objects.requireNonNull(validators);
    }
}
