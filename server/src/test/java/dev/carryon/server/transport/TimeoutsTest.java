package dev.carryon.server.transport;

import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client cannot hold a connection by being slow: incomplete headers get 408 and a close after the header
 * timeout (however the bytes trickle in), a silent keep-alive connection closes after the idle timeout, and a
 * client that stops reading a response is dropped after the send timeout. Meanwhile other clients are served.
 */
class TimeoutsTest {

    static final Duration HEADER_TIMEOUT = Duration.ofMillis(500);
    static final Duration IDLE_TIMEOUT = Duration.ofMillis(1200);
    static final Duration SEND_TIMEOUT = Duration.ofMillis(800);
    /** Scheduling slack on a shared two-core machine. */
    static final long MARGIN_MS = 2000;
    static final long BIG = 64L << 20;
    /** FileBody's check interval: the size of one zero-copy write. */
    static final long FILE_REGION = 8L << 20;
    static final byte[] SMALL = TestFiles.random(10_000, 3);

    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(b -> b.headerTimeout(HEADER_TIMEOUT).idleTimeout(IDLE_TIMEOUT)
                .sendTimeout(SEND_TIMEOUT).digests(false));
        TestFiles.aged(server.file("small.bin", SMALL));
        Path big = server.root().resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            byte[] block = TestFiles.random(1 << 20, 9);
            for (long i = 0; i < BIG; i += block.length) {
                f.write(block);
            }
        }
        TestFiles.aged(big);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- header timeout ----------------------------------------------------------------------------------------

    @Test
    void halfARequestLineGets408AfterTheHeaderTimeout() {
        try (RawHttp http = server.raw()) {
            long t0 = System.nanoTime();
            http.send("GET /small.b");
            anotherClientIsServed();
            RawHttp.Response r = http.read();
            long ms = elapsedMs(t0);
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.bodyText()).startsWith("408 Request Timeout\n").contains("headers");
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(ms).isBetween(HEADER_TIMEOUT.toMillis() - 50, HEADER_TIMEOUT.toMillis() + MARGIN_MS);
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    @Test
    void aCompleteRequestLineWithoutTheEndOfHeadersGets408() {
        try (RawHttp http = server.raw()) {
            long t0 = System.nanoTime();
            http.send("GET /small.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n");
            RawHttp.Response r = http.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(elapsedMs(t0)).isLessThan(HEADER_TIMEOUT.toMillis() + MARGIN_MS);
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    @Test
    void slowlorisOneHeaderByteEvery200msGets408AndIsClosed() throws Exception {
        try (RawHttp http = server.raw()) {
            http.send("GET /small.bin HTTP/1.1\r\n");
            long t0 = System.nanoTime();
            Trickle trickle = new Trickle(http.socket().getOutputStream(),
                    "Host: x\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n", 200);
            trickle.start();
            try {
                anotherClientIsServed();
                RawHttp.Response r = http.read();
                long ms = elapsedMs(t0);
                assertThat(r.status()).isEqualTo(408);
                // Each byte arrives well within 200 ms of the last: only a timer that is not reset by bytes fires.
                assertThat(ms).isBetween(HEADER_TIMEOUT.toMillis() - 50, HEADER_TIMEOUT.toMillis() + MARGIN_MS);
                assertThat(http.closedByPeer()).isTrue();
                assertThat(trickle.sent()).as("the trickle was cut short").isLessThan(30);
            } finally {
                trickle.stop();
            }
        }
    }

    @Test
    void blankLinesTrickledBeforeARequestAreNoWayToHoldAConnection() throws Exception {
        try (RawHttp http = server.raw()) {
            long t0 = System.nanoTime();
            Trickle trickle = new Trickle(http.socket().getOutputStream(), "\r\n".repeat(100), 200);
            trickle.start();
            try {
                RawHttp.Response r = http.read();
                assertThat(r.status()).isEqualTo(408);
                assertThat(elapsedMs(t0)).isLessThan(HEADER_TIMEOUT.toMillis() + MARGIN_MS);
                assertThat(http.closedByPeer()).isTrue();
            } finally {
                trickle.stop();
            }
        }
    }

    @Test
    void fiftySlowlorisConnectionsDoNotStopOtherClients() throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        List<Trickle> trickles = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                RawHttp http = server.raw();
                slow.add(http);
                http.send("GET /small.bin HTTP/1.1\r\n");
                Trickle t = new Trickle(http.socket().getOutputStream(), "X-Slow: " + "a".repeat(100), 100);
                trickles.add(t);
                t.start();
            }
            for (int i = 0; i < 5; i++) {
                anotherClientIsServed();
            }
            for (RawHttp http : slow) {
                assertThat(http.read().status()).isEqualTo(408);
            }
        } finally {
            trickles.forEach(Trickle::stop);
            slow.forEach(RawHttp::close);
        }
    }

    // --- idle timeout ------------------------------------------------------------------------------------------

    @Test
    void aSilentKeepAliveConnectionIsClosedAfterTheIdleTimeout() {
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.get("/small.bin").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(SMALL);
            long t0 = System.nanoTime();
            anotherClientIsServed();
            assertThat(http.closedByPeer()).isTrue();
            assertThat(elapsedMs(t0)).isBetween(IDLE_TIMEOUT.toMillis() - 50, IDLE_TIMEOUT.toMillis() + MARGIN_MS);
        }
    }

    @Test
    void aConnectionThatNeverSendsAByteIsClosedAfterTheIdleTimeout() {
        try (RawHttp http = server.raw()) {
            long t0 = System.nanoTime();
            assertThat(http.closedByPeer()).isTrue();
            assertThat(elapsedMs(t0)).isBetween(IDLE_TIMEOUT.toMillis() - 50, IDLE_TIMEOUT.toMillis() + MARGIN_MS);
        }
    }

    @Test
    void aConnectionUsedWithinTheIdleTimeoutStaysOpen() throws Exception {
        try (RawHttp http = server.raw()) {
            for (int i = 0; i < 4; i++) {
                assertThat(http.get("/small.bin").read().body()).isEqualTo(SMALL);
                Thread.sleep(IDLE_TIMEOUT.toMillis() / 2);
            }
        }
    }

    // --- send timeout ------------------------------------------------------------------------------------------

    @Test
    void aClientThatNeverReadsIsDroppedAfterTheSendTimeout() throws Exception {
        long cutBefore = cutResponses();
        try (RawHttp http = RawHttp.withReceiveBuffer("127.0.0.1", server.port(), 4096)) {
            long t0 = System.nanoTime();
            http.get("/big.bin");
            // The server fills the socket buffers, then sees no progress for the send timeout and closes.
            boolean cut = poll(SEND_TIMEOUT.toMillis() + 3 * MARGIN_MS, () -> cutResponses() > cutBefore);
            long ms = elapsedMs(t0);
            assertThat(cut).as("the response was cut").isTrue();
            assertThat(ms).isGreaterThanOrEqualTo(SEND_TIMEOUT.toMillis() - 50);
            anotherClientIsServed();
            // What the client finds when it finally reads: some of the body, then the end, never all of it.
            RawHttp.Response r = http.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(BIG));
            assertThat(r.complete()).isFalse();
            assertThat((long) r.body().length).isLessThan(BIG / 2);
        }
    }

    @Test
    void aClientReadingSteadilyIsNotDroppedWhenOneFileRegionTakesLongerThanTheSendTimeout() throws Exception {
        // About 5 MB/s: a file region (8 MiB between two checks of the file) takes well over the send timeout,
        // while bytes leave the server's socket buffer far more often than once per send timeout. (Much slower
        // readers are dropped by design: the kernel wakes a writer only once a third of its buffer, up to 4 MiB,
        // is free, so a server sees progress in bursts.)
        try (RawHttp http = server.raw()) {
            http.get("/big.bin");
            RawHttp.Response head = http.readHead();
            assertThat(head.status()).isEqualTo(200);
            InputStream in = http.input();
            byte[] buf = new byte[256 << 10];
            long received = 0;
            long t0 = System.nanoTime();
            long until = t0 + TimeUnit.MILLISECONDS.toNanos(SEND_TIMEOUT.toMillis() * 4);
            while (System.nanoTime() < until) {
                int n = in.readNBytes(buf, 0, buf.length);
                assertThat(n).as("the connection is still open after %d bytes", received).isEqualTo(buf.length);
                received += n;
                Thread.sleep(50);
            }
            assertThat(received).as("more than one region went by").isGreaterThan(FILE_REGION);
            int n;
            while (received < BIG && (n = in.read(buf)) > 0) {
                received += n;
            }
            assertThat(received).isEqualTo(BIG);
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** A normal GET on a new connection succeeds promptly. */
    static void anotherClientIsServed() {
        long t0 = System.nanoTime();
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET /small.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(SMALL);
        assertThat(elapsedMs(t0)).as("another client is served meanwhile").isLessThan(MARGIN_MS);
    }

    static long cutResponses() {
        for (String line : server.server().metrics().scrape().split("\n")) {
            if (line.startsWith("carryon_responses_cut_total")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no carryon_responses_cut_total in the metrics");
    }

    static long elapsedMs(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    static boolean poll(long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /** Writes one byte at a time with a pause between; stops at the first failure (the server closed). */
    static final class Trickle {
        private final OutputStream out;
        private final byte[] bytes;
        private final long pauseMs;
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile int sent;
        private final Thread thread;

        Trickle(OutputStream out, String text, long pauseMs) {
            this.out = out;
            this.bytes = text.getBytes(StandardCharsets.US_ASCII);
            this.pauseMs = pauseMs;
            this.thread = new Thread(this::run, "trickle");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        int sent() {
            return sent;
        }

        private void run() {
            try {
                for (byte b : bytes) {
                    if (stop.get()) {
                        return;
                    }
                    out.write(b);
                    out.flush();
                    sent++;
                    Thread.sleep(pauseMs);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: what the test expects
            }
        }

        void stop() {
            stop.set(true);
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(thread.isAlive()).as("the trickle thread ended").isFalse();
        }
    }
}
