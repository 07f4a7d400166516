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

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Interop with nginx (started here as a child process on a free port, one process, no daemon): eight
 * connections, cuts through the fault proxy, a resumption with If-Range, a file replaced between runs.
 */
@Timeout(60)
class NginxInteropTest {

    static final int SIZE = 24 << 20;
    static Path home;
    static Path www;
    static Process nginx;
    static int port;
    static byte[] data;

    @BeforeAll
    static void startNginx() throws Exception {
        Path binary = Tools.require("nginx", "nginx-light");
        home = Files.createTempDirectory("carryon-nginx-");
        www = Files.createDirectories(home.resolve("www"));
        Files.createDirectories(home.resolve("tmp"));
        data = Served.random(SIZE, 101);
        Served.put(www, "big.bin", data);
        port = Tools.freePort();
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = (root ? "user root;\n" : "")
                + "daemon off;\nmaster_process off;\nworker_processes 1;\n"
                + "pid " + home.resolve("nginx.pid") + ";\n"
                + "error_log " + home.resolve("error.log") + " warn;\n"
                + "events { worker_connections 256; }\n"
                + "http {\n"
                + "  access_log " + home.resolve("access.log") + ";\n"
                + "  client_body_temp_path " + home.resolve("tmp/body") + ";\n"
                + "  proxy_temp_path " + home.resolve("tmp/proxy") + ";\n"
                + "  fastcgi_temp_path " + home.resolve("tmp/fastcgi") + ";\n"
                + "  uwsgi_temp_path " + home.resolve("tmp/uwsgi") + ";\n"
                + "  scgi_temp_path " + home.resolve("tmp/scgi") + ";\n"
                + "  default_type application/octet-stream;\n"
                + "  sendfile on;\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + port + ";\n"
                + "    location / { root " + www + "; }\n"
                + "  }\n"
                + "}\n";
        Path confFile = Files.writeString(home.resolve("nginx.conf"), conf);
        nginx = new ProcessBuilder(binary.toString(), "-p", home.toString(), "-c", confFile.toString(),
                "-e", home.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("nginx.out").toFile()).start();
        if (!Tools.awaitPort(port, nginx, Duration.ofSeconds(10))) {
            Tools.stop(nginx);
            throw new IllegalStateException("nginx did not start: " + read("nginx.out") + read("error.log"));
        }
    }

    @AfterAll
    static void stopNginx() {
        Tools.stop(nginx);
    }

    static String read(String name) {
        try {
            return Files.readString(home.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String url(String name) {
        return "http://127.0.0.1:" + port + "/" + name;
    }

    static DownloadOptions.Builder options() {
        return DownloadOptions.builder().minSplit(512 << 10);
    }

    @Test
    void eightConnectionsFromNginx(@TempDir Path out) throws Exception {
        Recorder rec = new Recorder();
        try (Downloader d = Fixtures.downloader(rec, options().connections(8).build())) {
            DownloadListener.Finished f = d.download(URI.create(url("big.bin")), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(rec.started.get(0).validator()).startsWith("strong ETag");
        assertThat(rec.started.get(0).rangesSupported()).isTrue();
        List<String> log = read("access.log").lines().filter(l -> l.contains("/big.bin")).toList();
        assertThat(log.stream().filter(l -> l.contains("\" 206 "))).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void eightConnectionsThroughCutsInFrontOfNginx(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", port)) {
            proxy.otherwise(FaultProxy.randomCuts(7, 1 << 20, 4 << 20, false));
            Recorder rec = new Recorder();
            try (Downloader d = Fixtures.downloader(rec, options().connections(8).retries(3).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "big.bin"),
                        Destination.directory(out));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
            }
            assertThat(rec.retries).isNotEmpty();
            assertThat(proxy.exchanges().stream().skip(1)).allSatisfy(e ->
                    assertThat(e.request().header("If-Range")).isEqualTo(proxy.exchanges().get(0).responseHeader("ETag")));
        }
    }

    @Test
    void resumesAndNoticesAReplacedFileWithNginx(@TempDir Path out) throws Exception {
        byte[] old = Served.random(8 << 20, 102);
        Served.put(www, "r.bin", old);
        Path target = out.resolve("r.bin");
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", port)) {
            proxy.script(Fault.pass().cutAfter(3 << 20));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).retries(0).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "r.bin"),
                        Destination.file(target)), TransferException.class);
                assertThat(e).isNotNull();
            }
            // unchanged: the resumption is a 206 for what is missing
            int before = proxy.exchanges().size();
            Path copy = out.resolve("copy");
            Files.createDirectories(copy);
            Files.copy(Fixtures.part(target), copy.resolve("r.bin.part"));
            Files.copy(target.resolveSibling("r.bin.carryon"), copy.resolve("r.bin.carryon"));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(4).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "r.bin"),
                        Destination.file(copy.resolve("r.bin")));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(old));
                assertThat(f.fetched()).isEqualTo((8 << 20) - (3 << 20));
            }
            assertThat(proxy.exchanges().subList(before, proxy.exchanges().size()))
                    .allSatisfy(e -> assertThat(e.status()).isEqualTo(206));

            // replaced by another file of the same size: nginx answers If-Range with a 200 of the new file
            byte[] fresh = Served.random(8 << 20, 103);
            Served.put(www, "r.bin", fresh, 120);
            Recorder rec = new Recorder();
            try (Downloader d = Fixtures.downloader(rec, options().connections(4).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "r.bin"), Destination.file(target));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(fresh));
            }
            assertThat(rec.notices).anyMatch(n -> n.contains("whole file"));
        }
    }

    /**
     * What {@code cp -p}, {@code rsync -t} and tar do: a new file with the old size and the old date. nginx's
     * ETag is mtime and size, so it stays the same and If-Range is satisfied; only the bytes can tell.
     */
    @Test
    void aFileReplacedKeepingItsSizeAndDateIsNotSplicedOnResume(@TempDir Path out) throws Exception {
        byte[] old = Served.random(8 << 20, 104);
        Path served = Served.put(www, "same.bin", old);
        java.nio.file.attribute.FileTime date = Files.getLastModifiedTime(served);
        Path target = out.resolve("same.bin");
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", port)) {
            proxy.script(Fault.pass().cutAfter(3 << 20));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).retries(0).build())) {
                assertThat(catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "same.bin"),
                        Destination.file(target)), TransferException.class)).isNotNull();
            }
            String etag = proxy.exchanges().get(0).responseHeader("ETag");
            byte[] fresh = Served.random(8 << 20, 105);
            Files.setLastModifiedTime(Served.put(www, "same.bin", fresh), date);

            Recorder rec = new Recorder();
            try (Downloader d = Fixtures.downloader(rec, options().connections(4).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "same.bin"),
                        Destination.file(target));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(fresh));
            }
            assertThat(proxy.exchanges().get(proxy.exchanges().size() - 1).responseHeader("ETag"))
                    .as("nginx gives the replaced file the same ETag").isEqualTo(etag);
            assertThat(rec.notices).anyMatch(n -> n.contains("are not the ones held"));
        }
    }
}
