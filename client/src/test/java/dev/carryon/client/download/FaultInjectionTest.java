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
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The downloader against a real carryon server behind the fault proxy: broken, reset, stalled and refused
 * connections, lying Content-Range, 200 instead of 206, 503 with Retry-After, HTTP errors, the retry budget.
 * Every successful download is checked byte for byte against the served file.
 */
@Timeout(30)
class FaultInjectionTest {

    static final int SIZE = 12 << 20;
    /** What a resumption re-reads below its start and compares (DownloadOptions' default). */
    static final int OVERLAP = 64 << 10;
    static Path served;
    static CarryonServer server;
    static byte[] data;
    static byte[] small;
    FaultProxy proxy;

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-faults-");
        data = Served.random(SIZE, 11);
        small = Served.random(3 << 20, 12);
        Served.put(served, "big.bin", data);
        Served.put(served, "small.bin", small);
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

    URI url(String name) {
        return URI.create(proxy.url() + name);
    }

    static DownloadOptions.Builder options() {
        return DownloadOptions.builder().minSplit(256 << 10);
    }

    @Test
    void connectionsCutEveryFewMegabytesStillFinish(@TempDir Path out) throws Exception {
        proxy.otherwise(FaultProxy.randomCuts(1, 512 << 10, 3 << 20, false));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(4).retries(3).build())) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(proxy.exchanges().stream().filter(e -> e.fault().toString().startsWith("cut")
                && e.bodyBytes() > 0)).hasSizeGreaterThan(2);
        assertThat(rec.retries).isNotEmpty();
        assertThat(rec.maxFailuresInARow()).isLessThanOrEqualTo(3);
        assertThat(Files.exists(out.resolve("big.bin.part"))).isFalse();
        assertThat(Files.exists(out.resolve("big.bin.carryon"))).isFalse();
    }

    @Test
    void connectionResetEveryFewMegabytesOnOneConnectionStillFinishes(@TempDir Path out) throws Exception {
        proxy.otherwise(FaultProxy.randomCuts(2, 1 << 20, 3 << 20, true));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(1).retries(2).build())) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        // Each request after the first resumes further on, with If-Range naming the strong ETag.
        assertThat(proxy.count("GET")).isGreaterThan(3);
        long lastStart = 0;
        for (FaultProxy.Exchange e : proxy.exchanges().subList(1, proxy.exchanges().size())) {
            assertThat(e.request().header("If-Range")).as("If-Range of %s", e.request()).isNotNull()
                    .doesNotStartWith("W/").isEqualTo(proxy.exchanges().get(0).responseHeader("ETag"));
            assertThat(e.status()).isEqualTo(206);
            long start = Long.parseLong(e.request().header("Range").replaceAll("bytes=(\\d+)-.*", "$1"));
            assertThat(start).isGreaterThan(lastStart);
            lastStart = start;
        }
    }

    @Test
    void withoutValidatorsOneConnectionComparesAnOverlapOnEveryResumption(@TempDir Path out) throws Exception {
        FaultProxy.Fault noValidators = Fault.pass().dropValidators();
        java.util.function.Function<FaultProxy.Request, Fault> cuts = FaultProxy.randomCuts(3, 1 << 20, 3 << 20, false);
        proxy.otherwise(r -> {
            Fault cut = cuts.apply(r);
            return cut.dropValidators();
        });
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(4).retries(2).overlap(64 << 10).build())) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(noValidators.isPass()).isFalse();
        assertThat(rec.notices).anyMatch(n -> n.contains("no strong validator"));
        List<FaultProxy.Exchange> ex = proxy.exchanges();
        assertThat(ex.size()).isGreaterThan(3);
        long heldBefore = 0;
        for (int i = 0; i < ex.size(); i++) {
            FaultProxy.Exchange e = ex.get(i);
            assertThat(e.request().header("If-Range")).isNull();
            if (i > 0) {
                // resumes 64 KiB before what was held: that overlap is compared before anything new is kept
                assertThat(e.request().header("Range")).isEqualTo("bytes=" + (heldBefore - (64 << 10)) + "-");
            }
            long start = i == 0 ? 0 : heldBefore - (64 << 10);
            heldBefore = start + e.bodyBytes();
        }
    }

    @Test
    void aStalledConnectionIsReplaced(@TempDir Path out) throws Exception {
        proxy.script(Fault.pass().stallAfter(1 << 20, Duration.ofSeconds(20)));
        Recorder rec = new Recorder();
        long t0 = System.nanoTime();
        try (Downloader d = Fixtures.downloader(rec, options().connections(1).build(), Duration.ofSeconds(1))) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(rec.retries).hasSize(1);
        assertThat(rec.retries.get(0).reason()).contains("no data");
        // the replacement asked from where the stalled connection stopped, less the overlap it compares
        assertThat(proxy.exchanges().get(1).request().header("Range"))
                .startsWith("bytes=" + ((1 << 20) - OVERLAP) + "-");
    }

    @Test
    void aStalledConnectionAmongSeveralIsReplaced(@TempDir Path out) throws Exception {
        // the third response stalls: one of the segments once the length is known
        proxy.script(Fault.pass(), Fault.pass(), Fault.pass().stallAfter(100 << 10, Duration.ofSeconds(20)));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(4).build(), Duration.ofSeconds(1))) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(rec.retries).anyMatch(r -> r.reason().contains("no data"));
    }

    @Test
    void aSegmentAnsweredWithAWeakenedValidatorIsNotTrustedWithoutBytesToCompare(@TempDir Path out)
            throws Exception {
        // the first answer has the strong ETag; every later one the same tag made weak, so If-Range cannot have
        // held by the strong comparison it requires, and a fresh segment has nothing held below it to compare
        proxy.script(Fault.pass());
        proxy.otherwise(r -> Fault.pass().weakValidators());
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(4).build())) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(rec.notices).anyMatch(n -> n.contains("does not prove it is the version being assembled"));
    }

    @Test
    void aWrongContentRangeIsNeverWritten(@TempDir Path out) throws Exception {
        // the first response breaks after 1 MiB; the resumption's Content-Range claims other bytes than asked
        proxy.script(Fault.pass().cutAfter(1 << 20), Fault.pass().contentRange(FaultInjectionTest::shiftByOne));
        Recorder rec = new Recorder();
        Path target = out.resolve("big.bin");
        try (Downloader d = Fixtures.downloader(rec, options().connections(1).retries(2).build())) {
            try {
                DownloadListener.Finished f = d.download(url("big.bin"), Destination.file(target));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
            } catch (TransferException e) {
                assertThat(e.kind()).isEqualTo(TransferException.Kind.HTTP);
                assertThat(e.getMessage()).contains("Content-Range").contains("nothing of that answer was kept");
                String wrong = Fixtures.claimsHold(Fixtures.state(target).orElseThrow(), Fixtures.part(target), data);
                assertThat(wrong).isNull();
            }
        }
        assertThat(proxy.exchanges().get(1).responseHeader("Content-Range"))
                .startsWith("bytes " + ((1 << 20) - OVERLAP + 1) + "-");
        proxy.clear();
        try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(2).build())) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.file(target));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
    }

    static String shiftByOne(String contentRange) {
        // bytes A-B/T -> bytes A+1-B/T: one byte off, still well-formed
        String[] p = contentRange.substring("bytes ".length()).split("[-/]");
        return "bytes " + (Long.parseLong(p[0]) + 1) + "-" + p[1] + "/" + p[2];
    }

    @Test
    void aWrongContentRangeOnTheFirstResponseFailsClearly(@TempDir Path out) throws Exception {
        proxy.script(Fault.pass().contentRange(FaultInjectionTest::shiftByOne));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().build())) {
            Path target = out.resolve("small.bin");
            try {
                DownloadListener.Finished f = d.download(url("small.bin"), Destination.file(target));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(small));
            } catch (TransferException e) {
                assertThat(e.kind()).isEqualTo(TransferException.Kind.HTTP);
                assertThat(e.getMessage()).contains("Content-Range");
                assertThat(Files.exists(target)).isFalse();
            }
        }
    }

    @Test
    void twoHundredToARangedRequestIsKeptAsTheNewDownload(@TempDir Path out) throws Exception {
        Path target = out.resolve("big.bin");
        proxy.script(Fault.pass().cutAfter(4 << 20));
        try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).retries(0).build())) {
            TransferException e = catchThrowableOfType(() -> d.download(url("big.bin"), Destination.file(target)),
                    TransferException.class);
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
            assertThat(e.getMessage()).contains("rerun");
        }
        assertThat(Fixtures.state(target).orElseThrow().held().size()).isEqualTo(4 << 20);
        int before = proxy.exchanges().size();
        long bytesBefore = proxy.bodyBytes();

        proxy.script(Fault.pass().whole());
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(1).build())) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.file(target));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        List<FaultProxy.Exchange> second = proxy.exchanges().subList(before, proxy.exchanges().size());
        assertThat(second.get(0).request().header("Range"))
                .isEqualTo("bytes=" + ((4 << 20) - OVERLAP) + "-" + (SIZE - 1));
        assertThat(second.get(0).status()).isEqualTo(200);
        assertThat(rec.notices).anyMatch(n -> n.contains("whole file"));
        // the 200's body became the download: no other request, no byte fetched twice in this run
        assertThat(second).hasSize(1);
        assertThat(proxy.bodyBytes() - bytesBefore).isEqualTo(SIZE);
    }

    @Test
    void twoHundredToOneOfSeveralRangedRequestsRestartsCleanly(@TempDir Path out) throws Exception {
        // the third response (a segment's) is a 200 of the whole file
        proxy.script(Fault.pass(), Fault.pass(), Fault.pass().whole());
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(4).build())) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(rec.notices).anyMatch(n -> n.contains("whole file"));
    }

    @Test
    void serviceUnavailableWithRetryAfterIsHonoured(@TempDir Path out) throws Exception {
        proxy.script(Fault.unavailable(2));
        Recorder rec = new Recorder();
        long t0 = System.nanoTime();
        try (Downloader d = Fixtures.downloader(rec, options().build())) {
            DownloadListener.Finished f = d.download(url("small.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(small));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(rec.retries).hasSize(1);
        assertThat(rec.retries.get(0).reason()).contains("503");
        assertThat(rec.retries.get(0).delay()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void retriesBackOffExponentiallyAndGiveUpAfterTheBudget(@TempDir Path out) throws Exception {
        proxy.otherwise(r -> Fault.pass().answer(500));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().retries(3).build())) {
            TransferException e = catchThrowableOfType(() -> d.download(url("small.bin"), Destination.directory(out)),
                    TransferException.class);
            assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
            assertThat(e.getMessage()).contains("gave up after 3 failed attempts").contains("500")
                    .contains("rerun the same command");
        }
        assertThat(rec.retries).extracting(Recorder.Retry::failures).containsExactly(1, 2, 3);
        // 0.5 s, 1 s, 2 s, each with jitter in [half, whole]
        for (int i = 0; i < 3; i++) {
            long exp = 500L << i;
            assertThat(rec.retries.get(i).delay().toMillis()).isBetween(exp / 2, exp + 1);
        }
        assertThat(proxy.count("GET")).isEqualTo(4);
        assertThat(rec.failures).hasSize(1);
    }

    @Test
    void theRetryBudgetCountsFailuresWithoutProgressOnly(@TempDir Path out) throws Exception {
        // every response breaks after 1 MiB, of which a resumption's first 64 KiB are the overlap it compares:
        // 1 MiB, then 960 KiB a request, so 12 failures in all, but never two in a row without progress
        proxy.otherwise(r -> Fault.pass().cutAfter(1 << 20));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(1).retries(1).build())) {
            DownloadListener.Finished f = d.download(url("big.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        long resumptions = ((SIZE - (1 << 20)) + (1 << 20) - OVERLAP - 1) / ((1 << 20) - OVERLAP);
        assertThat(rec.retries).hasSize((int) resumptions);
        assertThat(rec.maxFailuresInARow()).isEqualTo(1);
        // each request resumed where the last one broke: nothing was fetched twice but the compared overlaps
        assertThat(proxy.bodyBytes()).isEqualTo(SIZE + resumptions * OVERLAP);
    }

    @Test
    void connectionsClosedBeforeTheFirstByteExhaustTheBudgetOnOneStream(@TempDir Path out) throws Exception {
        // no validators: the single-stream path; every response ends before its first body byte
        proxy.otherwise(r -> Fault.pass().dropValidators().cutAfter(0));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().retries(2).build())) {
            TransferException e = catchThrowableOfType(() -> d.download(url("small.bin"), Destination.directory(out)),
                    TransferException.class);
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
            assertThat(e.getMessage()).contains("gave up after 2");
        }
        assertThat(rec.retries).hasSize(2);
        assertThat(proxy.count("GET")).isEqualTo(3);
    }

    @Test
    void connectionsClosedBeforeTheFirstByteExhaustTheBudgetWithSegments(@TempDir Path out) throws Exception {
        proxy.script(Fault.pass().cutAfter(1 << 20));
        proxy.otherwise(r -> Fault.pass().cutAfter(0));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(4).retries(2).build())) {
            TransferException e = catchThrowableOfType(() -> d.download(url("big.bin"), Destination.directory(out)),
                    TransferException.class);
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
            assertThat(e.getMessage()).contains("gave up after 2");
        }
        assertThat(rec.maxFailuresInARow()).isEqualTo(2);
        assertThat(proxy.count("GET")).isLessThanOrEqualTo(1 + 4 * 3);
    }

    @Test
    void notFoundFailsAtOnceWithTheStatus(@TempDir Path out) throws Exception {
        Recorder rec = new Recorder();
        long t0 = System.nanoTime();
        try (Downloader d = Fixtures.downloader(rec, options().build())) {
            assertThatThrownBy(() -> d.download(url("missing.bin"), Destination.directory(out)))
                    .isInstanceOfSatisfying(TransferException.class,
                            e -> assertThat(e.kind()).isEqualTo(TransferException.Kind.HTTP))
                    .hasMessageContaining("404 Not Found")
                    .hasMessageContaining("no such file"); // the server's reason, from the body
        }
        // at once: not after the stall timeout (3 s here)
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
        assertThat(rec.retries).isEmpty();
        assertThat(proxy.count("GET")).isEqualTo(1);
        try (var files = Files.list(out)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void forbiddenAndGoneFailAtOnceWithTheStatus(@TempDir Path out) throws Exception {
        for (int status : new int[] {403, 410}) {
            proxy.script(Fault.pass().answer(status));
            Recorder rec = new Recorder();
            try (Downloader d = Fixtures.downloader(rec, options().build())) {
                assertThatThrownBy(() -> d.download(url("small.bin"), Destination.directory(out)))
                        .isInstanceOfSatisfying(TransferException.class,
                                e -> assertThat(e.kind()).isEqualTo(TransferException.Kind.HTTP))
                        .hasMessageContaining(status == 403 ? "403 Forbidden" : "410 Gone");
            }
            assertThat(rec.retries).isEmpty();
        }
        assertThat(proxy.count("GET")).isEqualTo(2);
    }

    @Test
    void notFoundWhileResumingFailsAtOnceAndKeepsWhatIsHeld(@TempDir Path out) throws Exception {
        Path target = out.resolve("big.bin");
        proxy.script(Fault.pass().cutAfter(2 << 20), Fault.pass().answer(404));
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(1).build())) {
            assertThatThrownBy(() -> d.download(url("big.bin"), Destination.file(target)))
                    .isInstanceOfSatisfying(TransferException.class,
                            e -> assertThat(e.kind()).isEqualTo(TransferException.Kind.HTTP))
                    .hasMessageContaining("404");
        }
        assertThat(Fixtures.state(target).orElseThrow().held().size()).isEqualTo(2 << 20);
        assertThat(Fixtures.claimsHold(Fixtures.state(target).get(), Fixtures.part(target), data)).isNull();
    }
}
