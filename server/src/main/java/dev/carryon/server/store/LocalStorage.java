package dev.carryon.server.store;

import dev.carryon.server.ServerConfig;
import dev.carryon.server.files.LocalDirectory;

import java.io.IOException;
import java.nio.file.Files;

/** One machine: the served directory as it is on disk, and the embedded database in the state directory. */
public final class LocalStorage implements Storage {

    private final LocalDirectory content;
    private final StateStore state;

    private LocalStorage(LocalDirectory content, StateStore state) {
        this.content = content;
        this.state = state;
    }

    /** Creates the state directory if needed and opens the database in it. */
    public static LocalStorage open(ServerConfig config) throws IOException {
        try {
            Files.createDirectories(config.stateDir());
        } catch (IOException e) {
            throw new IOException("cannot create the state directory " + config.stateDir() + " (" + e + ");"
                    + " choose a writable one with --state DIR", e);
        }
        StateStore state = StateStore.open(config.stateDir());
        try {
            return new LocalStorage(new LocalDirectory(config.root(), config.stateDir(), config.followSymlinks(),
                    config.serveHidden()), state);
        } catch (IOException | RuntimeException e) {
            state.close();
            throw e;
        }
    }

    @Override
    public LocalDirectory content() {
        return content;
    }

    @Override
    public DigestStore digests() {
        return state.digests();
    }

    @Override
    public UploadStore uploads() {
        return state.uploads();
    }

    @Override
    public TransferStore transfers() {
        return state.transfers();
    }

    /** The directory that holds the bytes of uploads in progress. */
    public java.nio.file.Path uploadDataDir() {
        return state.uploadDataDir();
    }

    @Override
    public void close() {
        state.close();
    }
}
