package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.testing.FaultProxy;
import dev.carryon.client.testing.FaultProxy.Fault;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Recorder;
import dev.carryon.client.testing.Served;
import dev.carryon.client.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A server without range support ({@code python3 -m http.server}, which answers every request with a 200):
 * one connection, a clear notice, and a broken transfer starts over from zero.
 */
@Timeout(60)
class NoRangeServerTest {

    static final int SIZE = 8 << 20;
    static Path www;
    static Process python;
    static int port;
    static byte[] data;

    @BeforeAll
    static void startPython() throws Exception {
        Path python3 = Tools.require("python3", "python3");
        www = Files.createTempDirectory("carryon-python-");
        data = Served.random(SIZE, 111);
        Served.put(www, "n.bin", data);
        port = Tools.freePort();
        python = new ProcessBuilder(python3.toString(), "-m", "http.server", Integer.toString(port),
                "--bind", "127.0.0.1", "--directory", www.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!Tools.awaitPort(port, python, Duration.ofSeconds(15))) {
            Tools.stop(python);
            throw new IllegalStateException("python3 -m http.server did not start");
        }
    }

    @AfterAll
    static void stopPython() {
        Tools.stop(python);
    }

    @Test
    void oneConnectionAndANotice(@TempDir Path out) throws Exception {
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, DownloadOptions.builder().connections(8).build())) {
            DownloadListener.Finished f = d.download(URI.create("http://127.0.0.1:" + port + "/n.bin"),
                    Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(rec.started.get(0).rangesSupported()).isFalse();
        assertThat(rec.notices).anyMatch(n -> n.contains("does not support ranges"));
    }

    @Test
    void aBrokenTransferStartsOverFromZero(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", port)) {
            proxy.script(Fault.pass().cutAfter(3 << 20));
            Recorder rec = new Recorder();
            try (Downloader d = Fixtures.downloader(rec, DownloadOptions.builder().connections(4).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "n.bin"), Destination.directory(out));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
            }
            assertThat(proxy.exchanges()).hasSize(2);
            assertThat(proxy.exchanges()).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
            assertThat(proxy.exchanges().get(1).request().header("Range")).isNull();
            assertThat(proxy.bodyBytes()).isEqualTo((3 << 20) + SIZE);
            assertThat(rec.notices).anyMatch(n -> n.contains("starting over from zero"));
        }
    }

    @Test
    void aRerunAfterAnInterruptionStartsOverFromZero(@TempDir Path out) throws Exception {
        Path target = out.resolve("n.bin");
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", port)) {
            proxy.script(Fault.pass().cutAfter(2 << 20));
            try (Downloader d = Fixtures.downloader(new Recorder(), DownloadOptions.builder().retries(0).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "n.bin"),
                        Destination.file(target)), TransferException.class);
                assertThat(e).isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.NETWORK);
            }
            Recorder rec = new Recorder();
            try (Downloader d = Fixtures.downloader(rec, DownloadOptions.builder().build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "n.bin"), Destination.file(target));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
            }
            assertThat(proxy.exchanges()).hasSize(2);
            assertThat(rec.notices).anyMatch(n -> n.contains("does not support ranges")
                    || n.contains("starting over"));
        }
    }
}
