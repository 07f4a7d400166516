package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.testing.FaultProxy;
import dev.carryon.client.testing.FaultProxy.Fault;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Recorder;
import dev.carryon.client.testing.Served;
import dev.carryon.core.download.DownloadState;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Resuming between runs: what the control file remembers, If-Range with a strong validator, an overlap compared
 * with weak or no validators, a file replaced between runs, part files without (or with a foreign) control file,
 * 416, and a rerun on a finished file. Each served file gets its own name, so tests do not disturb each other.
 */
@Timeout(30)
class ResumeTest {

    static final int SIZE = 10 << 20;
    static final int CUT = 4 << 20;
    /** What a resumption re-reads below its start and compares (DownloadOptions' default). */
    static final int OVERLAP = 64 << 10;
    static final AtomicInteger names = new AtomicInteger();
    static Path served;
    static CarryonServer server;
    FaultProxy proxy;

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-resume-");
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

    /** A new served file of {@code size} random bytes; returns its name. */
    static String serveNew(byte[] data) {
        String name = "f" + names.incrementAndGet() + ".bin";
        Served.put(served, name, data);
        return name;
    }

    URI url(String name) {
        return URI.create(proxy.url() + name);
    }

    static DownloadOptions.Builder options() {
        return DownloadOptions.builder().minSplit(256 << 10);
    }

