package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.testing.FaultProxy;
import dev.carryon.client.testing.FaultProxy.Fault;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Recorder;
import dev.carryon.client.testing.Served;
import dev.carryon.core.Props;
import dev.carryon.core.download.DownloadState;
import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A property on the fixed-seed harness: whatever scripted mix of faults the proxy injects (cuts, resets,
 * short stalls, 503s, a 200 instead of a 206, a wrong Content-Range, a corrupted byte), a download either ends
 * with exactly the served bytes or fails with a classified error and a control file whose claims hold; and a
 * clean rerun then finishes with exactly the served bytes.
 */
@Timeout(90)
class RandomFaultsTest {

    static final int SIZE = 4 << 20;
    static Path served;
    static CarryonServer server;
    static byte[] data;
    static final AtomicInteger tries = new AtomicInteger();

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-random-");
        data = Served.random(SIZE, 131);
        Served.put(served, "r.bin", data);
        server = Fixtures.server(served, true);
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        http.send(HttpRequest.newBuilder(URI.create(server.url() + "r.bin")).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(server.awaitDigests(20_000)).isTrue();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Plan(List<Fault> faults, int connections, boolean noValidators) {
    }

    static Fault fault(Props.Gen g) {
        long at = g.longIn(0, 3 << 20);
        return switch (g.intIn(0, 9)) {
            case 0, 1 -> Fault.pass().cutAfter(at);
            case 2 -> Fault.pass().resetAfter(at);
            case 3 -> Fault.pass().stallAfter(at, Duration.ofSeconds(5));
            case 4 -> Fault.unavailable(0);
            case 5 -> Fault.pass().whole();
            case 6 -> Fault.pass().contentRange(FaultInjectionTest::shiftByOne);
            case 7 -> Fault.pass().corruptAt(g.longIn(0, 64 << 10));
            default -> Fault.pass();
        };
    }

    @Test
    void everyMixOfFaultsEndsWithTheServedBytesOrAClassifiedError() {
        Props.forAll(25, g -> new Plan(g.listOf(1, 6, () -> fault(g)), g.intIn(1, 4), g.oneIn(3)), plan -> {
            Path out = Files.createTempDirectory("carryon-random-out-");
            Path target = out.resolve("r.bin");
            try (FaultProxy proxy = FaultProxy.start(server.address())) {
                for (Fault f : plan.faults()) {
                    proxy.script(plan.noValidators() ? f.dropValidators() : f);
                }
                if (plan.noValidators()) {
                    proxy.otherwise(r -> Fault.pass().dropValidators());
                }
                URI url = URI.create(proxy.url() + "r.bin");
                Recorder rec = new Recorder();
                DownloadOptions options = DownloadOptions.builder().connections(plan.connections())
                        .minSplit(256 << 10).retries(3).build();
                try (Downloader d = Fixtures.downloader(rec, options, Duration.ofSeconds(1))) {
                    DownloadListener.Finished f = d.download(url, Destination.file(target));
                    assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
                } catch (TransferException e) {
                    assertThat(e.getMessage()).doesNotContain("internal error");
                    assertThat(e.kind()).isIn(TransferException.Kind.NETWORK, TransferException.Kind.HTTP,
                            TransferException.Kind.INTEGRITY);
                    assertThat(Files.exists(target)).isFalse();
                    // A corrupted byte is written like any other (only the digest at the end tells); without
                    // one, everything the control file claims is the served bytes.
                    boolean corrupted = plan.faults().stream().anyMatch(f -> f.toString().contains("corrupt"));
                    Optional<DownloadState> state = Fixtures.state(target);
                    if (state.isPresent() && !corrupted) {
                        assertThat(Fixtures.claimsHold(state.get(), Fixtures.part(target), data)).isNull();
                    }
                    // a clean rerun; after an integrity failure, from scratch, as its message says
                    proxy.clear();
                    boolean overwrite = e.kind() == TransferException.Kind.INTEGRITY;
                    for (int run = 0; ; run++) {
                        DownloadOptions rerun = DownloadOptions.builder().connections(plan.connections())
                                .minSplit(256 << 10).overwrite(overwrite).build();
                        try (Downloader d = Fixtures.downloader(new Recorder(), rerun, Duration.ofSeconds(1))) {
                            DownloadListener.Finished f = d.download(url, Destination.file(target));
                            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
                            break;
                        } catch (TransferException again) {
                            assertThat(again.kind()).as("%s", again.getMessage())
                                    .isEqualTo(TransferException.Kind.INTEGRITY);
                            assertThat(corrupted && !overwrite && run == 0).as("%s", again.getMessage()).isTrue();
                            assertThat(again.getMessage()).contains("--overwrite");
                            overwrite = true;
                        }
                    }
                }
            } finally {
                tries.incrementAndGet();
                try (var files = Files.list(out)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(out);
            }
        });
        assertThat(tries.get()).isEqualTo(25);
    }
}
