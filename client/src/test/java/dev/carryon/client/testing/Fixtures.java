package dev.carryon.client.testing;

import dev.carryon.client.download.DownloadListener;
import dev.carryon.client.download.DownloadOptions;
import dev.carryon.client.download.Downloader;
import dev.carryon.client.http.ClientConfig;
import dev.carryon.core.download.DownloadState;
import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/** Servers and downloaders as the download tests use them: short timeouts, no proxy from the environment. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A carryon server over {@code root} on a free loopback port, no access log. */
    public static CarryonServer server(Path root, boolean digests) throws IOException {
        return CarryonServer.start(ServerConfig.builder(root).port(0).accessLog("off").digests(digests)
                .shutdownTimeout(Duration.ofSeconds(1))
                .stateDir(Files.createTempDirectory("carryon-state-")).build());
    }

    /** Client settings for tests: a stall is noticed after {@code stall}. */
    public static ClientConfig client(Duration stall) {
        return ClientConfig.builder().connectTimeout(Duration.ofSeconds(3)).responseTimeout(Duration.ofSeconds(5))
                .stallTimeout(stall).noProxy(true).build();
    }

    public static Downloader downloader(DownloadListener listener, DownloadOptions options) throws IOException {
        return downloader(listener, options, Duration.ofSeconds(3));
    }

    public static Downloader downloader(DownloadListener listener, DownloadOptions options, Duration stall)
            throws IOException {
        return Downloader.builder().client(client(stall)).options(options).listener(listener).build();
    }

    /** The control file beside {@code target}, parsed; empty when absent. */
    public static Optional<DownloadState> state(Path target) throws IOException {
        Path control = target.resolveSibling(target.getFileName() + ".carryon");
        try {
            return Optional.of(DownloadState.parse(Files.readString(control, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public static Path part(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /**
     * Checks that every byte the control file claims is in the part file and equals {@code expected} there;
     * returns null when it holds, else what is wrong.
     */
    public static String claimsHold(DownloadState state, Path part, byte[] expected) throws IOException {
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long[] iv : state.held().intervals()) {
                if (iv[1] > size) {
                    return "the control file claims [" + iv[0] + ", " + iv[1] + ") but the part file has " + size
                            + " bytes";
                }
                if (iv[1] > expected.length) {
                    return "the control file claims bytes past " + expected.length;
                }
                ByteBuffer b = ByteBuffer.allocate((int) (iv[1] - iv[0]));
                while (b.hasRemaining()) {
                    if (ch.read(b, iv[0] + b.position()) < 0) {
                        return "short read";
                    }
                }
                b.flip();
                if (!b.equals(ByteBuffer.wrap(expected, (int) iv[0], (int) (iv[1] - iv[0])))) {
                    return "claimed bytes in [" + iv[0] + ", " + iv[1] + ") differ from the served file";
                }
            }
        }
        return null;
    }

    /** Bytes of {@code part} that equal {@code expected} at the same place, counted in whole 4 KiB blocks. */
    public static long matchingBytes(Path part, byte[] expected) throws IOException {
        byte[] got = Files.readAllBytes(part);
        long n = 0;
        for (int at = 0; at < Math.min(got.length, expected.length); at += 4096) {
            int len = Math.min(4096, Math.min(got.length, expected.length) - at);
            if (java.util.Arrays.equals(got, at, at + len, expected, at, at + len)) {
                n += len;
            }
        }
        return n;
    }
}