    /** A first run that breaks after {@code cut} bytes and gives up at once, leaving NAME.part and NAME.carryon. */
    void interruptedRun(String name, Path target, long cut, Fault extra) throws Exception {
        proxy.script(extra.cutAfter(cut));
        try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).retries(0).build())) {
            TransferException e = catchThrowableOfType(() -> d.download(url(name), Destination.file(target)),
                    TransferException.class);
            assertThat(e).as("the first run must fail").isNotNull();
            assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
        }
        proxy.clear();
        assertThat(Files.exists(target)).isFalse();
        assertThat(Fixtures.state(target)).as("control file after the first run").isPresent();
    }

    DownloadListener.Finished run(Path target, String name, Recorder rec, int connections) throws Exception {
        try (Downloader d = Fixtures.downloader(rec, options().connections(connections).build())) {
            return d.download(url(name), Destination.file(target));
        }
    }

    /** A rerun on a finished file asks whether it changed, as wget -N does, and never loses the old copy early. */
    @Test
    void aRerunOnAFinishedFileFetchesOnlyANewVersionAndKeepsTheOldUntilTheNewIsVerified(@TempDir Path out)
            throws Exception {
        byte[] first = Served.random(2 << 20, 31);
        String name = serveNew(first);
        Path target = out.resolve(name);
        run(target, name, new Recorder(), 4);
        String etag = proxy.exchanges().get(0).responseHeader("ETag");

        int before = proxy.exchanges().size();
        Recorder unchanged = new Recorder();
        DownloadListener.Finished same = run(target, name, unchanged, 4);
        assertThat(same.alreadyComplete()).isTrue();
        assertThat(proxy.exchanges().subList(before, proxy.exchanges().size())).singleElement().satisfies(e -> {
            assertThat(e.request().header("If-None-Match")).isEqualTo(etag);
            assertThat(e.status()).isEqualTo(304);
        });
        assertThat(Files.exists(Fixtures.part(target))).isFalse();

        byte[] second = Served.random(3 << 20, 32);
        Served.put(served, name, second, 30);
        proxy.clear();
        proxy.script(Fault.pass().cutAfter(1 << 20));
        try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).retries(0).build())) {
            assertThat(catchThrowableOfType(() -> d.download(url(name), Destination.file(target)),
                    TransferException.class)).isNotNull();
        }
        assertThat(Served.sha256(target)).as("the old copy, until the new one is verified")
                .isEqualTo(Served.sha256(first));

        proxy.clear();
        Recorder changed = new Recorder();
        DownloadListener.Finished fresh = run(target, name, changed, 4);
        assertThat(fresh.alreadyComplete()).isFalse();
        assertThat(Served.sha256(target)).isEqualTo(Served.sha256(second));
        assertThat(fresh.fetched()).as("the interrupted fetch of the new version resumed")
                .isLessThan(second.length);
        assertThat(Files.exists(Fixtures.part(target))).isFalse();
    }

    @Test
    void theControlFileRemembersTheVersionAndTheHeldBytes(@TempDir Path out) throws Exception {
        byte[] data = Served.random(SIZE, 21);
        String name = serveNew(data);
        Path target = out.resolve(name);
        interruptedRun(name, target, CUT, Fault.pass());
        DownloadState s = Fixtures.state(target).orElseThrow();
        assertThat(s.url()).isEqualTo(url(name).toString());
        assertThat(s.version().length()).isEqualTo(SIZE);
        assertThat(s.version().hasStrongEtag()).isTrue();
        assertThat(s.version().etag().headerValue()).isEqualTo(proxy.exchanges().get(0).responseHeader("ETag"));
        assertThat(s.version().lastModified()).isEqualTo(proxy.exchanges().get(0).responseHeader("Last-Modified"));
        assertThat(s.held().intervals()).containsExactly(new long[] {0, CUT});
        assertThat(Fixtures.claimsHold(s, Fixtures.part(target), data)).isNull();
    }

    @Test
    void resumesWithIfRangeAndFetchesOnlyWhatIsMissing(@TempDir Path out) throws Exception {
        byte[] data = Served.random(SIZE, 22);
        String name = serveNew(data);
        Path target = out.resolve(name);
        interruptedRun(name, target, CUT, Fault.pass());
        String etag = proxy.exchanges().get(0).responseHeader("ETag");
        int before = proxy.exchanges().size();
        long bytesBefore = proxy.bodyBytes();
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        assertThat(rec.started.get(0).resumed()).isTrue();
        assertThat(rec.started.get(0).alreadyHeld()).isEqualTo(CUT);
        assertThat(rec.started.get(0).validator()).startsWith("strong ETag");
        List<FaultProxy.Exchange> second = proxy.exchanges().subList(before, proxy.exchanges().size());
        assertThat(second).isNotEmpty().allSatisfy(e -> {
            assertThat(e.request().header("If-Range")).isEqualTo(etag);
            assertThat(e.status()).isEqualTo(206);
            long start = Long.parseLong(e.request().header("Range").replaceAll("bytes=(\\d+)-.*", "$1"));
            assertThat(start).isGreaterThanOrEqualTo(CUT - OVERLAP);
        });
        // Nothing held was asked for again but the overlap below the resume point that is compared, and exactly
        // the missing bytes were written. (What the proxy sent
        // is more: a connection whose segment was shortened by stealing is closed with bytes still in flight.)
        assertThat(proxy.bodyBytes() - bytesBefore).isGreaterThanOrEqualTo(SIZE - CUT);
        assertThat(f.fetched()).isEqualTo(SIZE - CUT);
    }

    @Test
    void withoutAnEtagAStrongLastModifiedIsTheIfRangeValidator(@TempDir Path out) throws Exception {
        byte[] data = Served.random(SIZE, 41);
        String name = serveNew(data);
        Path target = out.resolve(name);
        interruptedRun(name, target, CUT, Fault.pass().header("ETag", null));
        String lastModified = proxy.exchanges().get(0).responseHeader("Last-Modified");
        assertThat(lastModified).isNotNull();
        DownloadState s = Fixtures.state(target).orElseThrow();
        assertThat(s.version().etag()).isNull();
        assertThat(s.version().lastModifiedStrong()).isTrue();
        proxy.otherwise(r -> Fault.pass().header("ETag", null));
        int before = proxy.exchanges().size();
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        assertThat(rec.started.get(0).validator()).startsWith("strong Last-Modified");
        assertThat(proxy.exchanges().subList(before, proxy.exchanges().size())).isNotEmpty().allSatisfy(e -> {
            assertThat(e.request().header("If-Range")).isEqualTo(lastModified);
            assertThat(e.status()).isEqualTo(206);
        });
        assertThat(f.fetched()).isEqualTo(SIZE - CUT);

        // and the file replaced between runs: the date no longer matches, the server sends it whole
        interruptedRun(name, target.resolveSibling("again.bin"), CUT, Fault.pass().header("ETag", null));
        byte[] fresh = Served.random(SIZE, 42);
        Served.put(served, name, fresh, 20);
        proxy.otherwise(r -> Fault.pass().header("ETag", null));
        Recorder rec2 = new Recorder();
        DownloadListener.Finished g = run(target.resolveSibling("again.bin"), name, rec2, 4);
        assertThat(Served.sha256(g.file())).isEqualTo(Served.sha256(fresh));
        assertThat(rec2.notices).anyMatch(n -> n.contains("whole file"));
    }

    @Test
    void aFileReplacedBetweenRunsIsDownloadedAfreshWithAStrongEtag(@TempDir Path out) throws Exception {
        byte[] old = Served.random(SIZE, 23);
        String name = serveNew(old);
        Path target = out.resolve(name);
        interruptedRun(name, target, CUT, Fault.pass());
        byte[] fresh = Served.random(SIZE, 24);
        Served.put(served, name, fresh, 30);
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(fresh));
        assertThat(rec.notices).anyMatch(n -> n.contains("whole file"));
    }

    @Test
    void aFileReplacedBetweenRunsIsDetectedByAWeakEtag(@TempDir Path out) throws Exception {
        byte[] old = Served.random(SIZE, 25);
        String name = serveNew(old);
        Path target = out.resolve(name);
        proxy.otherwise(r -> Fault.pass().weakValidators());
        interruptedRun(name, target, CUT, Fault.pass().weakValidators());
        assertThat(Fixtures.state(target).orElseThrow().version().etag().weak()).isTrue();
        proxy.otherwise(r -> Fault.pass().weakValidators());
        Served.put(served, name, Served.random(SIZE, 26), 30);
        byte[] fresh = Files.readAllBytes(served.resolve(name));
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(fresh));
        assertThat(rec.notices).anyMatch(n -> n.contains("changed") || n.contains("starting over"));
    }

    @Test
    void aFileReplacedBetweenRunsIsDetectedByTheOverlapWithoutValidators(@TempDir Path out) throws Exception {
        byte[] old = Served.random(SIZE, 27);
        String name = serveNew(old);
        Path target = out.resolve(name);
        interruptedRun(name, target, CUT, Fault.pass().dropValidators());
        proxy.otherwise(r -> Fault.pass().dropValidators());
        byte[] fresh = Served.random(SIZE, 28);
        Served.put(served, name, fresh, 30);
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(fresh));
        assertThat(rec.notices).anyMatch(n -> n.contains("do not match"));
    }

    @Test
    void anUnchangedFileWithoutValidatorsResumesAfterTheOverlapMatched(@TempDir Path out) throws Exception {
        byte[] data = Served.random(SIZE, 29);
        String name = serveNew(data);
        Path target = out.resolve(name);
        interruptedRun(name, target, CUT, Fault.pass().dropValidators());
        proxy.otherwise(r -> Fault.pass().dropValidators());
        long bytesBefore = proxy.bodyBytes();
        int before = proxy.exchanges().size();
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        List<FaultProxy.Exchange> second = proxy.exchanges().subList(before, proxy.exchanges().size());
        assertThat(second).hasSize(1);
        assertThat(second.get(0).request().header("Range")).isEqualTo("bytes=" + (CUT - (64 << 10)) + "-");
        assertThat(second.get(0).request().header("If-Range")).isNull();
        assertThat(proxy.bodyBytes() - bytesBefore).isEqualTo(SIZE - CUT + (64 << 10));
        assertThat(rec.notices).noneMatch(n -> n.contains("starting over"));
    }

    @Test
    void aPartFileWithoutControlFileIsComparedBeforeItIsKept(@TempDir Path out) throws Exception {
        byte[] data = Served.random(SIZE, 30);
        String name = serveNew(data);
        Path target = out.resolve(name);
        Files.write(Fixtures.part(target), java.util.Arrays.copyOf(data, CUT));
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        assertThat(rec.notices).anyMatch(n -> n.contains("has no control file"));
        assertThat(proxy.exchanges().get(0).request().header("Range")).isEqualTo("bytes=" + (CUT - (64 << 10)) + "-");
        assertThat(f.fetched()).isLessThanOrEqualTo(SIZE - CUT);
    }

    @Test
    void aPartFileWithoutControlFileThatDiffersIsDropped(@TempDir Path out) throws Exception {
        byte[] data = Served.random(SIZE, 31);
        String name = serveNew(data);
        Path target = out.resolve(name);
        Files.write(Fixtures.part(target), Served.random(CUT, 32));
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        assertThat(rec.notices).anyMatch(n -> n.contains("are not the server's"));
    }

    @Test
    void aCompletePartFileWithoutControlFileIsCheckedNotFetchedAgain(@TempDir Path out) throws Exception {
        byte[] data = Served.random(SIZE, 33);
        String name = serveNew(data);
        Path target = out.resolve(name);
        Files.write(Fixtures.part(target), data);
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        assertThat(proxy.bodyBytes()).isLessThanOrEqualTo(64 << 10);
    }

    @Test
    void aControlFileForAnotherUrlIsNotTrusted(@TempDir Path out) throws Exception {
        byte[] a = Served.random(SIZE, 34);
        byte[] b = Served.random(SIZE, 35);
        String nameA = serveNew(a);
        String nameB = serveNew(b);
        Path target = out.resolve("same-name.bin");
        interruptedRun(nameA, target, CUT, Fault.pass());
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, nameB, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(b));
        assertThat(rec.notices).anyMatch(n -> n.contains("another URL"));
    }

    @Test
    void a416ForTheWholeLengthIsNotCompletionWhileLessIsHeld(@TempDir Path out) throws Exception {
        byte[] data = Served.random(SIZE, 36);
        String name = serveNew(data);
        Path target = out.resolve(name);
        interruptedRun(name, target, CUT, Fault.pass());
        proxy.script(Fault.pass().answer(416, "Content-Range", "bytes */" + SIZE));
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 1);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        assertThat(f.length()).isEqualTo(SIZE);
    }

    @Test
    void a416BecauseTheFileShrankStartsOver(@TempDir Path out) throws Exception {
        byte[] old = Served.random(SIZE, 37);
        String name = serveNew(old);
        Path target = out.resolve(name);
        interruptedRun(name, target, 6 << 20, Fault.pass().dropValidators());
        proxy.otherwise(r -> Fault.pass().dropValidators());
        byte[] shorter = Served.random(3 << 20, 38);
        Served.put(served, name, shorter, 30);
        int before = proxy.exchanges().size();
        Recorder rec = new Recorder();
        DownloadListener.Finished f = run(target, name, rec, 4);
        assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(shorter));
        assertThat(proxy.exchanges().get(before).status()).isEqualTo(416);
        assertThat(rec.notices).anyMatch(n -> n.contains("416"));
    }

    @Test
    void aRerunOnAFinishedFileFetchesNothing(@TempDir Path out) throws Exception {
        byte[] data = Served.random(2 << 20, 39);
        String name = serveNew(data);
        DownloadListener.Finished first;
        try (Downloader d = Fixtures.downloader(new Recorder(), options().build())) {
            first = d.download(url(name), Destination.directory(out));
        }
        assertThat(first.alreadyComplete()).isFalse();
        long gets = proxy.count("GET");
        for (Destination dest : List.of(Destination.directory(out), Destination.file(out.resolve(name)))) {
            Recorder rec = new Recorder();
            try (Downloader d = Fixtures.downloader(rec, options().build())) {
                DownloadListener.Finished again = d.download(url(name), dest);
                assertThat(again.alreadyComplete()).isTrue();
                assertThat(again.fetched()).isZero();
                assertThat(again.file()).isEqualTo(out.resolve(name));
            }
            assertThat(rec.finished).hasSize(1);
        }
        // each rerun asked once whether the file changed, and was told it had not
        assertThat(proxy.count("GET")).isEqualTo(gets + 2);
        assertThat(proxy.exchanges().subList((int) gets, proxy.exchanges().size()))
                .allSatisfy(e -> assertThat(e.status()).isEqualTo(304));
        assertThat(Served.sha256(out.resolve(name))).isEqualTo(Served.sha256(data));
    }

    @Test
    void aFileThatCarryonDidNotDownloadIsNotReplacedWithoutOverwrite(@TempDir Path out) throws Exception {
        byte[] data = Served.random(1 << 20, 40);
        String name = serveNew(data);
        Path target = out.resolve(name);
        Files.writeString(target, "mine");
        try (Downloader d = Fixtures.downloader(new Recorder(), options().build())) {
            assertThatThrownBy(() -> d.download(url(name), Destination.file(target)))
                    .isInstanceOfSatisfying(TransferException.class,
                            e -> assertThat(e.kind()).isEqualTo(TransferException.Kind.USAGE))
                    .hasMessageContaining("--overwrite");
        }
        assertThat(Files.readString(target)).isEqualTo("mine");
        try (Downloader d = Fixtures.downloader(new Recorder(), options().overwrite(true).build())) {
            d.download(url(name), Destination.file(target));
        }
        assertThat(Served.sha256(target)).isEqualTo(Served.sha256(data));
    }
}
