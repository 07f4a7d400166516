package dev.carryon.server.http;

import dev.carryon.server.testing.Metrics;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Repr-Digest (RFC 9530) on file responses over real sockets. */
class DigestsTest {

    static final String LOOKUPS_STORED = "carryon_digest_lookups_total{result=\"stored\"}";
    static final String LOOKUPS_MEMORY = "carryon_digest_lookups_total{result=\"memory\"}";
    static final String COMPUTATIONS = "carryon_digest_computations_total";

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    RawHttp.Response get(String target, String... headers) {
        return RawHttp.once(server.port(), "GET", target, headers);
    }

    RawHttp.Response head(String target, String... headers) {
        return RawHttp.once(server.port(), "HEAD", target, headers);
    }

    static String field(String algorithm, byte[] content) throws Exception {
        byte[] d = MessageDigest.getInstance(algorithm).digest(content);
        return (algorithm.equals("SHA-256") ? "sha-256" : "sha-512") + "=:" + Base64.getEncoder().encodeToString(d) + ":";
    }

    /** Requests the file until its digest is known, so that the test never depends on the hasher's timing. */
    void awaitDigest(String target) throws Exception {
        get(target); // queues it, if nothing else did
        assertThat(server.server().awaitDigests(10_000)).isTrue();
    }

    @Test
    void sha256OfTheWholeFileOn200And206AndHead() throws Exception {
        server = TestServer.start();
        byte[] content = TestFiles.random(300_000, 5);
        TestFiles.aged(server.file("d.bin", content));
        String expected = field("SHA-256", content);
        awaitDigest("/d.bin");

        RawHttp.Response whole = get("/d.bin");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.headers("Repr-Digest")).containsExactly(expected);

