package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.testing.FaultProxy;
import dev.carryon.client.testing.FaultProxy.Fault;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Recorder;
import dev.carryon.client.testing.Served;
import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * End-to-end integrity: Repr-Digest from carryon serve, legacy Digest and Content-MD5 (added by the proxy in
 * front of a server that sends no digest), --checksum; a corrupted byte or a wrong promise fails with
 * INTEGRITY, the file keeps its .part name, the message says what to do, and --overwrite recovers.
 */
@Timeout(30)
class IntegrityTest {

    static final int SIZE = 8 << 20;
    static Path withDigests;
    static Path plain;
    static CarryonServer digestServer;
    static CarryonServer plainServer;
    static byte[] data;

    @BeforeAll
    static void serve() throws Exception {
        data = Served.random(SIZE, 51);
        withDigests = Files.createTempDirectory("carryon-digests-");
        plain = Files.createTempDirectory("carryon-plain-");
        Served.put(withDigests, "d.bin", data);
        Served.put(plain, "p.bin", data);
        digestServer = Fixtures.server(withDigests, true);
        plainServer = Fixtures.server(plain, false);
        // the server hashes a file once asked for it; wait until it can send Repr-Digest
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        http.send(HttpRequest.newBuilder(URI.create(digestServer.url() + "d.bin")).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(digestServer.awaitDigests(20_000)).isTrue();
    }

    @AfterAll
    static void stop() {
        digestServer.close();
        plainServer.close();
    }

    static String hash(String alg, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(b));
    }

