package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Recorder;
import dev.carryon.client.testing.Served;
import dev.carryon.client.testing.SmallFileSystem;
import dev.carryon.core.download.DownloadState;
import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A disk that fills up during a download: LOCAL_IO, a message that says to free space, nothing held lost. */
@Timeout(60)
class DiskFullTest {

    static final int SIZE = 12 << 20;
    static Path served;
    static CarryonServer server;
    static byte[] data;

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-diskfull-");
        data = Served.random(SIZE, 121);
        Served.put(served, "big.bin", data);
        server = Fixtures.server(served, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFullDiskFailsWithLocalIoAndARerunAfterFreeingSpaceFinishes(@TempDir Path tmp) throws Exception {
        Path mountPoint = Files.createDirectories(tmp.resolve("small"));
        try (SmallFileSystem fs = SmallFileSystem.mount(mountPoint, 6)) {
            Path target = mountPoint.resolve("big.bin");
            Recorder rec = new Recorder();
            // rate-limited so that checkpoints happen before the disk is full
            try (Downloader d = Fixtures.downloader(rec, DownloadOptions.builder().connections(4)
                    .minSplit(256 << 10).limitRate(4 << 20).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(server.url() + "big.bin"),
                        Destination.file(target)), TransferException.class);
                assertThat(e).as("a download larger than the disk").isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.LOCAL_IO);
                assertThat(e.getMessage()).containsIgnoringCase("no space left")
                        .contains("free some space and rerun the same command");
            }
            assertThat(rec.retries).as("a full disk is not retried").isEmpty();
            assertThat(Files.exists(target)).isFalse();
            Optional<DownloadState> state = Fixtures.state(target);
            assertThat(state).as("the control file kept from the last checkpoint").isPresent();
            assertThat(Fixtures.claimsHold(state.get(), Fixtures.part(target), data)).isNull();
            long held = state.get().held().size();
            assertThat(held).isGreaterThan(0);

            fs.resize(40);
            Recorder again = new Recorder();
            try (Downloader d = Fixtures.downloader(again, DownloadOptions.builder().connections(4)
                    .minSplit(256 << 10).build())) {
                DownloadListener.Finished f = d.download(URI.create(server.url() + "big.bin"),
                        Destination.file(target));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
                assertThat(again.started.get(0).alreadyHeld()).isEqualTo(held);
                assertThat(f.fetched()).isEqualTo(SIZE - held);
            }
        }
    }
}
