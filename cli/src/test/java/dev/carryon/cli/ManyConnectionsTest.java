package dev.carryon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code carryon serve} as its own process holds 10,000 connections (idle ones and ones stuck in half a request
 * line) without refusing a new client and without memory growing out of proportion.
 *
 * <p>The bound: Netty keeps per connection a channel, its pipeline (tracker, idle handler, guard, codec, chunked
 * writer, router), two scheduled timers and, for a connection that sent half a request line, a small read
 * buffer: a few KiB. Kernel socket buffers are not in the process's resident set. 300 MB for 10,000 connections
 * (30 KiB each) leaves room for the JVM growing its heap as it allocates, and still catches anything that keeps
 * a large buffer (64 KiB or more) per connection.
 */
class ManyConnectionsTest {

    static final int CONNECTIONS = 10_000;
    static final int HALF_REQUEST_EVERY = 3; // every third connection sends half a request line
    static final long RSS_BOUND_BYTES = 300L << 20;
    static final Pattern URL = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");

    private Process server;
    private final List<SocketChannel> held = new ArrayList<>();
    private Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        for (SocketChannel c : held) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing test connections
            }
        }
        held.clear();
        if (server != null) {
            server.destroy(); // SIGTERM: graceful, and its connections are gone
            if (!server.waitFor(15, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (dir != null) {
            deleteRecursively(dir);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void tenThousandConnectionsAreHeldWithBoundedMemoryAndNewClientsAreServed() throws Exception {
        long limit = openFileLimit();
        Assumptions.assumeTrue(limit >= CONNECTIONS + 1000, () -> "this test opens " + CONNECTIONS
                + " connections; the open-file limit here is " + limit + " (raise it with ulimit -n)");
        int ports = ephemeralPorts();
        Assumptions.assumeTrue(ports >= CONNECTIONS + 1000, () -> "only " + ports
                + " ephemeral ports (net.ipv4.ip_local_port_range) for " + CONNECTIONS + " connections");

        dir = Files.createTempDirectory("carryon-many-");
        Path root = Files.createDirectory(dir.resolve("root"));
        byte[] content = "hello from a crowded server\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(root.resolve("hello.txt"), content);
        int port = startServer(root);
        long pid = server.pid();

        for (int i = 0; i < 20; i++) {
            assertThat(get(port, "/hello.txt", 5000)).isEqualTo(content); // warm up: classes loaded, code compiled
        }
        long rssBefore = rss(pid);
        long fdsBefore = fds(pid);

        long t0 = System.nanoTime();
        ByteBuffer half = ByteBuffer.wrap("GET /hello.t".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < CONNECTIONS; i++) {
            SocketChannel c;
            try {
                c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                Assumptions.assumeFalse(m.contains("Too many open files") || m.contains("Cannot assign requested"),
                        () -> "the environment cannot open " + CONNECTIONS + " sockets (after " + held.size()
                                + "): " + m);
                throw e;
            }
            held.add(c);
            if (i % HALF_REQUEST_EVERY == 0) {
                c.write(half.duplicate());
            }
        }
        long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        // The server has accepted them all when its open-connections gauge counts them (and the asking one).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long open;
        while ((open = openConnections(port)) < CONNECTIONS + 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(open).as("connections the server holds").isGreaterThanOrEqualTo(CONNECTIONS + 1);
        long fdsHeld = fds(pid) - fdsBefore;
        assertThat(server.isAlive()).isTrue();

        long g0 = System.nanoTime();
        assertThat(get(port, "/hello.txt", 5000)).isEqualTo(content);
        long getMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - g0);
        assertThat(getMs).as("a new client is served while 10,000 are held").isLessThan(5000);

        Thread.sleep(1000); // let whatever the connections cost settle
        long rssAfter = rss(pid);
        long grown = rssAfter - rssBefore;
        System.out.printf("ManyConnectionsTest: %d connections (%d with half a request line) opened in %d ms;"
                        + " server holds %d more descriptors; GET meanwhile took %d ms;"
                        + " VmRSS %d MiB before, %d MiB after, grown %d MiB = %d bytes per connection%n",
                CONNECTIONS, (CONNECTIONS + HALF_REQUEST_EVERY - 1) / HALF_REQUEST_EVERY, openMs, fdsHeld, getMs,
                rssBefore >> 20, rssAfter >> 20, grown >> 20, grown / CONNECTIONS);
        assertThat(grown).as("resident memory grown for %d connections", CONNECTIONS).isLessThan(RSS_BOUND_BYTES);

        // The held connections are still open: none was dropped (generous timeouts), and each still works.
        SocketChannel first = held.get(0); // sent half a request line: complete it
        first.write(ByteBuffer.wrap("xt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(readAll(first.socket())).startsWith("HTTP/1.1 200 ");
        SocketChannel second = held.get(1); // idle: ask now
        second.write(ByteBuffer.wrap("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)));
        assertThat(readAll(second.socket())).startsWith("HTTP/1.1 200 ");
    }

    // --- the server process ------------------------------------------------------------------------------------

    private int startServer(Path root) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.carryon.cli.Main", "serve", root.toString(), "--port", "0", "--state", dir.resolve("state").toString(),
                "--access-log", "off", "--no-digests", "--idle-timeout", "10m", "--header-timeout", "10m",
                "--shutdown-timeout", "2s")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        server = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = URL.matcher(Files.readString(out));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!server.isAlive()) {
                throw new AssertionError("carryon serve exited with " + server.exitValue() + ": " + Files.readString(err));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("carryon serve printed no URL within 30 s: " + Files.readString(err));
    }

    static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    static long fds(long pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        }
    }

    static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 0;
    }

    static int ephemeralPorts() throws IOException {
        // readAllLines, not readString: procfs reports a size of 0, and readString then stops after one byte.
        String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim()
                .split("\\s+");
        return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
    }

    // --- a client ----------------------------------------------------------------------------------------------

    static byte[] get(int port, String path, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String all = readAll(s);
            assertThat(all).startsWith("HTTP/1.1 200 ");
            return all.substring(all.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** The server's own count of open connections, from its metrics (this request's connection included). */
    static long openConnections(int port) throws IOException {
        String metrics = new String(get(port, "/-/metrics", 5000), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^carryon_connections_open(?:\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError("no carryon_connections_open in the metrics:\n" + metrics);
        }
        return (long) Double.parseDouble(m.group(1));
    }

    static String readAll(Socket s) throws IOException {
        if (s.getSoTimeout() == 0) {
            s.setSoTimeout(5000);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        InputStream in = s.getInputStream(); // honours the timeout, also for a channel's socket
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            b.write(buf, 0, n);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    static void deleteRecursively(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
