package dev.carryon.server;

import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.server.content.MemoryContent;
import dev.carryon.server.content.ServedContent;
import dev.carryon.server.store.DigestStore;
import dev.carryon.server.store.LocalStorage;
import dev.carryon.server.store.Storage;
import dev.carryon.server.store.StorageFactory;
import dev.carryon.server.store.TransferStore;
import dev.carryon.server.store.UploadStore;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.upload.UploadSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A library user hands the server storage of their own: here, content that is no file at all. */
class StorageFactoryTest {

    @TempDir
    Path dir;

    final MemoryContent memory = new MemoryContent();
    final AtomicBoolean closed = new AtomicBoolean();

    /** The user's content; the records in the embedded database as usual. */
    StorageFactory mine() {
        return config -> {
            LocalStorage local = LocalStorage.open(config);
            return new Storage() {
                @Override
                public ServedContent content() {
                    return memory;
                }

                @Override
                public DigestStore digests() {
                    return local.digests();
                }

                @Override
                public UploadStore uploads() {
                    return local.uploads();
                }

                @Override
                public TransferStore transfers() {
                    return local.transfers();
                }

                @Override
                public void close() {
                    local.close();
                    closed.set(true);
                }
            };
        };
    }

    ServerConfig.Builder config() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        return ServerConfig.builder(root).stateDir(dir.resolve("state")).port(0).accessLog("off");
    }

    @Test
    void filesComeFromTheContentHandedInWithEtagsOfItsVersions() throws Exception {
        Instant old = Instant.now().minusSeconds(3600);
        byte[] big = TestFiles.random(3 << 20, 11);
        memory.put("hello.txt", "hello, world".getBytes(), old);
        memory.put("dir/big.bin", big, old);

        try (CarryonServer server = CarryonServer.start(config().uploads(null).build(), mine())) {
            int port = server.address().getPort();
            RawHttp.Response hello = RawHttp.once(port, "GET", "/hello.txt");
            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.bodyText()).isEqualTo("hello, world");
            assertThat(hello.header("ETag")).isEqualTo("\"m1\"");
            assertThat(hello.header("Content-Type")).startsWith("text/plain");

            RawHttp.Response part = RawHttp.once(port, "GET", "/hello.txt", "Range: bytes=7-11");
            assertThat(part.status()).isEqualTo(206);
            assertThat(part.header("Content-Range")).isEqualTo("bytes 7-11/12");
            assertThat(part.bodyText()).isEqualTo("world");

            RawHttp.Response whole = RawHttp.once(port, "GET", "/dir/big.bin");
            assertThat(whole.status()).isEqualTo(200);
            assertThat(whole.complete()).isTrue();
            assertThat(whole.body()).as("streamed through the JVM: no file to send").isEqualTo(big);

            RawHttp.Response tail = RawHttp.once(port, "GET", "/dir/big.bin", "Range: bytes=-100000");
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(big, big.length - 100_000, big.length));

            RawHttp.Response listing = RawHttp.once(port, "GET", "/dir/", "Accept: application/json");
            assertThat(listing.bodyText()).contains("\"name\":\"big.bin\"").contains("\"etag\":\"\\\"m2\\\"\"");

            assertThat(server.awaitDigests(10_000)).isTrue();
            String sha256 = Base64.getEncoder().encodeToString(DigestAlgorithm.SHA_256.newDigest().digest(big));
            assertThat(RawHttp.once(port, "HEAD", "/dir/big.bin", "Want-Repr-Digest: sha-256=1").header("Repr-Digest"))
                    .as("hashed by reading the content handed in").isEqualTo("sha-256=:" + sha256 + ":");

            memory.put("hello.txt", "hello again".getBytes(), old.plusSeconds(1));
            RawHttp.Response changed = RawHttp.once(port, "GET", "/hello.txt", "If-None-Match: \"m1\"");
            assertThat(changed.status()).isEqualTo(200);
            assertThat(changed.header("ETag")).isEqualTo("\"m3\"");
            assertThat(changed.bodyText()).isEqualTo("hello again");
        }
        assertThat(closed).as("the server closes the storage it opened").isTrue();
    }

    @Test
    void uploadsNeedALocalDirectoryForNow() throws Exception {
        ServerConfig config = config().uploads(UploadSettings.DEFAULT).build();
        assertThatThrownBy(() -> CarryonServer.start(config, mine())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("local directory");
        assertThat(closed).as("closed on a failed start too").isTrue();
    }
}
