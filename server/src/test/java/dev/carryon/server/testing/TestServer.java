package dev.carryon.server.testing;

import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A carryon server on a free loopback port over a fresh temporary root, for one test class or one test.
 * Files are written into {@link #root()}; requests go to {@link #uri(String)} or, raw, to {@link #port()}.
 */
public final class TestServer implements AutoCloseable {

    private final Path root;
    private final Path state;
    private CarryonServer server;

    private TestServer(Path root, Path state, CarryonServer server) {
        this.root = root;
        this.state = state;
        this.server = server;
    }

    /** A server with the defaults, access log off. */
    public static TestServer start() {
        return start(b -> b);
    }

    /** A server whose configuration the test adjusts; root, port, host and access log are preset. */
    public static TestServer start(UnaryOperator<ServerConfig.Builder> adjust) {
        try {
            Path dir = Files.createTempDirectory("carryon-test-");
            Path root = Files.createDirectory(dir.resolve("root"));
            Path state = dir.resolve("state");
            ServerConfig config = adjust.apply(ServerConfig.builder(root).stateDir(state).port(0).accessLog("off"))
                    .build();
            return new TestServer(root, state, CarryonServer.start(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops this server and starts a new one with the same configuration (port aside) and state. */
    public TestServer restart() {
        ServerConfig config = server.config();
        server.close();
        try {
            server = CarryonServer.start(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Stops this server, runs {@code whileStopped} (which may change the state directory, as a crash at some point
     * would have left it), and starts a new one with the same configuration (port aside) and state.
     */
    public TestServer restart(Runnable whileStopped) {
        ServerConfig config = server.config();
        server.close();
        whileStopped.run();
        try {
            server = CarryonServer.start(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Stops this server and starts a new one on the same root and state, its configuration adjusted. */
    public TestServer restart(UnaryOperator<ServerConfig.Builder> adjust) {
        ServerConfig config = adjust.apply(server.config().toBuilder()).build();
        server.close();
        try {
            server = CarryonServer.start(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public Path root() {
        return root;
    }

    public Path state() {
        return state;
    }

    public int port() {
        return server.address().getPort();
    }

    public CarryonServer server() {
        return server;
    }

    /** {@code http://127.0.0.1:PORT} + path (a path starting with '/'). */
    public URI uri(String path) {
        return URI.create(server.url().replaceAll("/$", "") + path);
    }

    /** Writes a file under the root and returns its path. */
    public Path file(String relative, byte[] content) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            return Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttp raw() {
        return new RawHttp("127.0.0.1", port());
    }

    @Override
    public void close() {
        server.close();
        TestFiles.deleteRecursively(root.getParent());
    }
}
