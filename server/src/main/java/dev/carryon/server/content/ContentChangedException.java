package dev.carryon.server.content;

import java.io.IOException;

/**
 * The content a response reads is not, or no longer, the version it was opened for. Before anything was sent
 * the response is tried again with the new version; after, it must end, cut.
 */
public final class ContentChangedException extends IOException {

    public ContentChangedException(String message) {
        super(message);
    }
}
