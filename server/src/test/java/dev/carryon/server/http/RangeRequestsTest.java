package dev.carryon.server.http;

import dev.carryon.core.range.RangePolicy;
import dev.carryon.server.testing.Multipart;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;

/** Range requests (RFC 9110 section 14, /work/shared/spec/ranges.md) over real sockets. */
class RangeRequestsTest {

    static final int LENGTH = 100_000;
    static final byte[] DATA = TestFiles.random(LENGTH, 42);
    static TestServer server;
    static String etag;
    static String lastModified;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        TestFiles.aged(server.file("data.bin", DATA));
        TestFiles.aged(server.file("empty.bin", new byte[0]));
        RawHttp.Response whole = get("/data.bin");
        assertThat(whole.status()).isEqualTo(200);
        etag = whole.header("ETag");
        lastModified = whole.header("Last-Modified");
        assertThat(etag).startsWith("\"");
        assertThat(lastModified).endsWith(" GMT");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static RawHttp.Response get(String target, String... headers) {
        return RawHttp.once(server.port(), "GET", target, headers);
    }

    static RawHttp.Response range(String value) {
        return get("/data.bin", "Range: " + value);
    }

    static byte[] slice(long first, long last) {
        return Arrays.copyOfRange(DATA, (int) first, (int) last + 1);
    }

