package dev.carryon.client.download;

import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DownloadSmokeTest {

    static Path served;
    static CarryonServer server;
    static byte[] data = new byte[20 << 20];

    @BeforeAll
    static void start() throws Exception {
        served = Files.createTempDirectory("carryon-served-");
        new Random(5).nextBytes(data);
        Path f = Files.write(served.resolve("data.bin"), data);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
        server = CarryonServer.start(ServerConfig.builder(served).port(0).accessLog("off")
                .stateDir(Files.createTempDirectory("carryon-state-")).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void downloadsWithFourConnections(@TempDir Path out) throws Exception {
        try (Downloader d = Downloader.builder().options(DownloadOptions.builder().connections(4).build()).build()) {
            DownloadListener.Finished f = d.download(URI.create(server.url() + "data.bin"), Destination.directory(out));
            assertThat(f.file()).isEqualTo(out.resolve("data.bin"));
            assertThat(Files.readAllBytes(f.file())).isEqualTo(data);
            assertThat(Files.exists(out.resolve("data.bin.part"))).isFalse();
            assertThat(Files.exists(out.resolve("data.bin.carryon"))).isFalse();
        }
    }
}
