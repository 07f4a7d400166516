package dev.carryon.server.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The upload records' contract on the embedded database. */
class SqliteUploadStoreTest extends UploadStoreContract {

    @TempDir
    Path dir;

    StateStore state;

    @Override
    protected UploadStore store() {
        try {
            state = StateStore.open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return state.uploads();
    }

    @AfterEach
    void close() {
        if (state != null) {
            state.close();
        }
    }
}
