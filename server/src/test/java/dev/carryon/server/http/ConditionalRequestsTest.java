package dev.carryon.server.http;

import dev.carryon.core.conditional.HttpDate;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Preconditions (RFC 9110 section 13, /work/shared/spec/ranges.md) over real sockets. */
class ConditionalRequestsTest {

    static final byte[] DATA = TestFiles.random(10_000, 3);
    static TestServer server;
    static String etag;
    static String opaque;
    static String lastModified;
    static Instant lastModifiedInstant;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.cacheControl("max-age=60"));
        TestFiles.aged(server.file("c.bin", DATA));
        RawHttp.Response r = get("/c.bin");
        assertThat(r.status()).isEqualTo(200);
        etag = r.header("ETag");
        lastModified = r.header("Last-Modified");
        assertThat(etag).matches("\"[^\"]+\"");
        opaque = etag.substring(1, etag.length() - 1);
        lastModifiedInstant = HttpDate.parse(lastModified, Instant.now()).orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static RawHttp.Response get(String target, String... headers) {
        return RawHttp.once(server.port(), "GET", target, headers);
    }

    static RawHttp.Response head(String target, String... headers) {
        return RawHttp.once(server.port(), "HEAD", target, headers);
    }

    static String date(Instant t) {
        return HttpDate.format(t);
    }

    static void assertOk(RawHttp.Response r) {
        assertThat(r.status()).as(r.statusLine()).isEqualTo(200);
        assertThat(r.header("ETag")).isEqualTo(etag);
        assertThat(r.body()).isEqualTo(DATA);
    }

    static void assert412(RawHttp.Response r, String because) {
        assertThat(r.status()).as(r.statusLine()).isEqualTo(412);
        assertThat(r.complete()).isTrue();
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.bodyText()).startsWith("412 Precondition Failed\n").contains(because);
        assertThat(r.header("Repr-Digest")).isNull();
        assertThat(r.header("Content-Range")).isNull();
    }

    /** 304: ETag, Date and the configured Cache-Control; no Last-Modified (there is an ETag), no body. */
    static void assert304(RawHttp.Response r) {
        assertThat(r.status()).as(r.statusLine()).isEqualTo(304);
        assertThat(r.header("ETag")).isEqualTo(etag);
        assertThat(r.header("Date")).isNotNull();
        assertThat(r.header("Cache-Control")).isEqualTo("max-age=60");
        assertThat(r.header("Last-Modified")).isNull();
        assertThat(r.header("Content-Range")).isNull();
        assertThat(r.header("Repr-Digest")).isNull();
        assertThat(r.header("Content-Length")).isIn(null, "0");
        assertThat(r.header("Transfer-Encoding")).isNull();
    }

    /** A 304 followed by nothing: the server closes (Connection: close) without sending a body byte. */
    static void assert304WithoutBody(String method, String... headers) {
        try (RawHttp http = server.raw()) {
            String[] all = Arrays.copyOf(headers, headers.length + 1);
            all[headers.length] = "Connection: close";
            http.request(method, "/c.bin", all);
            assert304(http.readHead());
            assertThat(http.closedByPeer()).as("no body after a 304").isTrue();
        }
    }

    // ---- 1. If-Match

    @Test
    void ifMatch() {
        assertOk(get("/c.bin", "If-Match: " + etag));
        assertOk(get("/c.bin", "If-Match: *"));
        assertOk(get("/c.bin", "If-Match: \"other\", " + etag));
        assertOk(get("/c.bin", "If-Match: \"a,b\", \"c,,d\"," + etag + " , \"e\""));
        assertOk(get("/c.bin", "If-Match: \"x\"", "If-Match: " + etag)); // two field lines are one list
        assert412(get("/c.bin", "If-Match: \"other\""), "If-Match");
        // a comma inside a tag is part of it: these are single tags that are not the current one
        assert412(get("/c.bin", "If-Match: \"x," + opaque + "\""), "If-Match");
        assert412(get("/c.bin", "If-Match: \"" + opaque + ",x\""), "If-Match");
        // strong comparison: a weak tag never matches
        assert412(get("/c.bin", "If-Match: W/" + etag), "If-Match");
        // not an entity tag at all
        assert412(get("/c.bin", "If-Match: " + opaque), "If-Match");
        // the reason names the current tag
        assertThat(get("/c.bin", "If-Match: \"other\"").bodyText()).contains(etag);
        // HEAD as well, with headers only
        RawHttp.Response h = head("/c.bin", "If-Match: \"other\"");
        assertThat(h.status()).isEqualTo(412);
    }

    @Test
    void ifMatchFailingWinsOverARange() {
        assert412(get("/c.bin", "If-Match: \"other\"", "Range: bytes=0-9"), "If-Match");
        assert412(get("/c.bin", "If-Match: \"other\"", "Range: bytes=20000-"), "If-Match");
    }

    // ---- 2. If-Unmodified-Since

    @Test
    void ifUnmodifiedSince() {
        assertOk(get("/c.bin", "If-Unmodified-Since: " + lastModified));
        assertOk(get("/c.bin", "If-Unmodified-Since: " + date(lastModifiedInstant.plusSeconds(3600))));
        assert412(get("/c.bin", "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(1))),
                "If-Unmodified-Since");
        // the obsolete formats recipients must read
        assert412(get("/c.bin", "If-Unmodified-Since: " + asctime(lastModifiedInstant.minusSeconds(60))),
                "If-Unmodified-Since");
        assert412(get("/c.bin", "If-Unmodified-Since: " + rfc850(lastModifiedInstant.minusSeconds(60))),
                "If-Unmodified-Since");
        assertOk(get("/c.bin", "If-Unmodified-Since: " + rfc850(lastModifiedInstant)));
    }

    @Test
    void invalidIfUnmodifiedSinceIsIgnored() {
        assertOk(get("/c.bin", "If-Unmodified-Since: yesterday"));
        assertOk(get("/c.bin", "If-Unmodified-Since: 1994-11-06T08:49:37Z"));
        assertOk(get("/c.bin", "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(1)).toLowerCase(Locale.ROOT)));
        // two dates joined into one value are not a date
        assertOk(get("/c.bin", "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(1)),
                "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(2))));
    }

    @Test
    void ifUnmodifiedSinceIsIgnoredWhenIfMatchIsPresent() {
        String old = "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(3600));
        assertOk(get("/c.bin", "If-Match: " + etag, old));
        assertOk(get("/c.bin", "If-Match: *", old));
        // and If-Match decides alone
        assert412(get("/c.bin", "If-Match: \"other\"", "If-Unmodified-Since: " + lastModified), "If-Match");
    }

    // ---- 3. If-None-Match

    @Test
    void ifNoneMatch() {
        assert304WithoutBody("GET", "If-None-Match: " + etag);
        assert304WithoutBody("HEAD", "If-None-Match: " + etag);
        assert304WithoutBody("GET", "If-None-Match: *");
        assert304WithoutBody("GET", "If-None-Match: \"x\", \"a,b\", " + etag);
        // weak comparison: W/ of the current tag matches
        assert304WithoutBody("GET", "If-None-Match: W/" + etag);
        assertOk(get("/c.bin", "If-None-Match: \"other\""));
        assertOk(get("/c.bin", "If-None-Match: \"x," + opaque + "\""));
        // a value that is not a list of tags matches nothing: the full response is safe
        assertOk(get("/c.bin", "If-None-Match: " + opaque));
    }

    @Test
    void notModifiedKeepsTheConnectionUsable() {
        try (RawHttp http = server.raw()) {
            assert304(http.get("/c.bin", "If-None-Match: " + etag).read());
            assertOk(http.get("/c.bin").read());
            assert304(http.get("/c.bin", "If-Modified-Since: " + lastModified).read());
            RawHttp.Response r = http.get("/c.bin", "Range: bytes=0-4").read();
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.body()).isEqualTo(Arrays.copyOf(DATA, 5));
        }
    }

    @Test
    void cacheControlOnFullResponsesToo() {
        assertThat(get("/c.bin").header("Cache-Control")).isEqualTo("max-age=60");
        assertThat(get("/c.bin", "Range: bytes=0-0").header("Cache-Control")).isEqualTo("max-age=60");
    }

    @Test
    void ifNoneMatchMatchingWinsOverARange() {
        assert304WithoutBody("GET", "If-None-Match: " + etag, "Range: bytes=0-9");
        assert304WithoutBody("GET", "If-None-Match: " + etag, "Range: bytes=99999-");
        assert304WithoutBody("GET", "If-None-Match: " + etag, "Range: bytes=0-9", "If-Range: " + etag);
    }

    // ---- 4. If-Modified-Since

    @Test
    void ifModifiedSince() {
        assert304WithoutBody("GET", "If-Modified-Since: " + lastModified);
        assert304WithoutBody("HEAD", "If-Modified-Since: " + lastModified);
        assert304WithoutBody("GET", "If-Modified-Since: " + date(lastModifiedInstant.plusSeconds(60)));
        assert304WithoutBody("GET", "If-Modified-Since: " + asctime(lastModifiedInstant));
        assert304WithoutBody("GET", "If-Modified-Since: " + rfc850(lastModifiedInstant));
        assertOk(get("/c.bin", "If-Modified-Since: " + date(lastModifiedInstant.minusSeconds(1))));
        assertOk(get("/c.bin", "If-Modified-Since: " + date(lastModifiedInstant.minusSeconds(86_400))));
    }

    @Test
    void invalidIfModifiedSinceIsIgnored() {
        assertOk(get("/c.bin", "If-Modified-Since: now"));
        assertOk(get("/c.bin", "If-Modified-Since: " + lastModified + "x"));
        assertOk(get("/c.bin", "If-Modified-Since: " + lastModified.replace("GMT", "UTC")));
        assertOk(get("/c.bin", "If-Modified-Since: " + lastModified, "If-Modified-Since: " + lastModified));
    }

    @Test
    void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() {
        assertOk(get("/c.bin", "If-None-Match: \"other\"", "If-Modified-Since: " + lastModified));
        assertOk(get("/c.bin", "If-None-Match: \"other\"",
                "If-Modified-Since: " + date(lastModifiedInstant.plusSeconds(3600))));
        assert304WithoutBody("GET", "If-None-Match: " + etag,
                "If-Modified-Since: " + date(lastModifiedInstant.minusSeconds(3600)));
    }

    // ---- the order of RFC 9110 section 13.2.2

    @Test
    void preconditionOrder() {
        // 1 before 3: a failed If-Match is 412 even when If-None-Match would give 304
        assert412(get("/c.bin", "If-Match: \"other\"", "If-None-Match: " + etag), "If-Match");
        // 2 before 3
        assert412(get("/c.bin", "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(1)),
                "If-None-Match: " + etag), "If-Unmodified-Since");
        // 2 before 4
        assert412(get("/c.bin", "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(1)),
                "If-Modified-Since: " + lastModified), "If-Unmodified-Since");
        // passing 1, then 3 decides
        assert304WithoutBody("GET", "If-Match: " + etag, "If-None-Match: " + etag);
        assert304WithoutBody("GET", "If-Match: *", "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(9)),
                "If-Modified-Since: " + lastModified);
        // every precondition true: the range is served
        RawHttp.Response r = get("/c.bin", "If-Match: " + etag, "If-Unmodified-Since: " + lastModified,
                "If-None-Match: \"other\"", "If-Modified-Since: " + date(lastModifiedInstant.minusSeconds(1)),
                "If-Range: " + etag, "Range: bytes=5-9");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(DATA, 5, 10));
        // preconditions before 416
        assert412(get("/c.bin", "If-Unmodified-Since: " + date(lastModifiedInstant.minusSeconds(1)),
                "Range: bytes=50000-"), "If-Unmodified-Since");
    }

    // ---- 5. If-Range

    @Test
    void ifRangeWithTheCurrentStrongTagServesTheRange() {
        RawHttp.Response r = get("/c.bin", "Range: bytes=100-199", "If-Range: " + etag);
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.header("Content-Range")).isEqualTo("bytes 100-199/10000");
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(DATA, 100, 200));
        // and its 416 when the range is not satisfiable
        RawHttp.Response u = get("/c.bin", "Range: bytes=20000-", "If-Range: " + etag);
        assertThat(u.status()).isEqualTo(416);
        assertThat(u.header("Content-Range")).isEqualTo("bytes */10000");
    }

    @Test
    void ifRangeWithAnotherTagGivesTheWholeFile() {
        assertOk(get("/c.bin", "Range: bytes=100-199", "If-Range: \"other\""));
        assertOk(get("/c.bin", "Range: bytes=100-199", "If-Range: W/" + etag));
        assertOk(get("/c.bin", "Range: bytes=100-199", "If-Range: W/\"other\""));
        assertOk(get("/c.bin", "Range: bytes=100-199", "If-Range: " + opaque)); // neither a tag nor a date
        assertOk(get("/c.bin", "Range: bytes=100-199", "If-Range: " + etag + ", " + etag)); // not one tag
        // a failed If-Range means the full representation, also instead of a 416
        assertOk(get("/c.bin", "Range: bytes=20000-", "If-Range: \"other\""));
        assertOk(get("/c.bin", "Range: bytes=0-9,5000-5009", "If-Range: \"other\""));
    }

    @Test
    void ifRangeWithTheLastModifiedDate() {
        RawHttp.Response r = get("/c.bin", "Range: bytes=0-9", "If-Range: " + lastModified);
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(Arrays.copyOf(DATA, 10));
        assertOk(get("/c.bin", "Range: bytes=0-9", "If-Range: " + date(lastModifiedInstant.minusSeconds(1))));
        assertOk(get("/c.bin", "Range: bytes=0-9", "If-Range: " + date(lastModifiedInstant.plusSeconds(1))));
        assertOk(get("/c.bin", "Range: bytes=0-9", "If-Range: someday"));
    }

    @Test
    void ifRangeWithoutRangeIsIgnored() {
        assertOk(get("/c.bin", "If-Range: " + etag));
        assertOk(get("/c.bin", "If-Range: \"other\""));
        assertOk(get("/c.bin", "If-Range: " + lastModified));
        // with an invalid Range too
        assertOk(get("/c.bin", "If-Range: " + etag, "Range: bytes=9-1"));
    }

    @Test
    void freshFileHasAWeakTagThatNeverSatisfiesIfRange() throws Exception {
        byte[] content = TestFiles.random(5000, 11);
        RawHttp.Response first = writeAndGetWithinOneSecond("fresh.bin", content);
        Path p = server.root().resolve("fresh.bin");
        String weak = first.header("ETag");
        String freshDate = first.header("Last-Modified");
        assertThat(weak).as("a file modified within the last second").startsWith("W/\"");

        RawHttp.Response byWeak = get("/fresh.bin", "Range: bytes=0-9", "If-Range: " + weak);
        assertThat(byWeak.status()).isEqualTo(200);
        assertThat(byWeak.body()).isEqualTo(content);
        RawHttp.Response byStrongForm = get("/fresh.bin", "Range: bytes=0-9", "If-Range: " + weak.substring(2));
        assertThat(byStrongForm.status()).isEqualTo(200);
        // a Last-Modified that is not a second older than Date is weak as well
        RawHttp.Response byDate = get("/fresh.bin", "Range: bytes=0-9", "If-Range: " + freshDate);
        if (freshDate.equals(byDate.header("Date"))) {
            assertThat(byDate.status()).isEqualTo(200);
            assertThat(byDate.body()).isEqualTo(content);
        }
        // weak comparison still matches for If-None-Match; strong comparison fails for If-Match
        RawHttp.Response inm = get("/fresh.bin", "If-None-Match: " + weak.substring(2));
        if (inm.header("ETag").equals(weak)) {
            assertThat(inm.status()).isEqualTo(304);
            assertThat(get("/fresh.bin", "If-Match: " + weak).status()).isEqualTo(412);
        }

        TestFiles.aged(p);
        RawHttp.Response later = get("/fresh.bin");
        String strong = later.header("ETag");
        assertThat(strong).matches("\"[^\"]+\"").isNotEqualTo(weak.substring(2));
        RawHttp.Response ranged = get("/fresh.bin", "Range: bytes=0-9", "If-Range: " + strong);
        assertThat(ranged.status()).isEqualTo(206);
        assertThat(ranged.body()).isEqualTo(Arrays.copyOf(content, 10));
        RawHttp.Response byAgedDate = get("/fresh.bin", "Range: bytes=0-9",
                "If-Range: " + later.header("Last-Modified"));
        assertThat(byAgedDate.status()).isEqualTo(206);
    }

    @Test
    void tagBecomesStrongOnceTheFileIsASecondOld() throws Exception {
        alignToStartOfSecond();
        server.file("settling.bin", DATA);
        assertThat(get("/settling.bin").header("ETag")).startsWith("W/");
        RawHttp.Response settled = Poll.until(Duration.ofSeconds(5), () -> get("/settling.bin"),
                r -> !r.header("ETag").startsWith("W/"));
        assertThat(settled.header("ETag")).startsWith("\"");
        RawHttp.Response r = get("/settling.bin", "Range: bytes=0-9", "If-Range: " + settled.header("ETag"));
        assertThat(r.status()).isEqualTo(206);
    }

    @Test
    void lastModifiedDateSatisfiesIfRangeOnlyWhenASecondOlderThanDate() throws Exception {
        byte[] content = TestFiles.random(3000, 12);
        RawHttp.Response first = writeAndGetWithinOneSecond("datecheck.bin", content);
        String lm = first.header("Last-Modified");
        assertThat(lm).isEqualTo(date(Files.getLastModifiedTime(server.root().resolve("datecheck.bin")).toInstant()));
        RawHttp.Response now = get("/datecheck.bin", "Range: bytes=0-9", "If-Range: " + lm);
        if (lm.equals(now.header("Date"))) {
            assertThat(now.status()).isEqualTo(200); // Last-Modified is not yet a second older than Date
            assertThat(now.body()).isEqualTo(content);
        }
        // once Date is a full second later the same date is a strong validator
        RawHttp.Response later = Poll.until(Duration.ofSeconds(5),
                () -> get("/datecheck.bin", "Range: bytes=0-9", "If-Range: " + lm),
                r -> !lm.equals(r.header("Date")));
        assertThat(later.header("Date")).isNotEqualTo(lm);
        assertThat(later.status()).isEqualTo(206);
        assertThat(later.body()).isEqualTo(Arrays.copyOf(content, 10));
    }

    // ---- the ETag names one version

    @Test
    void etagChangesWithSizeMtimeContentAndIdentity() throws Exception {
        Path p = TestFiles.aged(server.file("v.bin", TestFiles.random(4000, 1)));
        String v1 = get("/v.bin").header("ETag");
        assertThat(get("/v.bin").header("ETag")).isEqualTo(v1); // stable while nothing changes

        // content and size
        Files.write(p, TestFiles.random(4001, 2));
        TestFiles.aged(p);
        String v2 = get("/v.bin").header("ETag");
        assertThat(v2).isNotEqualTo(v1).startsWith("\"");

        // content only, same size: the modification time moves
        FileTime before = Files.getLastModifiedTime(p);
        Files.write(p, TestFiles.random(4001, 3));
        Files.setLastModifiedTime(p, FileTime.from(before.toInstant().plusNanos(1)));
        String v3 = get("/v.bin").header("ETag");
        assertThat(v3).isNotEqualTo(v2);

        // modification time only
        Files.setLastModifiedTime(p, FileTime.from(before.toInstant().minusSeconds(5)));
        String v4 = get("/v.bin").header("ETag");
        assertThat(v4).isNotEqualTo(v3).isNotEqualTo(v2);

        // replaced by a rename with the same size and time: another file, another tag
        FileTime t = Files.getLastModifiedTime(p);
        Path tmp = server.root().resolve("v.bin.tmp");
        Files.write(tmp, Files.readAllBytes(p));
        Files.setLastModifiedTime(tmp, t);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String v5 = get("/v.bin").header("ETag");
        assertThat(v5).isNotEqualTo(v4);

        // the old tags no longer validate
        RawHttp.Response r = get("/v.bin", "If-None-Match: " + v1);
        assertThat(r.status()).isEqualTo(200);
        assertThat(get("/v.bin", "If-Match: " + v4).status()).isEqualTo(412);
        assertThat(get("/v.bin", "Range: bytes=0-0", "If-Range: " + v4).status()).isEqualTo(200);
        assertThat(get("/v.bin", "Range: bytes=0-0", "If-Range: " + v5).status()).isEqualTo(206);
    }

    @Test
    void lastModifiedInTheFutureIsReplacedByDate() throws Exception {
        // RFC 9110 section 8.8.2.1: a modification time later than Date MUST be sent as Date
        byte[] content = TestFiles.random(2000, 13);
        Path p = server.file("future.bin", content);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().plus(Duration.ofDays(1))));
        for (String method : new String[] {"GET", "HEAD"}) {
            RawHttp.Response r = RawHttp.once(server.port(), method, "/future.bin");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Last-Modified")).as(method).isEqualTo(r.header("Date"));
        }
        RawHttp.Response part = get("/future.bin", "Range: bytes=0-9");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Last-Modified")).isEqualTo(part.header("Date"));
        // such a date identifies nothing: If-Range with it never serves the range
        RawHttp.Response ifRange = get("/future.bin", "Range: bytes=0-9", "If-Range: " + part.header("Last-Modified"));
        assertThat(ifRange.status()).isEqualTo(200);
        assertThat(ifRange.body()).isEqualTo(content);
    }

    // ---- helpers

    /**
     * Writes a file and GETs it within the same wall-clock second (Date equals Last-Modified), trying again on a
     * machine too slow to do that in one go.
     */
    static RawHttp.Response writeAndGetWithinOneSecond(String name, byte[] content) throws InterruptedException {
        RawHttp.Response r = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            alignToStartOfSecond();
            server.file(name, content);
            r = get("/" + name);
            assertThat(r.status()).isEqualTo(200);
            if (r.header("Date").equals(r.header("Last-Modified"))) {
                return r;
            }
        }
        throw new AssertionError("could not write and fetch a file within one second: " + RawHttp.headerLines(r));
    }

    /**
     * Waits, at most a second, until a wall-clock second began 50 to 300 ms ago: late enough that the kernel's
     * coarse clock, which stamps file modification times, has reached it too, and early enough that a few
     * requests finish within the same second.
     */
    static void alignToStartOfSecond() throws InterruptedException {
        long ms = System.currentTimeMillis() % 1000;
        if (ms < 50 || ms > 300) {
            Thread.sleep((1050 - ms) % 1000);
        }
    }

    static String asctime(Instant t) {
        return DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
                .format(ZonedDateTime.ofInstant(t, ZoneOffset.UTC));
    }

    static String rfc850(Instant t) {
        return DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US)
                .format(ZonedDateTime.ofInstant(t, ZoneOffset.UTC));
    }
}
