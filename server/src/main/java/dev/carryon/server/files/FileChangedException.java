package dev.carryon.server.files;

import java.io.IOException;

/** The file a response reads changed while it was being read; the response must end, cut. */
public final class FileChangedException extends IOException {

    public FileChangedException(String message) {
        super(message);
    }
}
