package dev.carryon.server.upload;

import dev.carryon.core.conditional.HttpDate;
import dev.carryon.server.testing.Metrics;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upload endpoint's edges that the protocol tests leave alone: CORS, Location behind proxies, the limit on
 * concurrent uploads, the body timeout, concatenation of unfinished parts, Upload-Expires, hostile file names,
 * and the upload metrics.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadEdgesTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String ORIGIN = "https://app.example";

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A server whose upload settings are adjusted field by field. */
    void start(UnaryOperator<Settings> adjust) {
        Settings s = adjust.apply(new Settings());
        server = TestServer.start(b -> b.uploads(new UploadSettings("/uploads/", s.maxSize, s.expiry, false, s.tokens,
                s.origins, s.trustProxy, s.maxConcurrent, s.bodyTimeout, s.stallTakeover)
                .withMinBodyRate(s.minBodyRate, s.bodyRateGrace)));
    }

    static final class Settings {
        long maxSize;
        Duration expiry = Duration.ofHours(24);
        List<String> tokens = List.of();
        List<String> origins = List.of();
        boolean trustProxy;
        int maxConcurrent = 64;
        Duration bodyTimeout = Duration.ofSeconds(60);
        Duration stallTakeover = Duration.ofSeconds(3);
        long minBodyRate = UploadSettings.DEFAULT_MIN_BODY_RATE;
        Duration bodyRateGrace = UploadSettings.DEFAULT_BODY_RATE_GRACE;
    }

    // ---- CORS ----

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithoutTokenOrTusVersion() throws Exception {
        start(s -> {
            s.origins = List.of(ORIGIN);
            s.tokens = List.of("secret");
            return s;
        });
        RawHttp.Response r = RawHttp.once(server.port(), "OPTIONS", "/uploads/", "Origin: " + ORIGIN,
                "Access-Control-Request-Method: PATCH",
                "Access-Control-Request-Headers: upload-offset, upload-complete, content-type, authorization");
        assertThat(r.status()).isIn(200, 204);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        assertThat(r.header("Vary")).containsIgnoringCase("Origin");
        assertThat(list(r.header("Access-Control-Allow-Methods"))).contains("POST", "HEAD", "PATCH", "DELETE",
                "OPTIONS");
        // docs/upload-protocols.md §3.4: every field tus-js-client and IETF clients send
        assertThat(list(r.header("Access-Control-Allow-Headers"))).contains("authorization", "content-type",
                "tus-resumable", "upload-length", "upload-defer-length", "upload-metadata", "upload-offset",
                "upload-concat", "upload-checksum", "upload-complete", "upload-draft-interop-version",
                "x-http-method-override");
        assertThat(r.header("Access-Control-Max-Age")).isNotNull();
    }

    @Test
    void everyUploadResponseExposesEveryTusAndIetfFieldItCarries() throws Exception {
        start(s -> {
            s.origins = List.of(ORIGIN, "https://other.example");
            s.tokens = List.of("secret");
            s.maxSize = 1 << 20;
            return s;
        });
        String o = "Origin";
        String auth = "Bearer secret";
        List<HttpResponse<String>> seen = new ArrayList<>();
        // tus: creation, append, HEAD, a 409, a 460, a 401, termination
        HttpResponse<String> c = tus("POST", "/uploads/", null, o, ORIGIN, "Authorization", auth, "Upload-Length", "6",
                "Upload-Metadata", "filename " + b64("cors.txt"));
        seen.add(c);
        String u = c.headers().firstValue("Location").orElseThrow();
        seen.add(tus("PATCH", u, "abc".getBytes(StandardCharsets.UTF_8), o, ORIGIN, "Authorization", auth,
                "Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"));
        seen.add(tus("HEAD", u, null, o, ORIGIN, "Authorization", auth));
        seen.add(tus("PATCH", u, "x".getBytes(StandardCharsets.UTF_8), o, ORIGIN, "Authorization", auth,
                "Upload-Offset", "1", "Content-Type", "application/offset+octet-stream"));
        seen.add(tus("PATCH", u, "x".getBytes(StandardCharsets.UTF_8), o, ORIGIN, "Authorization", auth,
                "Upload-Offset", "3", "Content-Type", "application/offset+octet-stream",
                "Upload-Checksum", "sha1 " + b64(new byte[20])));
        seen.add(tus("HEAD", u, null, o, ORIGIN));
        seen.add(tus("POST", "/uploads/", null, o, ORIGIN, "Authorization", auth, "Upload-Length", "1",
                "Upload-Concat", "partial"));
        seen.add(tus("POST", "/uploads/", null, o, ORIGIN, "Authorization", auth, "Upload-Concat",
                "final;" + seen.get(seen.size() - 1).headers().firstValue("Location").orElseThrow()));
        seen.add(tus("HEAD", seen.get(seen.size() - 1).headers().firstValue("Location").orElseThrow(), null, o,
                ORIGIN, "Authorization", auth));
        // IETF: creation with data (and a finished file), append, HEAD, 409, DELETE
        seen.add(ietf("POST", "/uploads/", "whole".getBytes(StandardCharsets.UTF_8), o, ORIGIN, "Authorization", auth,
                "Upload-Complete", "?1"));
        HttpResponse<String> ic = ietf("POST", "/uploads/", null, o, ORIGIN, "Authorization", auth,
                "Upload-Complete", "?0", "Upload-Length", "4");
        seen.add(ic);
        String iu = ic.headers().firstValue("Location").orElseThrow();
        seen.add(ietf("PATCH", iu, "ab".getBytes(StandardCharsets.UTF_8), o, ORIGIN, "Authorization", auth,
                "Upload-Offset", "0", "Upload-Complete", "?0", "Content-Type", "application/partial-upload"));
        seen.add(ietf("HEAD", iu, null, o, ORIGIN, "Authorization", auth));
        seen.add(ietf("PATCH", iu, "cd".getBytes(StandardCharsets.UTF_8), o, ORIGIN, "Authorization", auth,
                "Upload-Offset", "1", "Upload-Complete", "?1", "Content-Type", "application/partial-upload"));
        seen.add(ietf("DELETE", iu, null, o, ORIGIN, "Authorization", auth));
        seen.add(tus("DELETE", u, null, o, ORIGIN, "Authorization", auth));

        Set<String> safelisted = Set.of("cache-control", "content-language", "content-length", "content-type",
                "expires", "last-modified", "pragma", "date", "connection", "keep-alive", "vary", "retry-after",
                "www-authenticate", "server");
        Set<String> carried = new TreeSet<>();
        for (HttpResponse<String> r : seen) {
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as(r.request().method() + " "
                    + r.statusCode()).hasValue(ORIGIN);
            Set<String> exposed = new TreeSet<>(list(r.headers().firstValue("Access-Control-Expose-Headers")
                    .orElseThrow()));
            for (String name : r.headers().map().keySet()) {
                String n = name.toLowerCase(Locale.ROOT);
                if (!safelisted.contains(n) && !n.startsWith("access-control-")) {
                    carried.add(n);
                    assertThat(exposed).as("%s %d carries %s", r.request().method(), r.statusCode(), n).contains(n);
                }
            }
        }
        assertThat(carried).as("the session saw the fields of both protocols").contains("location", "upload-offset",
                "upload-length", "upload-metadata", "upload-concat", "upload-expires", "tus-resumable",
                "upload-complete", "upload-limit", "upload-draft-interop-version");
        assertThat(seen.stream().map(HttpResponse::statusCode).collect(Collectors.toSet()))
                .as("refusals too").contains(401, 409, 460, 201, 204);
    }

    @Test
    void anUnlistedOriginGetsNoCorsFieldAtAll() throws Exception {
        start(s -> {
            s.origins = List.of(ORIGIN);
            return s;
        });
        String evil = "https://evil.example";
        RawHttp.Response pre = RawHttp.once(server.port(), "OPTIONS", "/uploads/", "Origin: " + evil,
                "Access-Control-Request-Method: POST");
        HttpResponse<String> c = tus("POST", "/uploads/", null, "Origin", evil, "Upload-Length", "3");
        assertThat(c.statusCode()).as("CORS is the browser's business; the server still answers").isEqualTo(201);
        HttpResponse<String> h = ietf("HEAD", c.headers().firstValue("Location").orElseThrow(), null, "Origin", evil);
        HttpResponse<String> noOrigin = tus("POST", "/uploads/", null, "Upload-Length", "3");
        for (List<String> names : List.of(pre.headerList().stream().map(x -> x[0]).toList(),
                List.copyOf(c.headers().map().keySet()), List.copyOf(h.headers().map().keySet()),
                List.copyOf(noOrigin.headers().map().keySet()))) {
            assertThat(names).noneMatch(n -> n.toLowerCase(Locale.ROOT).startsWith("access-control-"));
        }
        // and a server without --cors-origin gives none to the listed origin of another server
        server.close();
        server = null;
        start(s -> s);
        RawHttp.Response none = RawHttp.once(server.port(), "OPTIONS", "/uploads/", "Origin: " + ORIGIN,
                "Access-Control-Request-Method: POST");
        assertThat(none.headerList()).noneMatch(x -> x[0].toLowerCase(Locale.ROOT).startsWith("access-control-"));
    }

    @Test
    void aWildcardOriginWithTokensNamesTheOriginNotAStar() throws Exception {
        start(s -> {
            s.origins = List.of("*");
            s.tokens = List.of("secret");
            return s;
        });
        HttpResponse<String> c = tus("POST", "/uploads/", null, "Origin", "https://any.example",
                "Authorization", "Bearer secret", "Upload-Length", "3");
        // a credentialed request cannot be allowed by "*"
        assertThat(c.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://any.example");
        assertThat(c.headers().firstValue("Vary").orElseThrow()).containsIgnoringCase("Origin");
    }

    // ---- Location behind proxies ----

    @Test
    void locationIsRelativeByDefaultAndForwardedFieldsAreIgnored() throws Exception {
        start(s -> s);
        HttpResponse<String> c = tus("POST", "/uploads/", null, "Upload-Length", "1", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "evil.example", "Forwarded", "proto=https;host=evil.example");
        assertThat(c.headers().firstValue("Location").orElseThrow()).matches("/uploads/[A-Za-z0-9_-]{22,}");
        HttpResponse<String> i = ietf("POST", "/uploads/", null, "Upload-Complete", "?0",
                "X-Forwarded-Host", "evil.example");
        assertThat(i.headers().firstValue("Location").orElseThrow()).startsWith("/uploads/");
    }

    @Test
    void aTrustedProxysForwardedFieldsBuildAnAbsoluteLocation() throws Exception {
        start(s -> {
            s.trustProxy = true;
            return s;
        });
        HttpResponse<String> x = tus("POST", "/uploads/", null, "Upload-Length", "1", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "files.example.org");
        assertThat(x.headers().firstValue("Location").orElseThrow())
                .matches("https://files\\.example\\.org/uploads/[A-Za-z0-9_-]{22,}");
        HttpResponse<String> f = tus("POST", "/uploads/", null, "Upload-Length", "1",
                "Forwarded", "for=192.0.2.60;proto=https;host=\"up.example:8443\", for=10.0.0.1;proto=http");
        assertThat(f.headers().firstValue("Location").orElseThrow())
                .as("the first (client-side) element").startsWith("https://up.example:8443/uploads/");
        HttpResponse<String> both = tus("POST", "/uploads/", null, "Upload-Length", "1",
                "Forwarded", "proto=https;host=standard.example", "X-Forwarded-Host", "legacy.example");
        assertThat(both.headers().firstValue("Location").orElseThrow()).startsWith("https://standard.example/");
        HttpResponse<String> plain = tus("POST", "/uploads/", null, "Upload-Length", "1");
        assertThat(plain.headers().firstValue("Location").orElseThrow())
                .as("no forwarded fields: the request's own Host").startsWith("http://127.0.0.1:" + server.port()
                        + "/uploads/");
        // the 104's Location follows the same rule, and it is the final answer's
        try (RawHttp http = server.raw()) {
            http.send("POST /uploads/ HTTP/1.1\r\nHost: inner:9\r\nUpload-Draft-Interop-Version: 8\r\n"
                    + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: files.example.org\r\n"
                    + "Upload-Complete: ?1\r\nContent-Length: 2\r\n\r\n");
            RawHttp.Response info = http.read();
            assertThat(info.status()).isEqualTo(104);
            assertThat(info.header("Location")).startsWith("https://files.example.org/uploads/");
            http.send("hi");
            assertThat(http.read().header("Location")).isEqualTo(info.header("Location"));
        }
        // and the absolute URL works as a concatenation part (parsed by path)
        String part = tus("POST", "/uploads/", null, "Upload-Length", "0", "Upload-Concat", "partial",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "files.example.org")
                .headers().firstValue("Location").orElseThrow();
        assertThat(tus("POST", "/uploads/", null, "Upload-Concat", "final;" + part).statusCode()).isEqualTo(201);
    }

    // ---- concurrency limit ----

    @Test
    void uploadsBeyondTheConcurrentLimitAreRefusedWith503AndRetryAfter() throws Exception {
        start(s -> {
            s.maxConcurrent = 1;
            return s;
        });
        String a = create("Upload-Length", "1000", "Upload-Metadata", "filename " + b64("a.bin"));
        String b = create("Upload-Length", "10");
        byte[] data = random(1000, 1);
        try (RawHttp first = server.raw()) {
            first.send("PATCH " + a + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                    + "Content-Type: application/offset+octet-stream\r\nContent-Length: 1000\r\n\r\n");
            first.send(Arrays.copyOf(data, 100));
            Poll.until(Duration.ofSeconds(10), () -> Metrics.valueOrZero(Metrics.scrape(server.port()),
                    "carryon_upload_bytes_total"), v -> v >= 100);

            HttpResponse<String> tusRefused = patch(b, 0, "12345".getBytes(StandardCharsets.UTF_8));
            assertThat(tusRefused.statusCode()).isEqualTo(503);
            assertThat(tusRefused.headers().firstValue("Retry-After")).isPresent();
            assertThat(tusRefused.body()).contains("1 uploads at once");
            HttpResponse<String> ietfRefused = ietf("PATCH", b, "12345".getBytes(StandardCharsets.UTF_8),
                    "Upload-Offset", "0", "Upload-Complete", "?0", "Content-Type", "application/partial-upload");
            assertThat(ietfRefused.statusCode()).isEqualTo(503);
            assertThat(ietfRefused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(tus("HEAD", b, null).headers().firstValue("Upload-Offset")).as("nothing written")
                    .hasValue("0");

            first.send(Arrays.copyOfRange(data, 100, 1000));
            RawHttp.Response done = first.read();
            assertThat(done.status()).isEqualTo(204);
        }
        assertThat(patch(b, 0, "12345".getBytes(StandardCharsets.UTF_8)).statusCode())
                .as("a place is free again").isEqualTo(204);
        assertThat(Files.readAllBytes(server.root().resolve("a.bin"))).isEqualTo(data);
    }

    // ---- body timeout ----

    @Test
    void aStalledPatchIsEndedAfterTheBodyTimeoutAndItsBytesAreKept() throws Exception {
        start(s -> {
            s.bodyTimeout = Duration.ofSeconds(1);
            s.stallTakeover = Duration.ofSeconds(30);
            return s;
        });
        String u = create("Upload-Length", "10000", "Upload-Metadata", "filename " + b64("stalled.bin"));
        byte[] data = random(10_000, 2);
        long started = System.nanoTime();
        try (RawHttp http = server.raw()) {
            http.send("PATCH " + u + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                    + "Content-Type: application/offset+octet-stream\r\nContent-Length: 10000\r\n\r\n");
            http.send(Arrays.copyOf(data, 4000));
            RawHttp.Response r = http.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.bodyText()).contains("kept");
            assertThat(http.closedByPeer()).as("the connection closes").isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the body timeout, not the idle timeout")
                .isLessThan(Duration.ofSeconds(10));
        HttpResponse<String> h = tus("HEAD", u, null);
        assertThat(h.headers().firstValue("Upload-Offset")).hasValue("4000");
        assertThat(patch(u, 4000, Arrays.copyOfRange(data, 4000, 10_000)).statusCode()).isEqualTo(204);
        assertThat(Files.readAllBytes(server.root().resolve("stalled.bin"))).isEqualTo(data);
    }

    @Test
    void aSlowButSteadyBodyIsNotTimedOut() throws Exception {
        start(s -> {
            s.bodyTimeout = Duration.ofMillis(800);
            return s;
        });
        String u = create("Upload-Length", "10");
        try (RawHttp http = server.raw()) {
            http.send("PATCH " + u + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                    + "Content-Type: application/offset+octet-stream\r\nContent-Length: 10\r\n\r\n");
            for (int i = 0; i < 10; i++) {
                Thread.sleep(250); // 2.5 s in all, never 800 ms of silence
                http.send(new byte[] {(byte) i});
            }
            RawHttp.Response r = http.read();
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.header("Upload-Offset")).isEqualTo("10");
        }
    }

    /**
     * Bodies that trickle in are never silent for the body timeout, and enough of them would hold every writing
     * slot (the soak found 64 doing so, and every legitimate PATCH got 503): below the minimum rate, once the
     * grace has passed, a body is cut with 408 and its bytes kept, and its slot serves others.
     */
    @Test
    void tricklingBodiesAreCutBelowTheMinimumRateSoThatTheyCannotHoldEveryUploadSlot() throws Exception {
        start(s -> {
            s.maxConcurrent = 2;
            s.minBodyRate = 1000;
            s.bodyRateGrace = Duration.ofSeconds(1);
            return s;
        });
        List<String> slow = List.of(create("Upload-Length", "100000"), create("Upload-Length", "100000"));
        List<RawHttp> tricklers = new ArrayList<>();
        List<Thread> feeders = new ArrayList<>();
        try {
            for (String u : slow) {
                RawHttp http = server.raw();
                tricklers.add(http);
                http.send("PATCH " + u + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                        + "Content-Type: application/offset+octet-stream\r\nContent-Length: 100000\r\n\r\n");
                http.send(new byte[] {1});
                Thread feeder = new Thread(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.sleep(200); // 5 bytes a second: never silent, far below the minimum
                            http.send(new byte[] {1});
                        }
                    } catch (Exception e) {
                        // cut by the server, or stopped by the test
                    }
                });
                feeder.setDaemon(true);
                feeder.start();
                feeders.add(feeder);
            }
            String legit = create("Upload-Length", "3", "Upload-Metadata", "filename " + b64("legit.bin"));
            HttpResponse<String> done = Poll.until(Duration.ofSeconds(20), () -> {
                try {
                    return patch(legit, 0, new byte[] {7, 8, 9});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> r.statusCode() != 503);
            assertThat(done.statusCode()).as("%s", done.body()).isEqualTo(204);
            for (RawHttp http : tricklers) {
                RawHttp.Response r = http.read();
                assertThat(r.status()).isEqualTo(408);
                assertThat(r.bodyText()).contains("less than 1000 bytes a second").contains("kept");
            }
        } finally {
            feeders.forEach(Thread::interrupt);
            for (RawHttp http : tricklers) {
                http.close();
            }
        }
        assertThat(Files.readAllBytes(server.root().resolve("legit.bin"))).containsExactly(7, 8, 9);
        assertThat(tus("HEAD", slow.get(0), null).headers().firstValue("Upload-Offset").map(Long::parseLong))
                .as("what trickled in is kept").hasValueSatisfying(o -> assertThat(o).isPositive());
    }

    @Test
    void aStalledIetfAppendIsEndedTooAndResumes() throws Exception {
        start(s -> {
            s.bodyTimeout = Duration.ofSeconds(1);
            return s;
        });
        byte[] data = random(6000, 3);
        String u = ietf("POST", "/uploads/", null, "Upload-Complete", "?0", "Upload-Length", "6000",
                "Upload-Metadata", "filename " + b64("stalled-ietf.bin")).headers().firstValue("Location").orElseThrow();
        try (RawHttp http = server.raw()) {
            http.send("PATCH " + u + " HTTP/1.1\r\nHost: test\r\nUpload-Draft-Interop-Version: 8\r\n"
                    + "Upload-Offset: 0\r\nUpload-Complete: ?1\r\nContent-Type: application/partial-upload\r\n"
                    + "Content-Length: 6000\r\n\r\n");
            http.send(Arrays.copyOf(data, 2500));
            RawHttp.Response r = http.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        }
        HttpResponse<String> h = ietf("HEAD", u, null);
        assertThat(h.headers().firstValue("Upload-Offset")).hasValue("2500");
        assertThat(ietf("PATCH", u, Arrays.copyOfRange(data, 2500, 6000), "Upload-Offset", "2500",
                "Upload-Complete", "?1", "Content-Type", "application/partial-upload").statusCode()).isEqualTo(200);
        assertThat(Files.readAllBytes(server.root().resolve("stalled-ietf.bin"))).isEqualTo(data);
    }

    // ---- concatenation-unfinished ----

    @Test
    void aFinalDeclaredBeforeItsPartsFinishCompletesWhenTheyDo() throws Exception {
        start(s -> s);
        byte[] a = random(40_000, 4);
        byte[] b = random(25_000, 5);
        byte[] c = random(40_000, 6);
        String pa = create("Upload-Length", "40000", "Upload-Concat", "partial");
        String pb = create("Upload-Defer-Length", "1", "Upload-Concat", "partial");
        String pc = create("Upload-Length", "40000", "Upload-Concat", "partial");
        String fin = create("Upload-Concat", "final;" + pa + " " + pb + " " + pc, "Upload-Metadata",
                "filename " + b64("late.bin"));
        HttpResponse<String> h = tus("HEAD", fin, null);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.headers().firstValue("Upload-Concat").orElseThrow()).startsWith("final;");
        assertThat(h.headers().firstValue("Upload-Offset")).as("no offset until assembled").isEmpty();
        assertThat(h.headers().firstValue("Upload-Length")).as("a part's length is still unknown").isEmpty();

        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);
        assertThat(patch(pc, 0, c).statusCode()).isEqualTo(204);
        assertThat(patch(pb, 0, Arrays.copyOf(b, 10_000)).statusCode()).isEqualTo(204);
        HttpResponse<String> mid = tus("HEAD", fin, null);
        assertThat(mid.headers().firstValue("Upload-Offset")).isEmpty();
        assertThat(server.root().resolve("late.bin")).doesNotExist();
        assertThat(patch(fin, 0, a).statusCode()).isEqualTo(403);

        assertThat(patch(pb, 10_000, Arrays.copyOfRange(b, 10_000, 25_000), "Upload-Length", "25000").statusCode())
                .isEqualTo(204);
        byte[] joined = new byte[105_000];
        System.arraycopy(a, 0, joined, 0, 40_000);
        System.arraycopy(b, 0, joined, 40_000, 25_000);
        System.arraycopy(c, 0, joined, 65_000, 40_000);
        Path out = server.root().resolve("late.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(out), x -> x);
        assertThat(Files.readAllBytes(out)).isEqualTo(joined);
        HttpResponse<String> after = Poll.until(Duration.ofSeconds(10), () -> head(fin),
                r -> r.headers().firstValue("Upload-Offset").isPresent());
        assertThat(after.headers().firstValue("Upload-Offset")).hasValue("105000");
        assertThat(after.headers().firstValue("Upload-Length")).hasValue("105000");
        try (Stream<Path> files = Files.list(server.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("parts are never published")
                    .containsExactly("late.bin");
        }
    }

    @Test
    void aFinalOfAnUnknownOrForeignUploadIsRefused() throws Exception {
        start(s -> s);
        String notPartial = create("Upload-Length", "3");
        assertThat(tus("POST", "/uploads/", null, "Upload-Concat", "final;" + notPartial).statusCode())
                .isEqualTo(400);
        assertThat(tus("POST", "/uploads/", null, "Upload-Concat", "final;/uploads/AAAAAAAAAAAAAAAAAAAAAAAAAA")
                .statusCode()).isIn(400, 404);
        assertThat(tus("POST", "/uploads/", null, "Upload-Concat", "final;/elsewhere/x").statusCode())
                .isIn(400, 404);
    }

    // ---- a final upload is held to the rules of any upload ----

    @Test
    void aFinalNamingAPartialTwiceIsRefusedWith400() throws Exception {
        start(s -> {
            s.maxSize = 1 << 20;
            return s;
        });
        byte[] a = random(700_000, 8);
        String pa = create("Upload-Length", "700000", "Upload-Concat", "partial");
        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);
        HttpResponse<String> four = tus("POST", "/uploads/", null, "Upload-Concat",
                "final;" + pa + " " + pa + " " + pa + " " + pa, "Upload-Metadata", "filename " + b64("x4.bin"));
        assertThat(four.statusCode()).isEqualTo(400);
        assertThat(four.body()).contains("twice");
        assertThat(four.headers().firstValue("Location")).isEmpty();
        // A repeat is a repeat of the upload, however its URL is spelled.
        HttpResponse<String> spelled = tus("POST", "/uploads/", null, "Upload-Concat",
                "final;" + pa + " " + url(pa) + "?x=1");
        assertThat(spelled.statusCode()).isEqualTo(400);
        assertThat(spelled.body()).contains("twice");
        try (Stream<Path> files = Files.list(server.root())) {
            assertThat(files).as("nothing published").isEmpty();
        }

        create("Upload-Concat", "final;" + pa, "Upload-Metadata", "filename " + b64("once.bin"));
        Path out = server.root().resolve("once.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(out), x -> x);
        assertThat(Files.readAllBytes(out)).as("the refusals left the partial as it was").isEqualTo(a);
    }

    @Test
    void aFinalOverTheMaximumIsRefusedWith413AsAPlainCreationIs() throws Exception {
        start(s -> {
            s.maxSize = 1 << 20;
            return s;
        });
        byte[] a = random(524_289, 9);
        byte[] b = random(524_289, 10);
        String pa = create("Upload-Length", "524289", "Upload-Concat", "partial");
        String pb = create("Upload-Length", "524289", "Upload-Concat", "partial");
        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);
        assertThat(patch(pb, 0, b).statusCode()).isEqualTo(204);
        assertThat(tus("POST", "/uploads/", null, "Upload-Length", "1048578").statusCode()).isEqualTo(413);

        HttpResponse<String> r = tus("POST", "/uploads/", null, "Upload-Concat", "final;" + pa + " " + pb,
                "Upload-Metadata", "filename " + b64("big.bin"));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("1048578", "1048576");
        assertThat(r.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Location")).isEmpty();
        // Parts still in progress are counted by their declared lengths.
        String pc = create("Upload-Length", "600000", "Upload-Concat", "partial");
        String pd = create("Upload-Length", "600000", "Upload-Concat", "partial");
        assertThat(tus("POST", "/uploads/", null, "Upload-Concat", "final;" + pc + " " + pd).statusCode())
                .isEqualTo(413);
        try (Stream<Path> files = Files.list(server.root())) {
            assertThat(files).as("nothing published").isEmpty();
        }

        // Exactly the maximum is allowed.
        String pe = create("Upload-Length", "524287", "Upload-Concat", "partial");
        assertThat(patch(pe, 0, Arrays.copyOf(b, 524_287)).statusCode()).isEqualTo(204);
        create("Upload-Concat", "final;" + pa + " " + pe, "Upload-Metadata", "filename " + b64("max.bin"));
        Path out = server.root().resolve("max.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(out), x -> x);
        byte[] joined = new byte[1 << 20];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, 524_287);
        assertThat(Files.readAllBytes(out)).isEqualTo(joined);
    }

    @Test
    void aPartialCannotDeclareALengthThatTakesAWaitingFinalOverTheMaximum() throws Exception {
        start(s -> {
            s.maxSize = 1 << 20;
            return s;
        });
        byte[] a = random(600_000, 11);
        String pa = create("Upload-Length", "600000", "Upload-Concat", "partial");
        String pb = create("Upload-Defer-Length", "1", "Upload-Concat", "partial");
        String fin = create("Upload-Concat", "final;" + pa + " " + pb, "Upload-Metadata",
                "filename " + b64("late-max.bin"));
        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);

        HttpResponse<String> over = patch(pb, 0, new byte[0], "Upload-Length", "500000");
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.body()).contains(fin.substring(fin.lastIndexOf('/') + 1), "1100000", "1048576");
        HttpResponse<String> h = tus("HEAD", pb, null);
        assertThat(h.headers().firstValue("Upload-Defer-Length")).as("the length was not taken").hasValue("1");

        byte[] b = random(448_576, 12);
        assertThat(patch(pb, 0, b, "Upload-Length", "448576").statusCode()).isEqualTo(204);
        Path out = server.root().resolve("late-max.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(out), x -> x);
        byte[] joined = new byte[1 << 20];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        assertThat(Files.readAllBytes(out)).isEqualTo(joined);
    }

    @Test
    void aFinalTheDiskCannotHoldIsRefusedWith507AsAPlainCreationIs() throws Exception {
        start(s -> s);
        Path data = server.state().resolve("uploads");
        // Each part fits the free space, the two together do not; parts need no bytes to be named by a final.
        long part = Files.getFileStore(server.state()).getUsableSpace() / 10 * 6;
        String pa = create("Upload-Length", Long.toString(part), "Upload-Concat", "partial");
        String pb = create("Upload-Length", Long.toString(part), "Upload-Concat", "partial");
        Set<String> before = names(data);
        HttpResponse<String> r = tus("POST", "/uploads/", null, "Upload-Concat", "final;" + pa + " " + pb);
        assertThat(r.statusCode()).isEqualTo(507);
        assertThat(r.body()).contains("bytes free");
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(names(data)).as("no upload was made").isEqualTo(before);
    }

    @Test
    void aFinalCreationWithABodyIsRefusedWith403AndMakesNothing() throws Exception {
        start(s -> s);
        byte[] a = random(1000, 13);
        String pa = create("Upload-Length", "1000", "Upload-Concat", "partial");
        assertThat(patch(pa, 0, a).statusCode()).isEqualTo(204);
        Path data = server.state().resolve("uploads");
        Set<String> before = names(data);

        HttpResponse<String> r = tus("POST", "/uploads/", "junk".getBytes(StandardCharsets.UTF_8),
                "Upload-Concat", "final;" + pa, "Content-Type", "application/offset+octet-stream",
                "Upload-Metadata", "filename " + b64("body.bin"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("takes no data");
        assertThat(r.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(names(data)).as("no upload was made").isEqualTo(before);
        try (Stream<Path> files = Files.list(server.root())) {
            assertThat(files).as("nothing published").isEmpty();
        }

        create("Upload-Concat", "final;" + pa, "Upload-Metadata", "filename " + b64("body.bin"));
        Path out = server.root().resolve("body.bin");
        Poll.until(Duration.ofSeconds(10), () -> Files.exists(out), x -> x);
        assertThat(Files.readAllBytes(out)).isEqualTo(a);
    }

    static Set<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    // ---- Upload-Expires ----

    @Test
    void uploadExpiresIsOnEveryAnswerOfAnUnfinishedUploadAndNeverMovesEarlier() throws Exception {
        start(s -> {
            s.expiry = Duration.ofHours(1);
            return s;
        });
        Instant before = Instant.now();
        HttpResponse<String> c = tus("POST", "/uploads/", null, "Upload-Length", "6",
                "Upload-Metadata", "filename " + b64("exp.txt"));
        Instant created = expires(c);
        assertThat(created).isBetween(before.plus(Duration.ofHours(1)).minusSeconds(5),
                Instant.now().plus(Duration.ofHours(1)).plusSeconds(5));
        assertThat(c.headers().firstValue("Upload-Expires").orElseThrow()).as("IMF-fixdate")
                .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        String u = c.headers().firstValue("Location").orElseThrow();
        Thread.sleep(1100);
        HttpResponse<String> p = patch(u, 0, "abc".getBytes(StandardCharsets.UTF_8));
        assertThat(expires(p)).as("renewed by the write, never earlier").isAfterOrEqualTo(created);
        assertThat(expires(tus("HEAD", u, null))).isEqualTo(expires(p));
        HttpResponse<String> last = patch(u, 3, "def".getBytes(StandardCharsets.UTF_8));
        assertThat(last.headers().firstValue("Upload-Expires")).as("a finished upload does not expire").isEmpty();
        assertThat(tus("HEAD", u, null).headers().firstValue("Upload-Expires")).isEmpty();
    }

    @Test
    void withoutExpiryThereIsNoUploadExpires() throws Exception {
        start(s -> {
            s.expiry = Duration.ZERO;
            return s;
        });
        HttpResponse<String> c = tus("POST", "/uploads/", null, "Upload-Length", "6");
        assertThat(c.headers().firstValue("Upload-Expires")).isEmpty();
        String u = c.headers().firstValue("Location").orElseThrow();
        assertThat(patch(u, 0, "abc".getBytes(StandardCharsets.UTF_8)).headers().firstValue("Upload-Expires")).isEmpty();
        assertThat(tus("HEAD", u, null).headers().firstValue("Upload-Expires")).isEmpty();
    }

    // ---- hostile file names ----

    @Test
    void hostileFileNamesNeverLeaveTheRoot() throws Exception {
        start(s -> s);
        String marker = "carryon-escape-" + System.nanoTime();
        List<byte[]> names = new ArrayList<>();
        for (String n : List.of("../" + marker, "../../../../../../tmp/" + marker, "/tmp/" + marker + "-abs",
                "..", ".", "", "   ", "a/../../" + marker, "..\\..\\" + marker + "-win", "C:\\" + marker + "-drive",
                "nul\u0000byte.txt", "\u0000", "ctl\u0001\u001f\u007f.txt", "line\r\nX-Injected: 1.txt", "CON",
                "con.txt", "NUL", "aux", "-", ".htaccess", ".", "~", "~root", "uploads", "%2e%2e%2f" + marker,
                "x".repeat(1000) + ".txt", "é".repeat(300), "dir/sub/file.txt", "\u202etxt.exe", "trailing dot.")) {
            names.add(n.getBytes(StandardCharsets.UTF_8));
        }
        names.add(new byte[] {'b', (byte) 0xff, (byte) 0xfe, '.', 'b', 'i', 'n'}); // not UTF-8
        Path base = server.root().getParent();
        int i = 0;
        for (byte[] name : names) {
            HttpResponse<String> c = tus("POST", "/uploads/", null, "Upload-Length", "2",
                    "Upload-Metadata", "filename " + Base64.getEncoder().encodeToString(name));
            assertThat(c.statusCode()).isEqualTo(201);
            byte[] content = {(byte) 'A', (byte) i++};
            HttpResponse<String> p = patch(c.headers().firstValue("Location").orElseThrow(), 0, content);
            assertThat(p.statusCode()).as(new String(name, StandardCharsets.UTF_8)).isEqualTo(204);
        }
        // IETF names from Content-Disposition, filename* included
        for (String cd : List.of("attachment; filename=\"../" + marker + "-cd\"",
                "attachment; filename*=UTF-8''..%2F..%2F" + marker + "-star",
                "inline; filename*=UTF-8''%2Fetc%2F" + marker + "-etc")) {
            HttpResponse<String> c = ietf("POST", "/uploads/", new byte[] {'B', (byte) i++}, "Upload-Complete", "?1",
                    "Content-Disposition", cd);
            assertThat(c.statusCode()).as(cd).isEqualTo(201);
        }
        int uploads = i;
        // every file is directly in the root or in the server's own state
        try (Stream<Path> all = Files.walk(base)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                boolean inRoot = f.getParent().equals(server.root());
                assertThat(inRoot || f.startsWith(server.state())).as(f.toString()).isTrue();
            }
        }
        try (Stream<Path> top = Files.list(base)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("root", "state");
        }
        assertThat(Path.of("/tmp", marker)).doesNotExist();
        assertThat(Path.of("/tmp", marker + "-abs")).doesNotExist();
        List<Path> stored;
        try (Stream<Path> files = Files.list(server.root())) {
            stored = files.toList();
        }
        assertThat(stored).as("one file per upload, none lost to a clash").hasSize(uploads);
        Set<Integer> tags = new TreeSet<>();
        for (Path f : stored) {
            String n = f.getFileName().toString();
            assertThat(n).doesNotContain("/", "\\", "\u0000", "\r", "\n").isNotIn(".", "..").doesNotStartWith(".");
            assertThat(n.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
            byte[] content = Files.readAllBytes(f);
            assertThat(content).hasSize(2);
            tags.add((int) content[1]);
        }
        assertThat(tags).as("each upload's own bytes").hasSize(uploads);
        assertThat(server.root().resolve("passwd")).doesNotExist();
        assertThat(stored.stream().map(p -> p.getFileName().toString()))
                .contains(marker, marker + "-abs", marker + "-cd", marker + "-star", "file.txt", "CON", "-");
    }

    // ---- metrics ----

    @Test
    void uploadMetricsCountCreationsCompletionsExpiriesBytesChecksumFailuresAndTakeovers() throws Exception {
        start(s -> {
            s.expiry = Duration.ofMillis(1500);
            return s;
        });
        String scrape0 = Metrics.scrape(server.port());
        Map<String, Double> before = new LinkedHashMap<>();
        for (String m : METRICS) {
            before.put(m, Metrics.valueOrZero(scrape0, m));
        }
        String a = create("Upload-Length", "5000");
        String b = create("Upload-Length", "100");
        String c = create("Upload-Length", "1000");
        byte[] data = random(5000, 6);
        assertThat(patch(a, 0, data).statusCode()).isEqualTo(204);
        assertThat(patch(b, 0, random(40, 7), "Upload-Checksum", "sha1 " + b64(new byte[20])).statusCode())
                .isEqualTo(460);
        // a takeover: a stalled PATCH, then a newer one for the same upload
        try (RawHttp stalled = server.raw()) {
            stalled.send("PATCH " + c + " HTTP/1.1\r\nHost: test\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                    + "Content-Type: application/offset+octet-stream\r\nContent-Length: 1000\r\n\r\n");
            stalled.send(new byte[300]);
            Poll.until(Duration.ofSeconds(10), () -> Metrics.valueOrZero(Metrics.scrape(server.port()),
                    "carryon_upload_bytes_total") - before.get("carryon_upload_bytes_total"), v -> v >= 5040 + 300);
            HttpResponse<String> newer = patch(c, 300, new byte[200]);
            assertThat(newer.statusCode()).as(newer.body()).isEqualTo(204);
            assertThat(newer.headers().firstValue("Upload-Offset")).hasValue("500");
        }
        String scrape = Poll.until(Duration.ofSeconds(20), () -> Metrics.scrape(server.port()),
                t -> delta(t, before, "carryon_uploads_expired_total") >= 2);
        assertThat(delta(scrape, before, "carryon_uploads_total")).as(scrape).isEqualTo(3);
        assertThat(delta(scrape, before, "carryon_uploads_completed_total")).isEqualTo(1);
        assertThat(delta(scrape, before, "carryon_uploads_expired_total")).as("b and c, unfinished").isEqualTo(2);
        assertThat(delta(scrape, before, "carryon_upload_bytes_total")).isEqualTo(5000 + 40 + 300 + 200);
        assertThat(delta(scrape, before, "carryon_upload_checksum_failures_total")).isEqualTo(1);
        assertThat(delta(scrape, before, "carryon_upload_takeovers_total")).isEqualTo(1);
    }

    static final List<String> METRICS = List.of("carryon_uploads_total", "carryon_uploads_completed_total",
            "carryon_uploads_expired_total", "carryon_upload_bytes_total", "carryon_upload_checksum_failures_total",
            "carryon_upload_takeovers_total");

    static double delta(String scrape, Map<String, Double> before, String series) {
        return Metrics.valueOrZero(scrape, series) - before.get(series);
    }

    // ---- helpers ----

    static List<String> list(String header) {
        return Arrays.stream(header.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).map(s -> s.equals("post") || s.equals("head") || s.equals("patch")
                        || s.equals("delete") || s.equals("options") ? s.toUpperCase(Locale.ROOT) : s).toList();
    }

    static Instant expires(HttpResponse<?> r) {
        return HttpDate.parse(r.headers().firstValue("Upload-Expires").orElseThrow(), Instant.now()).orElseThrow();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> head(String path) {
        try {
            return tus("HEAD", path, null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    HttpResponse<String> raw(String method, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> tus(String method, String path, byte[] body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Tus-Resumable";
        all[1] = "1.0.0";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return raw(method, path, body, all);
    }

    HttpResponse<String> ietf(String method, String path, byte[] body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Upload-Draft-Interop-Version";
        all[1] = "8";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return raw(method, path, body, all);
    }

    HttpResponse<String> patch(String upload, long offset, byte[] data, String... headers) throws Exception {
        String[] all = new String[headers.length + 4];
        all[0] = "Upload-Offset";
        all[1] = Long.toString(offset);
        all[2] = "Content-Type";
        all[3] = "application/offset+octet-stream";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return tus("PATCH", upload, data, all);
    }

    String create(String... headers) throws Exception {
        HttpResponse<String> r = tus("POST", "/uploads/", null, headers);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("Location").orElseThrow();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
