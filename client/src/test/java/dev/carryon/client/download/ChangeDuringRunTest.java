package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.testing.FaultProxy;
import dev.carryon.client.testing.FaultProxy.Fault;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Recorder;
import dev.carryon.client.testing.Served;
import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served file is replaced (a new file of the same size renamed over it) while a download runs. Connections
 * that already stream keep sending the old bytes; every new request must notice the change. The result is the
 * new version, never bytes of both.
 */
@Timeout(40)
class ChangeDuringRunTest {

    static final int SIZE = 12 << 20;
    static final AtomicInteger names = new AtomicInteger();
    static Path served;
    static CarryonServer server;
    FaultProxy proxy;

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-change-");
        server = Fixtures.server(served, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = FaultProxy.start(server.address());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    /**
     * Serves an old version, cuts every response after 1-2 MiB so that the download keeps reconnecting, and
     * replaces the file when the {@code at}-th request arrives. Returns the new version's bytes after the run.
     */
    byte[] replacedDuringRun(Path out, int connections, int at, UnaryOperator<Fault> validators, Recorder rec)
            throws Exception {
        String name = "c" + names.incrementAndGet() + ".bin";
        byte[] old = Served.random(SIZE, 60 + names.get());
        byte[] fresh = Served.random(SIZE, 160 + names.get());
        Served.put(served, name, old);
        AtomicInteger requests = new AtomicInteger();
        Function<FaultProxy.Request, Fault> cuts = FaultProxy.randomCuts(names.get(), 1 << 20, 2 << 20, false);
        proxy.otherwise(r -> {
            Fault f = validators.apply(cuts.apply(r));
            if (requests.incrementAndGet() == at) {
                f = f.onRequest(() -> Served.put(served, name, fresh, 30));
            }
            return f;
        });
        try (Downloader d = Fixtures.downloader(rec, DownloadOptions.builder().minSplit(256 << 10)
                .connections(connections).retries(4).build())) {
            DownloadListener.Finished f = d.download(URI.create(proxy.url() + name), Destination.directory(out));
            String got = Served.sha256(f.file());
            assertThat(got).as("never bytes of two versions").isIn(Served.sha256(old), Served.sha256(fresh));
            assertThat(got).as("requests after the change must see it").isEqualTo(Served.sha256(fresh));
        }
        assertThat(requests.get()).isGreaterThan(at);
        return fresh;
    }

    @Test
    void withAStrongEtagEveryConnectionMovesToTheNewVersion(@TempDir Path out) throws Exception {
        Recorder rec = new Recorder();
        replacedDuringRun(out, 4, 4, f -> f, rec);
        assertThat(rec.notices).anyMatch(n -> n.contains("whole file") || n.contains("changed"));
    }

    @Test
    void withAWeakEtagOneConnectionNoticesTheChange(@TempDir Path out) throws Exception {
        Recorder rec = new Recorder();
        replacedDuringRun(out, 4, 3, Fault::weakValidators, rec);
        assertThat(rec.notices).anyMatch(n -> n.contains("starting over"));
    }

    @Test
    void withoutValidatorsTheOverlapNoticesTheChange(@TempDir Path out) throws Exception {
        Recorder rec = new Recorder();
        replacedDuringRun(out, 4, 3, Fault::dropValidators, rec);
        assertThat(rec.notices).anyMatch(n -> n.contains("starting over"));
    }

    @Test
    void replacedWhileConnectionsStreamWithoutFaults(@TempDir Path out) throws Exception {
        // no proxy: four connections stream at 4 MB/s in all; the file is replaced after a second
        String name = "t" + names.incrementAndGet() + ".bin";
        byte[] old = Served.random(SIZE, 90);
        byte[] fresh = Served.random(SIZE, 91);
        Served.put(served, name, old);
        Thread replacer = new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            Served.put(served, name, fresh, 30);
        });
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, DownloadOptions.builder().minSplit(256 << 10).connections(4)
                .limitRate(4 << 20).build())) {
            replacer.start();
            try {
                DownloadListener.Finished f = d.download(URI.create(server.url() + name), Destination.directory(out));
                assertThat(Served.sha256(f.file())).as("never bytes of two versions")
                        .isIn(Served.sha256(old), Served.sha256(fresh));
            } catch (TransferException e) {
                assertThat(e.getMessage()).doesNotContain("internal error");
                assertThat(Files.exists(out.resolve(name))).isFalse();
            }
        } finally {
            replacer.interrupt();
            replacer.join();
        }
    }
}