        RawHttp.Response part = get("/d.bin", "Range: bytes=1000-1999");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.headers("Repr-Digest")).as("it covers the representation, not the range")
                .containsExactly(expected);

        RawHttp.Response multi = get("/d.bin", "Range: bytes=0-9,200000-200009");
        assertThat(multi.status()).isEqualTo(206);
        assertThat(multi.header("Content-Type")).startsWith("multipart/byteranges");
        assertThat(multi.headers("Repr-Digest")).containsExactly(expected);

        RawHttp.Response h = head("/d.bin");
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.headers("Repr-Digest")).containsExactly(expected);
        RawHttp.Response hr = head("/d.bin", "Range: bytes=0-9");
        assertThat(hr.headers("Repr-Digest")).containsExactly(expected);
    }

    @Test
    void digestArrivesWithoutWaitingForAwaitDigests() throws Exception {
        server = TestServer.start();
        byte[] content = TestFiles.random(50_000, 6);
        TestFiles.aged(server.file("p.bin", content));
        String expected = field("SHA-256", content);
        String seen = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen == null && System.nanoTime() < deadline) {
            seen = get("/p.bin").header("Repr-Digest");
            if (seen == null) {
                Thread.sleep(20);
            }
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void wantReprDigestChoosesTheAlgorithm() throws Exception {
        server = TestServer.start();
        byte[] content = TestFiles.random(70_000, 7);
        TestFiles.aged(server.file("w.bin", content));
        awaitDigest("/w.bin");
        String sha256 = field("SHA-256", content);
        String sha512 = field("SHA-512", content);

        assertThat(get("/w.bin", "Want-Repr-Digest: sha-512=5").headers("Repr-Digest")).containsExactly(sha512);
        assertThat(get("/w.bin", "Want-Repr-Digest: sha-256=1, sha-512=3").headers("Repr-Digest"))
                .containsExactly(sha512);
        assertThat(get("/w.bin", "Want-Repr-Digest: sha-256=9, sha-512=3").headers("Repr-Digest"))
                .containsExactly(sha256);
        assertThat(get("/w.bin", "Want-Repr-Digest: sha-512=0").headers("Repr-Digest")).containsExactly(sha256);
        assertThat(get("/w.bin", "Want-Repr-Digest: sha-256=2").headers("Repr-Digest")).containsExactly(sha256);
        // an algorithm we do not offer, or nonsense: the default
        assertThat(get("/w.bin", "Want-Repr-Digest: md5=10").headers("Repr-Digest")).containsExactly(sha256);
        assertThat(get("/w.bin", "Want-Repr-Digest: ???").headers("Repr-Digest")).containsExactly(sha256);
        // on a 206 and on HEAD too
        assertThat(get("/w.bin", "Want-Repr-Digest: sha-512=5", "Range: bytes=0-0").headers("Repr-Digest"))
                .containsExactly(sha512);
        assertThat(head("/w.bin", "Want-Repr-Digest: sha-512=5").headers("Repr-Digest")).containsExactly(sha512);
        // a dictionary field sent as two field lines is one dictionary (RFC 9651 section 4.2)
        assertThat(get("/w.bin", "Want-Repr-Digest: sha-256=1", "Want-Repr-Digest: sha-512=3").headers("Repr-Digest"))
                .containsExactly(sha512);
        // both at the same preference: both, in one field
        String both = get("/w.bin", "Want-Repr-Digest: sha-256=4, sha-512=4").header("Repr-Digest");
        assertThat(both.split(", ")).containsExactlyInAnyOrder(sha256, sha512);
    }

    @Test
    void aChangedFileNeverGetsTheOldDigest() throws Exception {
        server = TestServer.start();
        byte[] v1 = TestFiles.random(80_000, 8);
        Path p = TestFiles.aged(server.file("m.bin", v1));
        awaitDigest("/m.bin");
        String old = field("SHA-256", v1);
        assertThat(get("/m.bin").header("Repr-Digest")).isEqualTo(old);

        // same size, new bytes
        byte[] v2 = TestFiles.random(80_000, 9);
        Files.write(p, v2);
        TestFiles.aged(p);
        RawHttp.Response first = get("/m.bin");
        assertThat(first.body()).isEqualTo(v2);
        assertThat(first.header("Repr-Digest")).isIn(null, field("SHA-256", v2));
        assertThat(server.server().awaitDigests(10_000)).isTrue();
        RawHttp.Response next = get("/m.bin");
        assertThat(next.header("Repr-Digest")).isEqualTo(field("SHA-256", v2));
        assertThat(next.header("ETag")).isEqualTo(first.header("ETag"));

        // another size, and a range of it
        byte[] v3 = TestFiles.random(12_345, 10);
        Files.write(p, v3);
        TestFiles.aged(p);
        RawHttp.Response part = get("/m.bin", "Range: bytes=0-9");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Repr-Digest")).isIn(null, field("SHA-256", v3));
        assertThat(server.server().awaitDigests(10_000)).isTrue();
        assertThat(get("/m.bin").header("Repr-Digest")).isEqualTo(field("SHA-256", v3));
        assertThat(head("/m.bin").header("Repr-Digest")).isEqualTo(field("SHA-256", v3));
    }

    @Test
    void digestsSurviveARestartWithoutBeingRecomputed() throws Exception {
        server = TestServer.start();
        byte[] content = TestFiles.random(200_000, 11);
        TestFiles.aged(server.file("r.bin", content));
        awaitDigest("/r.bin");
        String expected = field("SHA-256", content);
        assertThat(get("/r.bin").header("Repr-Digest")).isEqualTo(expected);
        assertThat(Metrics.value(Metrics.scrape(server.port()), COMPUTATIONS)).isEqualTo(1.0);

        server.restart();
        String before = Metrics.scrape(server.port());
        assertThat(Metrics.value(before, COMPUTATIONS)).isEqualTo(0.0);
        assertThat(Metrics.value(before, LOOKUPS_STORED)).isEqualTo(0.0);

        RawHttp.Response first = get("/r.bin");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Repr-Digest")).as("sent on the first request after a restart").isEqualTo(expected);
        RawHttp.Response sha512 = get("/r.bin", "Want-Repr-Digest: sha-512=1");
        assertThat(sha512.header("Repr-Digest")).isEqualTo(field("SHA-512", content));
        assertThat(server.server().awaitDigests(10_000)).isTrue();

        String after = Metrics.scrape(server.port());
        assertThat(Metrics.value(after, COMPUTATIONS)).as("nothing hashed again").isEqualTo(0.0);
        assertThat(Metrics.value(after, LOOKUPS_STORED)).as("read from the database once").isEqualTo(1.0);
        assertThat(Metrics.value(after, LOOKUPS_MEMORY)).as("then from memory").isEqualTo(1.0);
    }

    @Test
    void noDigestsWhenTurnedOff() throws Exception {
        server = TestServer.start(b -> b.digests(false));
        TestFiles.aged(server.file("n.bin", TestFiles.random(10_000, 12)));
        for (int i = 0; i < 3; i++) {
            assertThat(get("/n.bin").header("Repr-Digest")).isNull();
            assertThat(server.server().awaitDigests(1_000)).isTrue();
        }
        assertThat(get("/n.bin", "Range: bytes=0-9").header("Repr-Digest")).isNull();
        assertThat(get("/n.bin", "Want-Repr-Digest: sha-512=10").header("Repr-Digest")).isNull();
        assertThat(head("/n.bin").header("Repr-Digest")).isNull();
        assertThat(Metrics.value(Metrics.scrape(server.port()), COMPUTATIONS)).isEqualTo(0.0);
    }

    @Test
    void noDigestOn304Or412Or416() throws Exception {
        server = TestServer.start();
        byte[] content = TestFiles.random(10_000, 13);
        TestFiles.aged(server.file("s.bin", content));
        awaitDigest("/s.bin");
        RawHttp.Response ok = get("/s.bin");
        assertThat(ok.header("Repr-Digest")).isEqualTo(field("SHA-256", content));
        String etag = ok.header("ETag");

        RawHttp.Response notModified = get("/s.bin", "If-None-Match: " + etag);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("Repr-Digest")).isNull();
        RawHttp.Response notModifiedHead = head("/s.bin", "If-Modified-Since: " + ok.header("Last-Modified"));
        assertThat(notModifiedHead.status()).isEqualTo(304);
        assertThat(notModifiedHead.header("Repr-Digest")).isNull();

        RawHttp.Response failed = get("/s.bin", "If-Match: \"other\"");
        assertThat(failed.status()).isEqualTo(412);
        assertThat(failed.header("Repr-Digest")).isNull();

        RawHttp.Response unsatisfiable = get("/s.bin", "Range: bytes=10000-");
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(unsatisfiable.header("Repr-Digest")).isNull();
        RawHttp.Response unsatisfiableWanted = get("/s.bin", "Range: bytes=10000-", "Want-Repr-Digest: sha-512=5");
        assertThat(unsatisfiableWanted.header("Repr-Digest")).isNull();
    }

    @Test
    void emptyFileHasTheDigestOfNothing() throws Exception {
        server = TestServer.start();
        TestFiles.aged(server.file("e.bin", new byte[0]));
        awaitDigest("/e.bin");
        assertThat(get("/e.bin").header("Repr-Digest")).isEqualTo(field("SHA-256", new byte[0]));
    }
}
