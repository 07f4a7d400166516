package dev.carryon.cli;

import dev.carryon.client.TransferException;
import dev.carryon.client.http.ClientConfig;
import dev.carryon.client.testing.FaultProxy;
import dev.carryon.client.upload.UploadListener;
import dev.carryon.client.upload.UploadOptions;
import dev.carryon.client.upload.Uploader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos run of issue 18: 50 uploads (tus through the client library and {@code carryon put} processes, some
 * with per-chunk checksums, some in parallel parts joined by concatenation; IETF drafts 6 and 8 through a small
 * client here) and 20 segmented {@code carryon get} processes at once, some of each through a proxy that cuts and
 * stalls connections, while {@code carryon serve} is killed -9 and restarted on the same port at five moments.
 *
 * <p>Then: every upload is in the served root with its sha-256; every download has the served bytes, or ended
 * non-zero with a message and no final file; no response was a 5xx (there is no graceful stop here, so not even a
 * 503), and the server logged no warning; and once the expiry sweep has run, no upload's data file nor an unfinished record is left: everything a
 * kill orphaned (a creation whose answer was lost, parts of an abandoned join) was cleaned up.
 *
 * <p>The kill moments come from a seeded Random as points in the uploads' progress (bytes sent), so a failure can
 * be replayed with {@code -Dchaos.seed=N}; the test waits on that progress, never on time.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ChaosTest {

    static final int KIB = 1 << 10;
    static final int MIB = 1 << 20;
    /** Five, as issue 18 asks; -Dchaos.kills=N for a longer local run. */
    static final int KILLS = Integer.getInteger("chaos.kills", 5);
    /**
     * Short, so that the sweep runs within the test; longer than the longest silence of a client across the kills
     * (its back-off doubles with every failure in a row, up to 30 s, and one kill can follow another before it
     * gets through): 45 s was not, an upload expired while its client waited.
     */
    static final Duration EXPIRY = Duration.ofSeconds(75);
    static final Pattern STATUS = Pattern.compile("\" (\\d{3}) ");
    /** A warning, an error or a line of a stack trace in what the server writes to standard error. */
    static final Pattern TROUBLE = Pattern.compile("\\b(WARN|ERROR)\\b|^\\s+at \\S+\\(|Exception\\b|^Caused by:");
    /** Child JVMs of the clients: started by the dozen on a small machine, they need no optimizing compiler. */
    static final Map<String, String> LIGHT_JVM = Map.of("JAVA_TOOL_OPTIONS",
            "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k");

    @TempDir
    Path tmp;
    /** The run's directory: a temporary one, or -Dchaos.dir=DIR to keep the files of a run for a look. */
    Path dir;
    Path root;
    Path state;
    Path local;
    Path accessLog;
    int port;
    volatile ServeProcess serve;
    final List<Process> children = new CopyOnWriteArrayList<>();
    /** Request body bytes the in-process clients sent, re-sent bytes included: the clock of the kill moments. */
    final AtomicLong sent = new AtomicLong();
    /** Every status an in-process client saw, and what the clients said when they retried. */
    final List<String> seen = new CopyOnWriteArrayList<>();
    /** The last thing each in-process upload did, for the report of one that does not finish. */
    final Map<String, String> progress = new ConcurrentHashMap<>();
    /** Acknowledged offsets the server later went back on. */
    final List<String> lost = new CopyOnWriteArrayList<>();

    record Expected(String name, String sha256) {
    }

    @Test
    void fiftyUploadsAndTwentyDownloadsSurviveFiveKillsOfTheServer() throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        System.out.println("ChaosTest seed " + seed + " (replay with -Dchaos.seed=" + seed + ")");
        Random random = new Random(seed);
        long began = System.nanoTime();
        dir = System.getProperty("chaos.dir") == null ? tmp
                : Files.createDirectories(Path.of(System.getProperty("chaos.dir")).resolve(Long.toString(seed)));
        root = Files.createDirectories(dir.resolve("root"));
        state = dir.resolve("state");
        local = Files.createDirectories(dir.resolve("local"));
        accessLog = dir.resolve("access.log");
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        port = freePort();

        // Served files for the downloads, dated a minute ago so that they have strong validators.
        List<String> servedNames = new ArrayList<>();
        Map<String, byte[]> servedData = new ConcurrentHashMap<>();
        for (int i = 0; i < 20; i++) {
            int size = i % 5 == 0 ? (12 + random.nextInt(12)) * MIB : 300 * KIB + random.nextInt(4 * MIB);
            byte[] b = GetProcess.random(size, seed + 1000 + i);
            String name = "dl-" + i + ".bin";
            GetProcess.put(root, name, b);
            servedNames.add(name);
            servedData.put(name, b);
        }

        Thread reaper = new Thread(this::killChildren, "chaos-reaper");
        Runtime.getRuntime().addShutdownHook(reaper); // a JVM ended by surefire's timeout leaves no process behind
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "chaos-client");
            t.setDaemon(true);
            return t;
        });
        FaultProxy proxy = null;
        try {
            start();
            proxy = FaultProxy.start("127.0.0.1", port).otherwise(faults(seed));
            String direct = "http://127.0.0.1:" + port + "/";
            String viaProxy = proxy.url();

            List<Expected> expected = new ArrayList<>();
            List<Future<?>> uploads = new ArrayList<>();
            List<java.util.concurrent.Callable<Void>> inProcess = new ArrayList<>();
            long planned = 0;
            // 4 carryon put processes: two with -x 2 (concatenation), two without checksums, one via the proxy.
            List<GetProcess> puts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean parallel = i % 2 == 0;
                int size = parallel ? 16 * MIB + random.nextInt(4 * MIB) : 2 * MIB + random.nextInt(2 * MIB);
                String name = "up-put-" + i + ".bin";
                Path f = file(name, size, seed + 200 + i);
                expected.add(new Expected(name, GetProcess.sha256(f)));
                List<String> args = new ArrayList<>(List.of("put", f.toString(),
                        (i % 3 == 1 ? viaProxy : direct) + "uploads/", "--retries", "20",
                        "--state", dir.resolve("put-" + i).toString(),
                        "--limit-rate", parallel ? "320K" : "128K"));
                if (parallel) {
                    args.addAll(List.of("-x", "2"));
                }
                if (i % 2 == 1) {
                    args.add("--no-checksum");
                } else {
                    args.addAll(List.of("--chunk-size", "512K"));
                }
                puts.add(child(args));
            }
            // 20 segmented downloads, -x 4 to 8, rate-limited to 70 to 100 s so that they span the kills (after the
            // start-up of the client JVMs, which takes a while on a small machine); a quarter via the proxy.
            List<GetProcess> gets = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String name = servedNames.get(i);
                long rate = Math.max(4 * KIB, servedData.get(name).length / (70 + random.nextInt(30)));
                gets.add(child(List.of("get", (i % 4 == 3 ? viaProxy : direct) + name,
                        "-o", downloads.resolve(name).toString(), "-x", Integer.toString(4 + random.nextInt(5)),
                        "--limit-rate", Long.toString(rate), "--retries", "20", "-q")));
            }

            // A dozen JVMs starting at once take the machine for a while: the kills begin once every client
            // process is under way (a get has its part file; the puts started with them).
            awaitCondition(Duration.ofSeconds(60), "every client process under way", () ->
                    gets.stream().allMatch(g -> !g.process.isAlive()
                            || Files.exists(downloads.resolve(servedNames.get(gets.indexOf(g)) + ".part"))
                            || Files.exists(downloads.resolve(servedNames.get(gets.indexOf(g))))));
            System.out.printf("ChaosTest: every client under way, %.1f s in%n", (System.nanoTime() - began) / 1e9);

            // 30 tus uploads through the client library: a third with checksums (in small chunks, each verified
            // whole), three in two parallel parts joined by concatenation, a quarter through the proxy.
            for (int i = 0; i < 30; i++) {
                boolean parallel = i % 10 == 4;
                int size = parallel ? 16 * MIB + random.nextInt(4 * MIB) : 256 * KIB + random.nextInt(3 * MIB);
                long rate = parallel ? MIB : 96 * KIB + random.nextInt(192 * KIB);
                String name = "up-tus-" + i + ".bin";
                Path f = file(name, size, seed + i);
                expected.add(new Expected(name, GetProcess.sha256(f)));
                planned += size;
                UploadOptions.Builder o = UploadOptions.builder().limitRate(rate).stateDir(dir.resolve("tus-" + i))
                        .checksums(i % 3 == 0).chunkSize(i % 3 == 0 ? 512 * KIB : i % 3 == 1 ? MIB : 0)
                        .connections(parallel ? 2 : 1).retries(20);
                String base = i % 4 == 1 ? viaProxy : direct;
                inProcess.add(() -> tus(f, URI.create(base + "uploads/"), o.build()));
            }
            // 16 IETF uploads, interop versions 6 and 8, a third through the proxy.
            for (int i = 0; i < 16; i++) {
                int size = 256 * KIB + random.nextInt(3 * MIB);
                long rate = 96 * KIB + random.nextInt(160 * KIB);
                String name = "up-ietf-" + i + ".bin";
                Path f = file(name, size, seed + 100 + i);
                expected.add(new Expected(name, GetProcess.sha256(f)));
                planned += size;
                int version = i % 2 == 0 ? 6 : 8;
                URI base = URI.create(i % 3 == 0 ? viaProxy : direct);
                inProcess.add(() -> ietf(f, base, version, rate));
            }
            // The in-process uploads begin once the child processes are under way.
            inProcess.forEach(c -> uploads.add(pool.submit(c)));

            // Five kills at seeded points of the uploads' progress, spread over the first three quarters; each
            // only once the restarted server has taken bytes again, so that it lands in the middle of transfers.
            List<Double> points = new ArrayList<>();
            for (int k = 0; k < KILLS; k++) {
                points.add(0.05 + random.nextDouble() * 0.65);
            }
            Collections.sort(points);
            for (int k = 0; k < KILLS; k++) {
                long at = (long) (points.get(k) * planned);
                long restartedAt = sent.get();
                awaitCondition(Duration.ofSeconds(60), "progress to " + at + " bytes for kill " + (k + 1)
                        + " (at " + sent.get() + ")", () -> sent.get() >= at && sent.get() - restartedAt >= MIB);
                System.out.printf("ChaosTest kill %d at %d of %d bytes sent, %.1f s in%n", k + 1, sent.get(),
                        planned, (System.nanoTime() - began) / 1e9);
                serve.process.destroyForcibly(); // SIGKILL
                assertThat(serve.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                long restart = System.nanoTime();
                start();
                System.out.printf("ChaosTest: restarted in %.1f s%n", (System.nanoTime() - restart) / 1e9);
            }

            // Every upload completes...
            long waitFrom = System.nanoTime();
            while (!(uploads.stream().allMatch(Future::isDone) && puts.stream().noneMatch(p -> p.process.isAlive()))) {
                if (System.nanoTime() - waitFrom > TimeUnit.SECONDS.toNanos(90)) {
                    List<String> open = new ArrayList<>();
                    progress.forEach((k, v) -> {
                        if (!v.startsWith("done")) {
                            open.add(k + ": " + v);
                        }
                    });
                    for (GetProcess p : puts) {
                        if (p.process.isAlive()) {
                            open.add("put " + p.process.pid() + ": " + GetProcess.read(p.stderr));
                        }
                    }
                    throw new AssertionError("uploads unfinished 90 s after the last kill: " + open);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            List<String> failures = new ArrayList<>();
            for (Future<?> u : uploads) {
                try {
                    u.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(String.valueOf(e.getCause()));
                }
            }
            for (GetProcess p : puts) {
                GetProcess.Result r = p.await(Duration.ofSeconds(10)); // ended: the loop above saw it
                if (r.exitCode() != 0) {
                    failures.add("carryon put: " + r);
                }
            }
            assertThat(failures).as("uploads that failed").isEmpty();
            assertThat(lost).as("acknowledged bytes lost").isEmpty();
            // ... with the right bytes, under its own name: no second copy from a creation or a join sent again.
            for (Expected e : expected) {
                Path got = root.resolve(e.name());
                assertThat(got).as("uploaded %s", e.name()).exists();
                assertThat(GetProcess.sha256(got)).as("sha-256 of the uploaded %s", e.name()).isEqualTo(e.sha256());
            }
            // Every download has the right bytes, or ended non-zero with a message and no final file.
            int downloaded = 0;
            for (int i = 0; i < gets.size(); i++) {
                GetProcess.Result r = gets.get(i).await(Duration.ofSeconds(Math.max(10, 200
                        - (System.nanoTime() - began) / 1_000_000_000L)));
                Path out = downloads.resolve(servedNames.get(i));
                if (r.exitCode() == 0) {
                    downloaded++;
                    assertThat(Files.readAllBytes(out)).as("downloaded %s", out).isEqualTo(servedData.get(
                            servedNames.get(i)));
                } else {
                    assertThat(out).as("no final file after %s", r).doesNotExist();
                    assertThat(r.stderr()).as("a failed get says why").contains("carryon:");
                }
            }
            System.out.printf("ChaosTest: %d of 20 downloads complete, %d uploads, %.1f s in%n", downloaded,
                    expected.size(), (System.nanoTime() - began) / 1e9);

            // No 5xx: there was no graceful stop, so not even a 503.
            List<String> fives = new ArrayList<>();
            for (String line : Files.readAllLines(accessLog, StandardCharsets.UTF_8)) {
                Matcher m = STATUS.matcher(line);
                if (m.find() && m.group(1).startsWith("5")) {
                    fives.add(line);
                }
            }
            for (FaultProxy.Exchange e : proxy.exchanges()) {
                if (e.status() >= 500) {
                    fives.add("via the proxy: " + e.request() + " -> " + e.status());
                }
            }
            for (String s : seen) {
                if (s.matches("(?s)(status )?5\\d\\d.*")) {
                    fives.add("client saw: " + s);
                }
            }
            assertThat(fives).as("5xx answers").isEmpty();
            // Nor a warning or a stack trace from the server (its standard error, all five restarts together).
            assertThat(Files.readAllLines(dir.resolve("serve.log"), StandardCharsets.UTF_8).stream()
                    .filter(l -> TROUBLE.matcher(l).find()).toList()).as("what serve logged").isEmpty();

            // Once the sweep has run past the expiry, no upload's data is left, and no record unfinished.
            awaitCondition(EXPIRY.plus(EXPIRY), "the expiry sweep to leave no upload data nor unfinished record",
                    () -> orphans().isEmpty());
            Set<String> names = new TreeSet<>();
            try (Stream<Path> s = Files.list(root)) {
                s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(names::add);
            }
            Set<String> wanted = new TreeSet<>(servedNames);
            expected.forEach(e -> wanted.add(e.name()));
            assertThat(names).as("the served root holds the sources and one copy of each upload").isEqualTo(wanted);
            System.out.printf("ChaosTest done in %.1f s%n", (System.nanoTime() - began) / 1e9);
        } finally {
            pool.shutdownNow();
            killChildren();
            if (proxy != null) {
                proxy.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        }
    }

    // ---- the server ----

    private void start() {
        serve = ServeProcess.startCommand(List.of("serve", root.toString(), "--port", Integer.toString(port),
                "--state", state.toString(), "--access-log", accessLog.toString(),
                "--upload-expiry", EXPIRY.toSeconds() + "s", "--max-concurrent-uploads", "512",
                "--shutdown-timeout", "1s"), ProcessBuilder.Redirect.appendTo(dir.resolve("serve.log").toFile()));
        children.add(serve.process);
    }

    /** What is left that should not be: upload data files, and records neither finished nor expired. */
    private List<String> orphans() {
        List<String> out = new ArrayList<>();
        Path data = state.resolve("uploads");
        if (Files.isDirectory(data)) {
            try (Stream<Path> s = Files.list(data)) {
                s.forEach(p -> out.add("data file " + p.getFileName()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("carryon.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, state, concat, length, upload_offset, path FROM uploads")) {
            while (rs.next()) {
                String s = rs.getString(2);
                String path = rs.getString(6);
                if (s.equals("ACTIVE")) {
                    out.add("record " + rs.getString(1) + " still ACTIVE (" + rs.getLong(5) + " of "
                            + rs.getLong(4) + ", concat " + rs.getString(3) + ")");
                } else if (s.equals("COMPLETE") && path != null && !Files.exists(root.resolve(path))) {
                    out.add("record " + rs.getString(1) + " COMPLETE at " + path + ", which does not exist");
                }
            }
        } catch (java.sql.SQLException e) {
            out.add("cannot read the state: " + e.getMessage());
        }
        if (!out.isEmpty()) {
            lastOrphans = out;
        }
        return out;
    }

    volatile List<String> lastOrphans = List.of();

    // ---- the clients ----

    /** The proxy's faults, seeded: cut or stall about one request body in four, cut one download in five. */
    private static java.util.function.Function<FaultProxy.Request, FaultProxy.Fault> faults(long seed) {
        Random r = new Random(seed ^ 0x5eed);
        return req -> {
            double p;
            long n;
            synchronized (r) {
                p = r.nextDouble();
                n = 16 * KIB + r.nextInt(MIB);
            }
            if (req.method().equals("PATCH") || req.method().equals("POST")) {
                return p < 0.12 ? FaultProxy.Fault.pass().cutRequestAfter(n)
                        : p < 0.25 ? FaultProxy.Fault.pass().stallRequestAfter(n, Duration.ofMillis(1500 + n % 2000))
                        : FaultProxy.Fault.pass();
            }
            if (req.method().equals("GET")) {
                return p < 0.1 ? FaultProxy.Fault.pass().resetAfter(n)
                        : p < 0.2 ? FaultProxy.Fault.pass().stallAfter(n, Duration.ofMillis(1500 + n % 2000))
                        : FaultProxy.Fault.pass();
            }
            return FaultProxy.Fault.pass();
        };
    }

    private Void tus(Path f, URI endpoint, UploadOptions options) throws Exception {
        UploadListener listener = new UploadListener() {
            long last;

            long acknowledged;

            @Override
            public synchronized void progress(Progress p) {
                sent.addAndGet(Math.max(0, p.sent() - last));
                last = p.sent();
                // The server's offsets never go back: a kill loses no byte it acknowledged.
                if (p.acknowledged() < acknowledged) {
                    lost.add(f.getFileName() + ": acknowledged " + acknowledged + ", then " + p.acknowledged());
                }
                acknowledged = Math.max(acknowledged, p.acknowledged());
                progress.put(f.getFileName().toString(), "acknowledged " + p.acknowledged() + " sent " + p.sent()
                        + " of " + p.length());
            }

            @Override
            public void retrying(Path file, String reason, Duration delay, int failures) {
                seen.add(reason);
                progress.put(f.getFileName().toString(), "retrying (" + failures + ") after " + reason);
            }

            @Override
            public void notice(Path file, String message) {
                progress.put(f.getFileName().toString(), "notice " + message);
            }

            @Override
            public void finished(Finished done) {
                progress.put(f.getFileName().toString(), "done");
            }
        };
        ClientConfig client = ClientConfig.builder().noProxy(true).responseTimeout(Duration.ofSeconds(30)).build();
        try (Uploader uploader = Uploader.builder().client(client).options(options).listener(listener).build()) {
            uploader.upload(f, endpoint);
        } catch (TransferException e) {
            throw new AssertionError(f.getFileName() + ": " + e.getMessage(), e);
        }
        return null;
    }

    /**
     * An IETF draft upload as a browser would do it: a creation, then the whole rest in one rate-limited PATCH;
     * after any failure the offset from a HEAD, and on from there. A creation whose answer was lost leaves an
     * upload nobody will finish (the sweep's business) and the client starts another.
     */
    private Void ietf(Path f, URI base, int version, long rate) throws Exception {
        byte[] data = Files.readAllBytes(f);
        String name = f.getFileName().toString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI upload = null;
        while (upload == null) {
            checkDeadline(deadline, name);
            try {
                HttpResponse<String> r = http.send(ietfRequest(base.resolve("/uploads/"), version)
                        .POST(HttpRequest.BodyPublishers.noBody()).header("Upload-Complete", "?0")
                        .header("Upload-Length", Integer.toString(data.length))
                        .header("Upload-Metadata", "filename " + Base64.getEncoder().encodeToString(
                                name.getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
                seen.add("status " + r.statusCode() + " creating " + name);
                if (r.statusCode() == 201) {
                    upload = base.resolve(r.headers().firstValue("Location").orElseThrow());
                } else {
                    assertThat(r.statusCode()).as("creating %s: %s", name, r.body()).isIn(503);
                    backoff();
                }
            } catch (IOException e) {
                progress.put(name, "creating: " + e);
                backoff();
            }
        }
        long offset = 0;
        long acknowledged = 0;
        while (true) {
            checkDeadline(deadline, name);
            long at = offset;
            try {
                InputStream body = new Paced(data, (int) at, rate, sent);
                HttpResponse<String> r = http.send(ietfRequest(upload, version)
                        .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> body), data.length - at))
                        .header("Upload-Offset", Long.toString(at)).header("Upload-Complete", "?1")
                        .header("Content-Type", "application/partial-upload").build(),
                        HttpResponse.BodyHandlers.ofString());
                seen.add("status " + r.statusCode() + " appending to " + name);
                progress.put(name, "status " + r.statusCode() + " appending at " + at);
                if (r.statusCode() / 100 == 2 && "?1".equals(r.headers().firstValue("Upload-Complete").orElse(""))) {
                    progress.put(name, "done");
                    return null;
                }
                assertThat(r.statusCode()).as("appending to %s at %d: %s", name, at, r.body()).isIn(409, 503);
            } catch (IOException e) {
                // the server went away, or the proxy cut the request: ask where to go on from
                progress.put(name, "appending at " + at + ": " + e);
            }
            long[] now = ietfOffset(http, upload, version, deadline, name);
            progress.put(name, "HEAD: offset " + now[0] + " complete " + now[1]);
            if (now[0] < acknowledged) {
                lost.add(name + ": acknowledged " + acknowledged + ", then " + now[0]);
            }
            acknowledged = Math.max(acknowledged, now[0]);
            if (now[1] == 1 && now[0] == data.length) {
                progress.put(name, "done");
                return null;
            }
            assertThat(now[0]).as("the server's offset of %s", name).isBetween(0L, (long) data.length);
            offset = now[0];
        }
    }

    /** {offset, complete (1 or 0)} of an IETF upload, asked until the server answers. */
    private long[] ietfOffset(HttpClient http, URI upload, int version, long deadline, String name) throws Exception {
        while (true) {
            checkDeadline(deadline, name);
            try {
                HttpResponse<String> h = http.send(ietfRequest(upload, version)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                seen.add("status " + h.statusCode() + " asking the offset of " + name);
                if (h.statusCode() / 100 == 2) {
                    return new long[] {Long.parseLong(h.headers().firstValue("Upload-Offset").orElseThrow()),
                            "?1".equals(h.headers().firstValue("Upload-Complete").orElse("")) ? 1 : 0};
                }
                assertThat(h.statusCode()).as("asking the offset of %s", name).isEqualTo(503);
            } catch (IOException e) {
                progress.put(name, "asking the offset: " + e);
            }
            backoff();
        }
    }

    private static HttpRequest.Builder ietfRequest(URI uri, int version) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                .header("Upload-Draft-Interop-Version", Integer.toString(version));
    }

    /** Between attempts against a server that is down: a client's pause, not a test's wait for a condition. */
    private static void backoff() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
    }

    private static void checkDeadline(long deadline, String name) {
        if (System.nanoTime() > deadline) {
            throw new AssertionError(name + " did not finish in time");
        }
    }

    /** A body read at a rate: the pace of a real uploader, so that the kills land in the middle of bodies. */
    static final class Paced extends InputStream {
        private final byte[] data;
        private final long rate;
        private final AtomicLong counter;
        private final long startNanos = System.nanoTime();
        private final int from;
        private int at;

        Paced(byte[] data, int from, long rate, AtomicLong counter) {
            this.data = data;
            this.from = from;
            this.at = from;
            this.rate = rate;
            this.counter = counter;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 32 * KIB), data.length - at);
            long due = startNanos + (at - from + n) * 1_000_000_000L / rate;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            System.arraycopy(data, at, b, off, n);
            at += n;
            counter.addAndGet(n);
            return n;
        }
    }

    private GetProcess child(List<String> args) {
        GetProcess p = GetProcess.command(dir.resolve("logs"), LIGHT_JVM, args);
        children.add(p.process);
        return p;
    }

    private Path file(String name, int size, long seed) throws IOException {
        Path f = local.resolve(name);
        Files.write(f, GetProcess.random(size, seed));
        return f;
    }

    private void killChildren() {
        for (Process p : children) {
            p.destroyForcibly();
        }
        for (Process p : children) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void awaitCondition(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s; left: %s", what, lastOrphans).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
