package dev.carryon.server.upload;

import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One writer per upload, and never a dead end: a writer whose connection went silent is taken over (no 423
 * Locked, as tusd answers until its lock times out), and two clients racing on one upload cannot interleave
 * their bytes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadConcurrencyTest {

    static final int MIB = 1 << 20;

    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aStalledPatchIsTakenOverAndTheUploadCompletes() throws Exception {
        byte[] data = random(2 * MIB, 1);
        String u = create(data.length, "taken.bin");
        try (RawHttp stalled = new RawHttp("127.0.0.1", server.port())) {
            stalled.send(patchHead(u, 0, data.length));
            stalled.send(Arrays.copyOf(data, MIB));
            // The connection stays open and silent, as behind a network that dropped without a reset: once it has
            // been silent for the stall time, an offset request takes the writer over.
            long offset = Poll.until(Duration.ofSeconds(15), () -> offset(u), o -> o == MIB);
            assertThat(offset).as("the silent writer was taken over and what it sent was kept").isEqualTo(MIB);
            RawHttp.Response rest = patch(u, offset, Arrays.copyOfRange(data, MIB, data.length));
            assertThat(rest.status()).as(rest.bodyText()).isEqualTo(204);
        }
        assertThat(Files.readAllBytes(server.root().resolve("taken.bin"))).isEqualTo(data);
    }

    @Test
    void aNewPatchTakesOverABusyOneImmediatelyWithoutA423() throws Exception {
        byte[] data = random(2 * MIB, 2);
        String u = create(data.length, "newer.bin");
        try (RawHttp first = new RawHttp("127.0.0.1", server.port())) {
            first.send(patchHead(u, 0, data.length));
            first.send(Arrays.copyOf(data, MIB / 2));
            Path written = server.state().resolve("uploads").resolve(u.substring(u.lastIndexOf('/') + 1));
            Poll.until(Duration.ofSeconds(10), () -> written.toFile().length(), n -> n >= MIB / 2);
            // A client that lost its connection and retries at once with the offset it believed.
            RawHttp.Response second = patch(u, 0, data);
            assertThat(second.status()).as(second.bodyText()).isIn(204, 409);
            if (second.status() == 409) {
                // the first writer's bytes were committed when it was taken over: continue from there
                long offset = offset(u);
                assertThat(offset).isEqualTo(MIB / 2);
                assertThat(patch(u, offset, Arrays.copyOfRange(data, (int) offset, data.length)).status())
                        .isEqualTo(204);
            }
        }
        assertThat(Files.readAllBytes(server.root().resolve("newer.bin"))).isEqualTo(data);
    }

    @Test
    void clientsRacingOnOneUploadNeverInterleaveBytes() throws Exception {
        for (int round = 0; round < 5; round++) {
            byte[] data = random(MIB, 10 + round);
            String u = create(data.length, "race" + round + ".bin");
            List<CompletableFuture<RawHttp.Response>> racers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                racers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return patch(u, 0, data);
                    } catch (java.io.UncheckedIOException e) {
                        return null; // taken over by a newer racer: the server ended this request mid-body
                    }
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<RawHttp.Response> r : racers) {
                RawHttp.Response response = r.get(30, TimeUnit.SECONDS);
                statuses.add(response == null ? -1 : response.status());
            }
            assertThat(statuses).as("round %d", round).allMatch(s -> s == 204 || s == 409 || s == -1);
            long offset = offset(u);
            if (offset < data.length) {
                // a winner may have been taken over by a later racer that then lost: finish it
                assertThat(patch(u, offset, Arrays.copyOfRange(data, (int) offset, data.length)).status())
                        .isEqualTo(204);
            }
            assertThat(Files.readAllBytes(server.root().resolve("race" + round + ".bin"))).as("round %d", round)
                    .isEqualTo(data);
        }
    }

    @Test
    void aPatchRacingADeleteIsAnswered404NotA500() {
        // Found by RequestFuzzTest: a PATCH that looked the upload up just before a DELETE removed it went on with
        // the stale record on the service's thread and answered 500 (the record or the file was gone).
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        try (LogCapture log = LogCapture.start()) {
            race(statuses);
            // A PATCH that began writing just after the DELETE's takeover used to go on and record its offset after
            // the record was deleted: a warning, and a 204 for an upload that no longer exists.
            // The commits run on the upload service's one thread; a HEAD is answered there after them.
            assertThat(offset(create(1, "barrier.bin"))).isZero();
            assertThat(log.trouble()).isEmpty();
        }
        System.out.println("a PATCH racing a DELETE, 30 rounds (0: closed by the takeover): " + statuses);
    }

    private void race(java.util.Map<Integer, Integer> statuses) {
        for (int round = 0; round < 30; round++) {
            String u = create(5, "raced-" + round + ".bin");
            try (RawHttp delete = new RawHttp("127.0.0.1", server.port());
                 RawHttp patch = new RawHttp("127.0.0.1", server.port())) {
                delete.send("DELETE " + u + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n\r\n");
                patch.send(patchHead(u, 0, 5) + "hello");
                assertThat(delete.read().status()).isIn(204, 404);
                RawHttp.Response r;
                try {
                    r = patch.read();
                } catch (java.io.UncheckedIOException takenOver) {
                    // The DELETE took over a PATCH already writing: its connection is closed, by design.
                    statuses.merge(0, 1, Integer::sum);
                    continue;
                }
                statuses.merge(r.status(), 1, Integer::sum);
                assertThat(r.status()).as("round %d: %s", round, r.bodyText()).isIn(204, 404, 409);
            }
            assertThat(RawHttp.once(server.port(), "HEAD", u, "Tus-Resumable: 1.0.0").status()).as("round %d", round)
                    .isEqualTo(404);
        }
    }

    @Test
    void twoPatchesAtTheSameOffsetAtOnceNeverBothWrite() throws Exception {
        // Found by RequestFuzzTest: both appends passed their takeover before either was the writer, and both became
        // one (the later replacing the earlier unseen): two writers at one offset, and a commit past the length.
        byte[] a = new byte[20_000];
        byte[] b = new byte[20_000];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
        try (LogCapture log = LogCapture.start()) {
            for (int round = 0; round < 20; round++) {
                String name = "both-" + round + ".bin";
                String u = create(a.length, name);
                try (RawHttp first = new RawHttp("127.0.0.1", server.port());
                     RawHttp second = new RawHttp("127.0.0.1", server.port())) {
                    first.send(patchHead(u, 0, a.length));
                    second.send(patchHead(u, 0, b.length));
                    first.send(a);
                    second.send(b);
                    int one = statusOrClosed(first);
                    int two = statusOrClosed(second);
                    outcomes.merge(one + "+" + two, 1, Integer::sum);
                    assertThat(one == 204 && two == 204).as("round %d: both PATCHes acknowledged", round).isFalse();
                }
                Path done = server.root().resolve(name);
                if (Files.exists(done)) {
                    byte[] got = Files.readAllBytes(done);
                    assertThat(Arrays.equals(got, a) || Arrays.equals(got, b)).as("round %d: one writer's bytes", round)
                            .isTrue();
                }
            }
            assertThat(offset(create(1, "barrier.bin"))).isZero(); // after the commits on the service's thread
            assertThat(log.trouble()).isEmpty();
        }
        System.out.println("two PATCHes at once, 20 rounds (0: closed by a takeover): " + outcomes);
    }

    static int statusOrClosed(RawHttp http) {
        try {
            return http.read().status();
        } catch (java.io.UncheckedIOException closed) {
            return 0;
        }
    }

    String create(long length, String name) {
        RawHttp.Response r = RawHttp.once(server.port(), "POST", "/uploads/", "Tus-Resumable: 1.0.0",
                "Upload-Length: " + length, "Content-Length: 0",
                "Upload-Metadata: filename " + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).as(r.bodyText()).isEqualTo(201);
        return r.header("Location");
    }

    long offset(String upload) {
        RawHttp.Response r = RawHttp.once(server.port(), "HEAD", upload, "Tus-Resumable: 1.0.0");
        assertThat(r.status()).isEqualTo(200);
        return Long.parseLong(r.header("Upload-Offset"));
    }

    static String patchHead(String upload, long offset, long length) {
        return "PATCH " + upload + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: " + offset
                + "\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: " + length + "\r\n\r\n";
    }

    RawHttp.Response patch(String upload, long offset, byte[] body) {
        try (RawHttp http = new RawHttp("127.0.0.1", server.port())) {
            http.send(patchHead(upload, offset, body.length));
            http.send(body);
            return http.read();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
