package dev.carryon.server.store;

import dev.carryon.server.ServerConfig;

import java.io.IOException;

/**
 * Builds the {@link Storage} a server runs on from its configuration. A library user who keeps files or
 * records elsewhere hands {@code CarryonServer.start} a factory of their own.
 */
@FunctionalInterface
public interface StorageFactory {

    /**
     * Opens the storage; a failure says what to change.
     *
     * @throws IOException when the environment refuses (the state directory cannot be created, say)
     */
    Storage open(ServerConfig config) throws IOException;

    /** {@code --state DIR}: SQLite in the state directory, files from the served directory. */
    static StorageFactory local() {
        return LocalStorage::open;
    }

    /** The storage a configuration asks for; today there is only the local one. */
    static StorageFactory forConfig(ServerConfig config) {
        return local();
    }
}
