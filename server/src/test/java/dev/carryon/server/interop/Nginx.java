package dev.carryon.server.interop;

import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.Tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An nginx child process serving a directory on a free loopback port, configured in a temporary directory of
 * its own: single process (master_process off), so that destroying the child leaves nothing behind.
 */
final class Nginx implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final Path dir;
    private final Process process;
    private final int port;

    private Nginx(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** Starts nginx over {@code root}; skips the calling test when nginx is not installed. */
    static Nginx serve(Path root) {
        Path binary = Tools.require("nginx");
        String build = buildInfo(binary);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir = null;
            Process p = null;
            try {
                dir = Files.createTempDirectory("carryon-nginx-");
                int port = freePort();
                Path conf = Files.writeString(dir.resolve("nginx.conf"), config(dir, root, port, build));
                p = new ProcessBuilder(binary.toString(), "-p", dir + "/", "-c", conf.toString(),
                        "-e", dir.resolve("error.log").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("stdout.log").toFile())
                        .start();
                if (awaitListening(p, port)) {
                    return new Nginx(dir, p, port);
                }
                last = new IOException("nginx did not start on port " + port + ": " + logs(dir));
            } catch (IOException e) {
                last = e;
            }
            stop(p);
            TestFiles.deleteRecursively(dir);
        }
        throw new UncheckedIOException(last);
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        stop(process);
        TestFiles.deleteRecursively(dir);
    }

    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String config(Path dir, Path root, int port, String build) {
        List<String> temp = new ArrayList<>();
        temp.add("client_body_temp_path " + dir.resolve("client_body_temp") + ";");
        for (String module : List.of("proxy", "fastcgi", "uwsgi", "scgi")) {
            if (!build.contains("--without-http_" + module + "_module")) {
                temp.add(module + "_temp_path " + dir.resolve(module + "_temp") + ";");
            }
        }
        return String.join("\n",
                isRoot() ? "user root;" : "",
                "daemon off;",
                "master_process off;",
                "worker_processes 1;",
                "error_log " + dir.resolve("error.log") + " warn;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "events { worker_connections 256; }",
                "http {",
                "  access_log off;",
                "  sendfile on;",
                "  " + String.join("\n  ", temp),
                "  types { text/plain txt; }",
                "  default_type application/octet-stream;",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    location / { root " + root.toAbsolutePath() + "; }",
                "  }",
                "}",
                "");
    }

    /** The worker must read the test's files: {@code user root;} only when we are root (else it is refused). */
    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static String buildInfo(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "-V").redirectErrorStream(true).start();
            try {
                byte[] out = p.getInputStream().readAllBytes();
                p.waitFor(10, TimeUnit.SECONDS);
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static boolean awaitListening(Process p, int port) {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(2000);
                s.getOutputStream().write("HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String head = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                // Answered, and by nginx (not by whoever else might have taken the port in between).
                return head.startsWith("HTTP/1.1 ") && head.toLowerCase(java.util.Locale.ROOT).contains("\nserver: nginx");
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static String logs(Path dir) {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("stdout.log", "error.log")) {
            try {
                b.append(name).append(": ").append(Files.readString(dir.resolve(name))).append('\n');
            } catch (IOException e) {
                // absent
            }
        }
        return b.toString();
    }
}
