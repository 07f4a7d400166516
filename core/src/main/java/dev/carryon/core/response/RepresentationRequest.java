package dev.carryon.core.response;

import dev.carryon.core.conditional.ConditionalHeaders;

import java.util.Objects;

/**
 * A GET or HEAD as the planner sees it.
 *
 * @param range the Range field value, or null
 */
public record RepresentationRequest(boolean head, String range, ConditionalHeaders conditions) {

    public RepresentationRequest {
        Objects.requireNonNull(conditions);
    }

    public static RepresentationRequest get(String range, ConditionalHeaders conditions) {
        return new RepresentationRequest(false, range, conditions);
    }

    public static RepresentationRequest head(ConditionalHeaders conditions) {
        return new RepresentationRequest(true, null, conditions);
    }
}
