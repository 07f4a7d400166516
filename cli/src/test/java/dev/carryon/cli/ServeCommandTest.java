package dev.carryon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code carryon serve} as a user runs it: a process, its output, its signals, its exit codes. */
class ServeCommandTest {

    Path root;

    @BeforeEach
    void root() throws IOException {
        root = Files.createTempDirectory("carryon-cli-");
    }

    @AfterEach
    void clean() throws IOException {
        try (var files = Files.walk(root)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void printsOneLineWithTheUrlThenServes() throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello\n");
        try (ServeProcess serve = ServeProcess.start(root)) {
            assertThat(serve.url.toString()).matches("http://127\\.0\\.0\\.1:\\d+/");
            // one line that does not wrap on a terminal of 100 columns
            assertThat(serve.firstLine).isEqualTo("carryon serving " + root.toAbsolutePath().normalize() + " at " + serve.url)
                    .hasSizeLessThan(100);
            String response = exchange(serve.port(), "GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nhello\n");
        }
    }

    @Test
    void sigtermLetsTheDownloadInFlightFinishThenExitsZero() throws Exception {
        byte[] data = new byte[24 << 20];
        new Random(3).nextBytes(data);
        Files.write(root.resolve("big.bin"), data);
        try (ServeProcess serve = ServeProcess.start(root, "--shutdown-timeout", "30s")) {
            Socket s = new Socket("127.0.0.1", serve.port());
            s.setReceiveBufferSize(64 << 10);
            s.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            // A slow reader: about 12 MiB/s, so the response is still in flight when the signal comes.
            CompletableFuture<byte[]> body = CompletableFuture.supplyAsync(() -> readSlowly(in, data.length));
            Thread.sleep(500);
            serve.terminate();
            Thread.sleep(300);
            assertThatThrownBy(() -> new Socket("127.0.0.1", serve.port()).close())
                    .as("no new connections once stopping").isInstanceOf(ConnectException.class);
            byte[] received = body.get(60, TimeUnit.SECONDS);
            assertThat(sha256(received)).as("the whole file arrived").isEqualTo(sha256(data));
            assertThat(serve.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.process.exitValue()).isZero();
            s.close();
        }
    }

    @Test
    void aStalledDownloadIsCutAfterTheShutdownTimeout() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[64 << 20]);
        try (ServeProcess serve = ServeProcess.start(root, "--shutdown-timeout", "1s");
             Socket s = new Socket("127.0.0.1", serve.port())) {
            s.setReceiveBufferSize(16 << 10);
            s.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().read(); // the response has begun; now the client reads no more
            long start = System.nanoTime();
            serve.terminate();
            assertThat(serve.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(900L, 10_000L);
            assertThat(serve.process.exitValue()).isZero();
        }
    }

    @Test
    void idleKeepAliveConnectionsDoNotDelayShutdown() throws Exception {
        Files.writeString(root.resolve("a.txt"), "x");
        try (ServeProcess serve = ServeProcess.start(root, "--shutdown-timeout", "30s");
             Socket s = new Socket("127.0.0.1", serve.port())) {
            s.getOutputStream().write("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readNBytes(10);
            long start = System.nanoTime();
            serve.terminate();
            assertThat(serve.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000L);
        }
    }

    @Test
    void aRootThatIsNotADirectoryIsAUsageError() throws IOException {
        Path file = Files.writeString(root.resolve("file.txt"), "x");
        ServeProcess.Result r = ServeProcess.run("serve", file.toString(), "--port", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("carryon: ").contains("is not a directory");
    }

    @Test
    void aTakenPortIsALocalIoErrorThatSaysWhatToDo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ServeProcess.Result r = ServeProcess.run("serve", root.toString(), "--port",
                    Integer.toString(taken.getLocalPort()));
            assertThat(r.exitCode()).isEqualTo(6);
            assertThat(r.stderr()).contains("in use").contains("--port");
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        ServeProcess.Result unknown = ServeProcess.run("serve", "--no-such-option");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("Unknown option").contains("--help");

        ServeProcess.Result duration = ServeProcess.run("serve", root.toString(), "--idle-timeout", "soon");
        assertThat(duration.exitCode()).isEqualTo(2);
        assertThat(duration.stderr()).contains("'soon' is not a duration");

        ServeProcess.Result tls = ServeProcess.run("serve", root.toString(), "--tls-cert", "c.pem");
        assertThat(tls.exitCode()).isEqualTo(2);
        assertThat(tls.stderr()).contains("--tls-key");
    }

    @Test
    void helpListsTheExitCodes() {
        ServeProcess.Result r = ServeProcess.run("serve", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("--port", "--state", "--tls-cert", "Exit codes:", " 6 ", "local I/O");
        assertThat(r.stdout()).contains("--no-journal", "--journal-retention", "--journal-max-sessions",
                "--journal-gap");
    }

    @Test
    void theJournalFlagsReachTheServer() throws Exception {
        Files.writeString(root.resolve("j.txt"), "journal\n");
        try (ServeProcess serve = ServeProcess.start(root, "--journal-retention", "7d", "--journal-gap", "30s",
                "--journal-max-sessions", "5")) {
            assertThat(exchange(serve.port(), "GET /j.txt HTTP/1.1\r\nHost: x\r\nUser-Agent: cli-test\r\n"
                    + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 200 OK");
            String api = "GET /-/api/transfers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String listed = exchange(serve.port(), api);
            while (!listed.contains("\"path\":\"/j.txt\"") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                listed = exchange(serve.port(), api);
            }
            assertThat(listed).startsWith("HTTP/1.1 200 OK").contains("\"path\":\"/j.txt\"", "\"userAgent\":\"cli-test\"",
                    "\"state\":\"done\"");
        }
        try (ServeProcess serve = ServeProcess.start(root, "--no-journal")) {
            assertThat(exchange(serve.port(), "GET /-/api/transfers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 404 ").contains("--no-journal");
        }
        ServeProcess.Result bad = ServeProcess.run("serve", root.toString(), "--journal-retention", "0s");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("retention");
    }

    static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads the headers, then the body at roughly 12 MiB/s. */
    static byte[] readSlowly(InputStream in, int bodyLength) {
        try {
            int state = 0;
            while (state < 4) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed in the headers");
                }
                state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
            }
            byte[] body = new byte[bodyLength];
            int got = 0;
            while (got < bodyLength) {
                int n = in.read(body, got, Math.min(64 << 10, bodyLength - got));
                if (n < 0) {
                    break;
                }
                got += n;
                Thread.sleep(5);
            }
            return java.util.Arrays.copyOf(body, got);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
