package dev.carryon.server.store;

import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The upload data's contract in a local directory, publishing into a local served root. */
class LocalUploadDataTest extends UploadDataContract {

    @TempDir
    Path dir;

    @Override
    protected UploadData data(boolean overwrite) {
        try {
            Files.createDirectories(dir.resolve("root"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LocalUploadData(dir.resolve("state/uploads"), dir.resolve("root"), overwrite, null);
    }

    @Override
    protected byte[] published(String path) throws IOException {
        Path p = dir.resolve("root").resolve(path);
        return Files.exists(p) ? Files.readAllBytes(p) : null;
    }

    @Override
    protected void existing(String path, byte[] content) throws IOException {
        Files.createDirectories(dir.resolve("root"));
        Files.write(dir.resolve("root").resolve(path), content);
    }
}
