package dev.carryon.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.carryon.core.download.DownloadState;
import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@code carryon get} as a real process, and what the process tests need around it. */
final class GetProcess implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();

    final Process process;
    final Path stdout;
    final Path stderr;

    private GetProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code carryon get ARGS} with standard output and error going to files in {@code logs}. */
    static GetProcess start(Path logs, String... args) {
        List<String> all = new ArrayList<>(List.of("get"));
        all.addAll(List.of(args));
        return command(logs, Map.of(), all);
    }

    /**
     * Starts {@code carryon ARGS} (the subcommand first) with {@code env} added to the environment, standard
     * output and error going to files in {@code logs}.
     */
    static GetProcess command(Path logs, Map<String, String> env, List<String> args) {
        try {
            Files.createDirectories(logs);
            Path out = Files.createTempFile(logs, "stdout-", ".txt");
            Path err = Files.createTempFile(logs, "stderr-", ".txt");
            List<String> cmd = new ArrayList<>(ServeProcess.command(args.toArray(String[]::new)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // no proxy from the environment
            pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
            pb.environment().putAll(env);
            return new GetProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to the end (at most {@code limit}); the result. */
    static Result run(Path logs, Duration limit, String... args) {
        try (GetProcess p = start(logs, args)) {
            return p.await(limit);
        }
    }

    Result await(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("carryon did not end within " + limit + "; stderr: " + read(stderr));
            }
            return new Result(process.exitValue(), read(stdout), read(stderr));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9, and waits for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
        /** Standard output as JSON events, one object a line (nested objects as maps). */
        List<Map<String, Object>> events() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (!line.isBlank()) {
                    out.add(parseObject(line));
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** A JSON object line; throws when the line is not exactly one JSON object. */
    static Map<String, Object> parseObject(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + line);
            }
            Map<String, Object> m = object(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("more than one JSON value on a line: " + line);
            }
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + line + " (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, Object> object(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new IOException("expected a field name, got " + t);
            }
            String name = p.currentName();
            m.put(name, value(p, p.nextToken()));
        }
        return m;
    }

    /** A value starting at {@code v}: objects as maps, arrays as lists. */
    private static Object value(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(value(p, t));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + v);
        };
    }

    // ---- the served side ----

    static CarryonServer server(Path root) throws IOException {
        return CarryonServer.start(ServerConfig.builder(root).port(0).accessLog("off").digests(false)
                .shutdownTimeout(Duration.ofSeconds(1))
                .stateDir(Files.createTempDirectory("carryon-state-")).build());
    }

    /** GET requests the server answered so far, from its metrics. */
    static long gets(CarryonServer server) {
        long n = 0;
        for (String line : server.metrics().scrape().split("\n")) {
            if (line.startsWith("carryon_http_requests_total{") && line.contains("method=\"GET\"")) {
                n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    /** Writes a file dated a minute ago (a strong validator for the server), through a rename. */
    static void put(Path dir, String name, byte[] data) throws IOException {
        Path tmp = Files.createTempFile(dir, ".tmp-", ".new");
        Files.write(tmp, data);
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(60)));
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    static Optional<DownloadState> state(Path target) throws IOException {
        try {
            return Optional.of(DownloadState.parse(Files.readString(
                    target.resolveSibling(target.getFileName() + ".carryon"), StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static Path part(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }
}
