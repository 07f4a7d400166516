package dev.carryon.client.download;

import java.nio.file.Path;
import java.util.Objects;

/** Where a download goes: a file named by the user, or a directory where the server's or the URL's name is used. */
public record Destination(Path file, Path directory) {

    public Destination {
        if ((file == null) == (directory == null)) {
            throw new IllegalArgumentException("a destination is a file or a directory");
        }
    }

    public static Destination file(Path file) {
        return new Destination(Objects.requireNonNull(file), null);
    }

    public static Destination directory(Path directory) {
        return new Destination(null, Objects.requireNonNull(directory));
    }
}