    /** A complete 206 with one range: every header RFC 9110 section 15.3.7 asks for, and exactly the bytes. */
    static void assertSingle(RawHttp.Response r, long first, long last) {
        assertThat(r.status()).as(r.statusLine()).isEqualTo(206);
        assertThat(r.complete()).isTrue();
        assertThat(r.header("Content-Range")).isEqualTo("bytes " + first + "-" + last + "/" + LENGTH);
        assertThat(r.header("Content-Length")).isEqualTo(Long.toString(last - first + 1));
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.header("ETag")).isEqualTo(etag);
        assertThat(r.header("Last-Modified")).isEqualTo(lastModified);
        assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(r.headers("Content-Range")).hasSize(1);
        assertThat(r.body()).isEqualTo(slice(first, last));
    }

    /** A complete 200 with the whole file, as a GET without Range gets. */
    static void assertWhole(RawHttp.Response r) {
        assertThat(r.status()).as(r.statusLine()).isEqualTo(200);
        assertThat(r.complete()).isTrue();
        assertThat(r.header("Content-Range")).isNull();
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(LENGTH));
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.header("ETag")).isEqualTo(etag);
        assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(r.body()).isEqualTo(DATA);
    }

    static void assert416(RawHttp.Response r) {
        assertThat(r.status()).as(r.statusLine()).isEqualTo(416);
        assertThat(r.complete()).isTrue();
        assertThat(r.header("Content-Range")).isEqualTo("bytes */" + LENGTH);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        // the status line again (Netty words it "Requested Range Not Satisfiable", RFC 7233's phrase), then why
        assertThat(r.bodyText()).matches("416 [A-Za-z ]+\n.*\n");
        assertThat(r.bodyText().lines().skip(1).findFirst().orElse("")).isNotBlank();
        assertThat(Integer.parseInt(r.header("Content-Length"))).isEqualTo(r.body().length);
    }

    /** A 206 multipart/byteranges answer read to the end of the connection, parsed strictly. */
    static List<Multipart.Part> assertMultipart(RawHttp.Response r, long[]... ranges) {
        assertThat(r.status()).as(r.statusLine()).isEqualTo(206);
        assertThat(r.complete()).isTrue();
        assertThat(r.header("Content-Range")).isNull();
        assertThat(r.header("Content-Type")).startsWith("multipart/byteranges; boundary=");
        assertThat(r.header("ETag")).isEqualTo(etag);
        assertThat(r.header("Last-Modified")).isEqualTo(lastModified);
        assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(Long.parseLong(r.header("Content-Length"))).isEqualTo(r.body().length);
        List<Multipart.Part> parts = Multipart.parse(r.header("Content-Type"), r.body());
        assertThat(parts).hasSize(ranges.length);
        for (int i = 0; i < ranges.length; i++) {
            Multipart.Part p = parts.get(i);
            long first = ranges[i][0];
            long last = ranges[i][1];
            assertThat(p.headers()).containsOnlyKeys("content-type", "content-range");
            assertThat(p.headers().get("content-type")).isEqualTo("application/octet-stream");
            assertThat(p.contentRange()).as("part %d", i).isEqualTo("bytes " + first + "-" + last + "/" + LENGTH);
            assertThat(p.body()).as("part %d", i).isEqualTo(slice(first, last));
        }
        // The body ends exactly with the close delimiter: nothing before the first boundary or after the last.
        String boundary = Multipart.boundary(r.header("Content-Type"));
        String text = new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("--" + boundary + "\r\n").endsWith("\r\n--" + boundary + "--\r\n");
        return parts;
    }

    static String rangesHeader(int count, java.util.function.IntFunction<String> spec) {
        StringJoiner j = new StringJoiner(",", "bytes=", "");
        for (int i = 0; i < count; i++) {
            j.add(spec.apply(i));
        }
        return j.toString();
    }

    // ---- single ranges

    @Test
    void firstLast() {
        assertSingle(range("bytes=10-19"), 10, 19);
        assertSingle(range("bytes=0-0"), 0, 0);
        assertSingle(range("bytes=99999-99999"), 99_999, 99_999);
        assertSingle(range("bytes=0-99999"), 0, 99_999);
    }

    @Test
    void openEnded() {
        assertSingle(range("bytes=99990-"), 99_990, 99_999);
        assertSingle(range("bytes=0-"), 0, 99_999);
    }

    @Test
    void suffix() {
        assertSingle(range("bytes=-10"), 99_990, 99_999);
        assertSingle(range("bytes=-1"), 99_999, 99_999);
    }

    @Test
    void suffixLongerThanTheFileIsAllOfIt() {
        assertSingle(range("bytes=-100000"), 0, 99_999);
        assertSingle(range("bytes=-100001"), 0, 99_999);
        assertSingle(range("bytes=-5000000"), 0, 99_999);
    }

    @Test
    void lastBeyondTheEndIsClamped() {
        assertSingle(range("bytes=99000-100000"), 99_000, 99_999);
        assertSingle(range("bytes=99000-123456789"), 99_000, 99_999);
        assertSingle(range("bytes=5-" + Long.MAX_VALUE), 5, 99_999);
    }

    @Test
    void numbersBeyondTwoToTheSixtyThree() {
        // last-pos that does not fit in a long: clamped, never overflowing to a negative number
        assertSingle(range("bytes=5-9223372036854775808"), 5, 99_999);
        assertSingle(range("bytes=5-99999999999999999999999999999999999999"), 5, 99_999);
        assertSingle(range("bytes=00000000000000000000000000000005-99999999999999999999999999"), 5, 99_999);
        // a suffix that does not fit: the whole file
        assertSingle(range("bytes=-99999999999999999999999999999999999999"), 0, 99_999);
        // a first-pos that does not fit: unsatisfiable
        assert416(range("bytes=9223372036854775808-"));
        assert416(range("bytes=99999999999999999999999999999999999999-"));
        assert416(range("bytes=9223372036854775807-"));
        assert416(range("bytes=9223372036854775808-99999999999999999999999999999"));
        // still compared by value when both overflow: last < first is invalid, so 200
        assertWhole(range("bytes=99999999999999999999999999999-99999999999999999999999999998"));
        // and with a satisfiable range beside it, the huge one is dropped
        assertSingle(range("bytes=99999999999999999999999999999-, 7-8"), 7, 8);
    }

    @Test
    void whitespaceAndEmptyElementsAreAllowed() {
        assertSingle(range("bytes= 10-19"), 10, 19);
        assertSingle(range("bytes=10-19 ,"), 10, 19);
        assertSingle(range("bytes=,,10-19,"), 10, 19);
        assertMultipart(range("bytes=0-9 ,\t, 50000-50009"), new long[] {0, 9}, new long[] {50_000, 50_009});
    }

    @Test
    void unitIsCaseInsensitive() {
        assertSingle(range("BYTES=10-19"), 10, 19);
        assertSingle(range("Bytes=-3"), 99_997, 99_999);
    }

    @Test
    void twoHundredSixCarriesTheSameValidatorsAsTwoHundred() {
        RawHttp.Response whole = get("/data.bin");
        RawHttp.Response part = range("bytes=100-199");
        assertThat(part.header("ETag")).isEqualTo(whole.header("ETag"));
        assertThat(part.header("Last-Modified")).isEqualTo(whole.header("Last-Modified"));
        assertThat(part.header("Date")).isNotNull();
    }

    // ---- several ranges

    @Test
    void multipartPartsInRequestOrderWithExactLength() {
        assertMultipart(range("bytes=0-99,50000-50099,99900-"),
                new long[] {0, 99}, new long[] {50_000, 50_099}, new long[] {99_900, 99_999});
        assertMultipart(range("bytes=99900-,0-99"), new long[] {99_900, 99_999}, new long[] {0, 99});
        assertMultipart(range("bytes=-100,40000-40999,1000-1999"),
                new long[] {99_900, 99_999}, new long[] {40_000, 40_999}, new long[] {1000, 1999});
    }

    @Test
    void multipartBodyIsExactlyContentLengthLong() {
        // Read with Connection: close: after Content-Length bytes the server must have sent nothing more.
        try (RawHttp http = server.raw()) {
            RawHttp.Response r = http.get("/data.bin", "Range: bytes=0-9,20000-20009,90000-90009",
                    "Connection: close").read();
            assertMultipart(r, new long[] {0, 9}, new long[] {20_000, 20_009}, new long[] {90_000, 90_009});
            assertThat(http.closedByPeer()).isTrue();
        }
    }

    @Test
    void boundaryIsRandomPerResponse() {
        String a = range("bytes=0-9,50000-50009").header("Content-Type");
        String b = range("bytes=0-9,50000-50009").header("Content-Type");
        assertThat(Multipart.boundary(a)).isNotEqualTo(Multipart.boundary(b));
    }

    @Test
    void overlappingAndAdjacentRangesCoalesceIntoOneSinglePart206() {
        assertSingle(range("bytes=0-99,100-199"), 0, 199);
        assertSingle(range("bytes=0-99,50-149"), 0, 149);
        assertSingle(range("bytes=100-199,0-99"), 0, 199);
        assertSingle(range("bytes=0-99,0-99"), 0, 99);
        assertSingle(range("bytes=500-,-100"), 500, 99_999);
        // a gap smaller than a part's overhead costs less merged than as another part
        assertSingle(range("bytes=0-99,150-199"), 0, 199);
        assertSingle(range("bytes=1000-1009,1020-1029,1040-1049"), 1000, 1049);
    }

    @Test
    void overlappingRangesCoalesceIntoOnePartOfAMultipart() {
        assertMultipart(range("bytes=0-999,500-1499,50000-50099"), new long[] {0, 1499}, new long[] {50_000, 50_099});
        // the merged part takes the place of its earliest-requested member
        assertMultipart(range("bytes=50000-50099,500-1499,0-999"),
                new long[] {50_000, 50_099}, new long[] {0, 1499});
        // ranges farther apart than a part's overhead stay separate
        assertMultipart(range("bytes=0-99,300-399"), new long[] {0, 99}, new long[] {300, 399});
    }

    // ---- 416

    @Test
    void unsatisfiable() {
        assert416(range("bytes=100000-"));
        assert416(range("bytes=100000-100000"));
        assert416(range("bytes=123456-200000"));
        assert416(range("bytes=-0"));
        assert416(range("bytes=100000-,200000-300000,-0"));
    }

    @Test
    void unsatisfiableSpecsAreDroppedWhenAnotherIsSatisfiable() {
        assertSingle(range("bytes=200000-300000,0-9"), 0, 9);
        assertSingle(range("bytes=-0,5-9"), 5, 9);
        assertMultipart(range("bytes=200000-,0-9,-0,50000-50009"), new long[] {0, 9}, new long[] {50_000, 50_009});
    }

    // ---- invalid Range headers: ignored

    @ParameterizedTest
    @ValueSource(strings = {"items=0-9", "bytes 0-9", "bytes=20-10", "bytes=abc", "bytes=0-9,x", "bytes=1-2-3",
            "bytes=+1-2", "bytes=0x10-0x20", "bytes=", "bytes=,", "=0-9", "bytes=1.5-2", "bytes=--5", "bytes=0-9;q=1",
            "bytes=0-9,20-10", "bytes=-", "bytes=5 -9", "bytes=-1-", "bytes=\u00b9-9"})
    void invalidRangeIsIgnored(String value) {
        assertWhole(range(value));
    }

    /** wget2 -c --chunk-size sends what it holds and the chunk it wants: the chunk, where both allow it. */
    @Test
    void twoOverlappingRangeFieldLinesAnswerWhatBothAllow() {
        RawHttp.Response r = get("/data.bin", "Range: bytes=10-", "Range: bytes=10-29");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.header("Content-Range")).isEqualTo("bytes 10-29/" + DATA.length);
        assertThat(r.body()).isEqualTo(slice(10, 29));
    }

    /** As nginx, lighttpd and caddy, where the lines do not overlap. */
    @Test
    void ofTwoRangeFieldLinesTheFirstIsAnswered() {
        RawHttp.Response r = get("/data.bin", "Range: bytes=0-9", "Range: bytes=20-29");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.header("Content-Range")).isEqualTo("bytes 0-9/" + DATA.length);
        assertThat(r.body()).isEqualTo(slice(0, 9));
    }

    // ---- what ignores Range

    @Test
    void zeroLengthFileIgnoresRange() {
        for (String value : List.of("bytes=0-0", "bytes=0-", "bytes=-5", "bytes=5-10", "bytes=0-0,5-9")) {
            RawHttp.Response r = get("/empty.bin", "Range: " + value);
            assertThat(r.status()).as(value).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo("0");
            assertThat(r.header("Content-Range")).isNull();
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void headIgnoresRange() throws Exception {
        get("/data.bin");
        assertThat(server.server().awaitDigests(10_000)).isTrue(); // so that GET and HEAD both carry the digest
        RawHttp.Response plain = get("/data.bin");
        List<String> expected = RawHttp.headerLines(plain, "Date");
        assertThat(expected).contains("content-length: " + LENGTH);
        for (String value : List.of("bytes=0-9", "bytes=0-9,50000-50009", "bytes=200000-", "bytes=-0", "items=1-2")) {
            RawHttp.Response head = RawHttp.once(server.port(), "HEAD", "/data.bin", "Range: " + value);
            assertThat(head.status()).as(value).isEqualTo(200);
            assertThat(RawHttp.headerLines(head, "Date")).as(value).isEqualTo(expected);
            assertThat(head.header("Date")).isNotNull();
        }
    }

    // ---- the abuse guard

    @Test
    void moreThanTwoOverlapsGetTheWholeFile() {
        assertSingle(range("bytes=0-9,0-9,0-9"), 0, 9); // two overlaps: allowed, and coalesced
        assertWhole(range("bytes=0-9,0-9,0-9,0-9"));
        assertMultipart(range("bytes=0-999,100-1099,200-1299,50000-50099"),
                new long[] {0, 1299}, new long[] {50_000, 50_099});
        assertWhole(range("bytes=0-999,100-1099,200-1299,300-1399,50000-50099"));
        assertWhole(range("bytes=0-,0-,0-"  + ",0-"));
        assertWhole(range("bytes=-500,-400,-300,-200"));
    }

    @Test
    void moreThanSixtyFourPartsGetTheWholeFile() {
        String sixtyFour = rangesHeader(64, i -> (i * 1000) + "-" + (i * 1000));
        RawHttp.Response r = range(sixtyFour);
        long[][] expected = new long[64][];
        for (int i = 0; i < 64; i++) {
            expected[i] = new long[] {i * 1000L, i * 1000L};
        }
        assertMultipart(r, expected);
        assertWhole(range(rangesHeader(65, i -> (i * 1000) + "-" + (i * 1000))));
    }

    @Test
    void maxRangesIsConfigurable() {
        try (TestServer s = TestServer.start(b -> b.rangePolicy(new RangePolicy(3, 2, 4096)))) {
            byte[] data = TestFiles.random(LENGTH, 7);
            TestFiles.aged(s.file("f.bin", data));
            RawHttp.Response three = RawHttp.once(s.port(), "GET", "/f.bin", "Range: bytes=0-9,1000-1009,2000-2009");
            assertThat(three.status()).isEqualTo(206);
            assertThat(Multipart.parse(three.header("Content-Type"), three.body())).hasSize(3);
            RawHttp.Response four = RawHttp.once(s.port(), "GET", "/f.bin",
                    "Range: bytes=0-9,1000-1009,2000-2009,3000-3009");
            assertThat(four.status()).isEqualTo(200);
            assertThat(four.body()).isEqualTo(data);
            // the limit counts parts after coalescing
            RawHttp.Response merged = RawHttp.once(s.port(), "GET", "/f.bin",
                    "Range: bytes=0-9,10-19,1000-1009,2000-2009,2010-2019");
            assertThat(merged.status()).isEqualTo(206);
            assertThat(Multipart.parse(merged.header("Content-Type"), merged.body()))
                    .extracting(Multipart.Part::contentRange)
                    .containsExactly("bytes 0-19/100000", "bytes 1000-1009/100000", "bytes 2000-2019/100000");
        }
    }

    @Test
    void multipartCostingMoreThanTheFileAndSlackGetsTheWholeFile() {
        // Coalescing keeps a multipart body within the file's length plus one part header and the trailer, so
        // with the default 4 KiB slack this limit cannot be reached; a policy with less slack shows it works.
        String header = "bytes=0-49999,50200-99999";
        assertMultipart(range(header), new long[] {0, 49_999}, new long[] {50_200, 99_999});
        try (TestServer s = TestServer.start(b -> b.rangePolicy(new RangePolicy(64, 2, 0)))) {
            byte[] data = TestFiles.random(LENGTH, 8);
            TestFiles.aged(s.file("f.bin", data));
            RawHttp.Response r = RawHttp.once(s.port(), "GET", "/f.bin", "Range: " + header);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Range")).isNull();
            assertThat(r.body()).isEqualTo(data);
            // ranges whose multipart body stays within the file's length still get 206
            RawHttp.Response small = RawHttp.once(s.port(), "GET", "/f.bin", "Range: bytes=0-9,50000-50009");
            assertThat(small.status()).isEqualTo(206);
            assertThat(Multipart.parse(small.header("Content-Type"), small.body())).hasSize(2);
        }
    }

    @Test
    void thousandsOfRangesInOneHeaderNeverA5xx() {
        // 3000 copies of the same range: overlapping far more than twice
        assertWhole(range(rangesHeader(3000, i -> "0-0")));
        // 1500 adjacent ranges: one range after coalescing
        assertSingle(range(rangesHeader(1500, i -> i + "-" + i)), 0, 1499);
        // 1000 ranges 50 bytes apart: closer than a part's overhead, so one range again
        assertSingle(range(rangesHeader(1000, i -> (i * 50) + "-" + (i * 50))), 0, 999 * 50);
        // 100 ranges farther apart: too many parts
        assertWhole(range(rangesHeader(100, i -> (i * 1000) + "-" + (i * 1000))));
        // 1500 unsatisfiable ranges
        assert416(range(rangesHeader(1500, i -> (200_000 + i) + "-")));
        // 1500 suffixes
        assertWhole(range(rangesHeader(1500, i -> "-" + (i + 1))));
        // a header larger than the server takes: refused as such, not a 5xx
        RawHttp.Response tooBig = range(rangesHeader(6000, i -> "0-0"));
        assertThat(tooBig.status()).isEqualTo(431);
        // and the server still answers normally afterwards
        assertSingle(range("bytes=1-2"), 1, 2);
    }

    @Test
    void rangesOfAFileBeyondFourGiB() throws Exception {
        long size = (5L << 30) + 7; // sparse: costs no disk
        try (TestServer s = TestServer.start(b -> b.digests(false))) {
            Path p = s.root().resolve("huge.bin");
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(size);
                f.seek(size - 3);
                f.write(new byte[] {1, 2, 3});
                f.seek(4L << 30);
                f.write(new byte[] {9, 8});
            }
            TestFiles.aged(p);
            int port = s.port();
            RawHttp.Response head = RawHttp.once(port, "HEAD", "/huge.bin");
            assertThat(head.header("Content-Length")).isEqualTo(Long.toString(size));
            RawHttp.Response tail = RawHttp.once(port, "GET", "/huge.bin", "Range: bytes=-3");
            assertThat(tail.status()).isEqualTo(206);
            assertThat(tail.header("Content-Range")).isEqualTo("bytes " + (size - 3) + "-" + (size - 1) + "/" + size);
            assertThat(tail.body()).containsExactly(1, 2, 3);
            RawHttp.Response open = RawHttp.once(port, "GET", "/huge.bin", "Range: bytes=" + (size - 2) + "-");
            assertThat(open.body()).containsExactly(2, 3);
            RawHttp.Response multi = RawHttp.once(port, "GET", "/huge.bin",
                    "Range: bytes=0-1," + (4L << 30) + "-" + ((4L << 30) + 1) + ",-1");
            assertThat(multi.status()).isEqualTo(206);
            assertThat(Long.parseLong(multi.header("Content-Length"))).isEqualTo(multi.body().length);
            List<Multipart.Part> parts = Multipart.parse(multi.header("Content-Type"), multi.body());
            assertThat(parts).extracting(Multipart.Part::contentRange).containsExactly(
                    "bytes 0-1/" + size, "bytes " + (4L << 30) + "-" + ((4L << 30) + 1) + "/" + size,
                    "bytes " + (size - 1) + "-" + (size - 1) + "/" + size);
            assertThat(parts.get(0).body()).containsExactly(0, 0);
            assertThat(parts.get(1).body()).containsExactly(9, 8);
            assertThat(parts.get(2).body()).containsExactly(3);
            RawHttp.Response beyond = RawHttp.once(port, "GET", "/huge.bin", "Range: bytes=" + size + "-");
            assertThat(beyond.status()).isEqualTo(416);
            assertThat(beyond.header("Content-Range")).isEqualTo("bytes */" + size);
        }
    }

    @Test
    void rangesAcrossTheServersEightMiBCheckIntervals() {
        int size = (17 << 20) + 3;
        byte[] big = TestFiles.random(size, 99);
        TestFiles.aged(server.file("big.bin", big));
        try (RawHttp http = server.raw()) {
            RawHttp.Response whole = http.get("/big.bin").read();
            assertThat(whole.status()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(big);
            int first = (8 << 20) - 5;
            int last = (16 << 20) + 5;
            RawHttp.Response across = http.get("/big.bin", "Range: bytes=" + first + "-" + last).read();
            assertThat(across.status()).isEqualTo(206);
            assertThat(across.body()).isEqualTo(Arrays.copyOfRange(big, first, last + 1));
            RawHttp.Response multi = http.get("/big.bin", "Range: bytes=" + (8 << 20) + "-" + (16 << 20) + ",0-0,-1")
                    .read();
            assertThat(multi.status()).isEqualTo(206);
            List<Multipart.Part> parts = Multipart.parse(multi.header("Content-Type"), multi.body());
            assertThat(parts).hasSize(3);
            assertThat(parts.get(0).body()).isEqualTo(Arrays.copyOfRange(big, 8 << 20, (16 << 20) + 1));
            assertThat(parts.get(1).body()).containsExactly(big[0]);
            assertThat(parts.get(2).body()).containsExactly(big[size - 1]);
            // the connection is in step after all that
            assertThat(http.get("/data.bin", "Range: bytes=0-0").read().body()).containsExactly(DATA[0]);
        }
    }

    @Test
    void manyRangesOnOneKeepAliveConnection() {
        try (RawHttp http = server.raw()) {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int first = i * 4999;
                RawHttp.Response r = http.get("/data.bin", "Range: bytes=" + first + "-" + (first + 99)).read();
                assertSingle(r, first, first + 99);
                seen.add(r.header("Content-Range"));
            }
            assertThat(seen).doesNotHaveDuplicates();
        }
    }
}