    static String base64(String alg, byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance(alg).digest(b));
    }

    static DownloadOptions.Builder options() {
        return DownloadOptions.builder().minSplit(256 << 10);
    }

    @Test
    void reprDigestFromCarryonServeIsVerified(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(digestServer.address());
             Downloader d = Fixtures.downloader(new Recorder(), options().connections(4).build())) {
            DownloadListener.Finished f = d.download(URI.create(proxy.url() + "d.bin"), Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
            assertThat(f.verified()).containsEntry("sha-256", hash("SHA-256", data));
            assertThat(proxy.exchanges().get(0).responseHeader("Repr-Digest")).startsWith("sha-256=:");
        }
    }

    @Test
    void aCorruptedByteIsCaughtByReprDigestAndOverwriteRecovers(@TempDir Path out) throws Exception {
        Path target = out.resolve("d.bin");
        try (FaultProxy proxy = FaultProxy.start(digestServer.address())) {
            // a byte near the start of the first response's body (its far part may be stolen by other connections)
            proxy.script(Fault.pass().corruptAt(100_001));
            Recorder rec = new Recorder();
            try (Downloader d = Fixtures.downloader(rec, options().connections(4).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "d.bin"),
                        Destination.file(target)), TransferException.class);
                assertThat(e).isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.INTEGRITY);
                assertThat(e.getMessage()).contains("sha-256").contains("Repr-Digest").contains("--overwrite");
                assertThat(rec.failures).containsExactly(e);
            }
            assertThat(Files.exists(target)).isFalse();
            assertThat(Files.exists(Fixtures.part(target))).isTrue();

            // the same command again: still not trusted
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(4).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "d.bin"),
                        Destination.file(target)), TransferException.class);
                assertThat(e).isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.INTEGRITY);
            }
            assertThat(Files.exists(target)).isFalse();

            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(4).overwrite(true).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "d.bin"), Destination.file(target));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
                assertThat(f.verified()).containsKey("sha-256");
            }
        }
    }

    @Test
    void aCorruptedByteInALaterSegmentIsCaughtToo(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(digestServer.address())) {
            proxy.script(Fault.pass(), Fault.pass(), Fault.pass().corruptAt(200_000));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(4).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "d.bin"),
                        Destination.directory(out)), TransferException.class);
                assertThat(e).isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.INTEGRITY);
            }
            assertThat(proxy.exchanges().get(2).fault().toString()).contains("corrupt");
        }
    }

    @Test
    void checksumsOfEveryAlgorithmAreVerified(@TempDir Path out) throws Exception {
        // --checksum name, JDK name, the name in Finished.verified (the HTTP Digest Fields name)
        String[][] algs = {{"sha-256", "SHA-256", "sha-256"}, {"sha-512", "SHA-512", "sha-512"},
            {"sha-1", "SHA-1", "sha"}, {"md5", "MD5", "md5"}};
        for (String[] alg : algs) {
            Path dir = Files.createDirectories(out.resolve(alg[0]));
            Checksum sum = Checksum.parse(alg[0] + "=" + hash(alg[1], data));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(3).checksum(sum).build())) {
                DownloadListener.Finished f = d.download(URI.create(plainServer.url() + "p.bin"),
                        Destination.directory(dir));
                assertThat(f.verified()).containsEntry(alg[2], hash(alg[1], data));
                assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
            }
        }
    }

    @Test
    void aChecksumMismatchKeepsThePartFileAndSaysWhatToDo(@TempDir Path out) throws Exception {
        byte[] other = data.clone();
        other[5] ^= 1;
        Checksum wrong = Checksum.parse("sha-256=" + hash("SHA-256", other));
        try (Downloader d = Fixtures.downloader(new Recorder(), options().checksum(wrong).build())) {
            TransferException e = catchThrowableOfType(() -> d.download(URI.create(plainServer.url() + "p.bin"),
                    Destination.directory(out)), TransferException.class);
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(TransferException.Kind.INTEGRITY);
            assertThat(e.getMessage()).contains("--checksum").contains(hash("SHA-256", data))
                    .contains("--overwrite");
        }
        assertThat(Files.exists(out.resolve("p.bin"))).isFalse();
        assertThat(Files.size(out.resolve("p.bin.part"))).isEqualTo(SIZE);
    }

    @Test
    void aLegacyDigestIsVerified(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(plainServer.address())) {
            String good = "SHA-256=" + base64("SHA-256", data);
            proxy.otherwise(r -> Fault.pass().header("Digest", good));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(4).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "p.bin"),
                        Destination.directory(out));
                assertThat(f.verified()).containsEntry("sha-256", hash("SHA-256", data));
            }
        }
    }

    @Test
    void aWrongLegacyDigestFailsWithIntegrity(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(plainServer.address())) {
            String bad = "SHA-256=" + base64("SHA-256", new byte[] {1, 2, 3});
            proxy.otherwise(r -> Fault.pass().header("Digest", bad));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(4).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "p.bin"),
                        Destination.directory(out)), TransferException.class);
                assertThat(e).isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.INTEGRITY);
                assertThat(e.getMessage()).contains("Digest");
            }
            assertThat(Files.exists(out.resolve("p.bin"))).isFalse();
        }
    }

    @Test
    void contentMd5OfAWholeResponseIsVerified(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(plainServer.address())) {
            proxy.script(Fault.pass().whole().header("Content-MD5", base64("MD5", data)));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "p.bin"),
                        Destination.directory(out));
                assertThat(f.verified()).containsEntry("md5", hash("MD5", data));
            }
        }
    }

    @Test
    void aWrongContentMd5FailsWithIntegrity(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(plainServer.address())) {
            proxy.script(Fault.pass().whole().header("Content-MD5", base64("MD5", new byte[] {9})));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "p.bin"),
                        Destination.directory(out)), TransferException.class);
                assertThat(e).isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.INTEGRITY);
                assertThat(e.getMessage()).contains("Content-MD5");
            }
        }
    }

    @Test
    void theDigestOfATwoHundredToARangedRequestIsKeptAndChecked(@TempDir Path out) throws Exception {
        Path target = out.resolve("d.bin");
        try (FaultProxy proxy = FaultProxy.start(digestServer.address())) {
            proxy.script(Fault.pass().cutAfter(3 << 20));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).retries(0).build())) {
                catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "d.bin"), Destination.file(target)),
                        TransferException.class);
            }
            // the resumption gets a 200 of the whole file (with Repr-Digest), one byte of it corrupted
            proxy.script(Fault.pass().whole().corruptAt(5_000_000));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "d.bin"),
                        Destination.file(target)), TransferException.class);
                assertThat(e).as("a corrupted 200 must not be accepted").isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.INTEGRITY);
            }
            assertThat(Files.exists(target)).isFalse();
        }
    }

    @Test
    void theDigestOfATwoHundredFirstResponseIsKeptAndChecked(@TempDir Path out) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(digestServer.address())) {
            proxy.script(Fault.pass().whole().corruptAt(5_000_000));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).build())) {
                TransferException e = catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "d.bin"),
                        Destination.directory(out)), TransferException.class);
                assertThat(e).as("a corrupted 200 must not be accepted").isNotNull();
                assertThat(e.kind()).isEqualTo(TransferException.Kind.INTEGRITY);
            }
        }
    }

    @Test
    void aReprDigestRememberedAcrossRunsStillVerifies(@TempDir Path out) throws Exception {
        Path target = out.resolve("d.bin");
        try (FaultProxy proxy = FaultProxy.start(digestServer.address())) {
            proxy.script(Fault.pass().cutAfter(3 << 20));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(1).retries(0).build())) {
                catchThrowableOfType(() -> d.download(URI.create(proxy.url() + "d.bin"), Destination.file(target)),
                        TransferException.class);
            }
            assertThat(Fixtures.state(target).orElseThrow().reprDigest()).startsWith("sha-256=:");
            // the rest comes without any digest field: the remembered one still applies
            proxy.otherwise(r -> Fault.pass().header("Repr-Digest", null));
            try (Downloader d = Fixtures.downloader(new Recorder(), options().connections(4).build())) {
                DownloadListener.Finished f = d.download(URI.create(proxy.url() + "d.bin"), Destination.file(target));
                assertThat(f.verified()).containsEntry("sha-256", hash("SHA-256", data));
            }
        }
    }
}
