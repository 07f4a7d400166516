package dev.carryon.core.range;

import dev.carryon.core.Props;
import dev.carryon.core.Props.Gen;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of Range parsing, selection, coalescing and the multipart layout, for any input. */
class RangePropertyTest {

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final String ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // ---- generators ----

    record Request(long length, List<RangeSpec> specs, RangePolicy policy, String contentType, String boundary) {
        Supplier<String> boundarySupplier() {
            return () -> boundary;
        }
    }

    static long length(Gen g) {
        switch (g.intIn(0, 9)) {
            case 0:
                return 0;
            case 1, 2, 3:
                return g.longIn(1, 300);
            case 4, 5:
                return g.longIn(301, 100_000);
            default:
                return g.interestingLong();
        }
    }

    /** A position somewhere interesting relative to a representation of {@code length} bytes. */
    static long position(Gen g, long length) {
        switch (g.intIn(0, 7)) {
            case 0:
                return 0;
            case 1:
                return Math.max(0, length - 1);
            case 2:
                return length;
            case 3:
                return length == Long.MAX_VALUE ? length : length + 1;
            case 4:
                return Long.MAX_VALUE;
            case 5:
                return g.interestingLong();
            default:
                return g.longIn(0, Math.max(0, length - 1));
        }
    }

    static RangeSpec spec(Gen g, long length) {
        switch (g.intIn(0, 4)) {
            case 0:
                return RangeSpec.FromTo.from(position(g, length));
            case 1: {
                long n = g.oneIn(3) ? position(g, length) : g.longIn(0, length > 498 ? 500 : length + 2);
                return new RangeSpec.Suffix(n);
            }
            case 2: {
                long first = position(g, length);
                long last = Math.max(first, position(g, length));
                return new RangeSpec.FromTo(first, last);
            }
            default: {
                // a short range: these make multipart answers
                long first = g.longIn(0, Math.max(0, length == 0 ? 0 : length - 1));
                long span = g.pick(0L, 1L, g.longIn(0, 20), g.longIn(0, 2000));
                return new RangeSpec.FromTo(first, first > Long.MAX_VALUE - span ? Long.MAX_VALUE : first + span);
            }
        }
    }

    static RangePolicy policy(Gen g) {
        if (g.bool()) {
            return RangePolicy.DEFAULT;
        }
        return new RangePolicy(g.intIn(1, 70), g.intIn(0, 5), g.pick(0L, 100L, 4096L, g.longIn(0, 100_000),
                Long.MAX_VALUE));
    }

    static String contentType(Gen g) {
        return g.pick("text/plain", "application/octet-stream", "text/html; charset=utf-8", "a/b");
    }

    static String boundary(Gen g) {
        return g.stringOf(ALNUM, 1, 40);
    }

    static Request request(Gen g) {
        long length = length(g);
        int n = g.oneIn(10) ? g.intIn(1, 120) : g.intIn(1, 8);
        return new Request(length, g.listOf(n, n, () -> spec(g, length)), policy(g), contentType(g), boundary(g));
    }

    static Request smallRequest(Gen g) {
        long length = g.longIn(1, 4000);
        int n = g.oneIn(10) ? g.intIn(1, 80) : g.intIn(1, 10);
        List<RangeSpec> specs = g.listOf(n, n, () -> spec(g, length));
        return new Request(length, specs, g.oneIn(4) ? policy(g) : RangePolicy.DEFAULT, contentType(g),
                g.stringOf(ALNUM, 24, 40));
    }

    // ---- helpers ----

    static List<ByteRange> satisfiable(Request r) {
        List<ByteRange> out = new ArrayList<>();
        for (RangeSpec s : r.specs()) {
            s.resolve(r.length()).ifPresent(out::add);
        }
        return out;
    }

    static List<ByteRange> selected(RangeSelection s) {
        if (s instanceof RangeSelection.Single single) {
            return List.of(single.range());
        }
        if (s instanceof RangeSelection.Multipart multi) {
            List<ByteRange> out = new ArrayList<>();
            for (MultipartLayout.Part p : multi.layout().parts()) {
                out.add(p.range());
            }
            return out;
        }
        return List.of();
    }

    static RangeSelection select(Request r) {
        return new RangeSelector(r.policy()).select(r.specs(), r.length(), r.contentType(), r.boundarySupplier());
    }

    /** How many ranges, in order of position, share a byte with some range before them (quadratic, plain). */
    static int overlapCount(List<ByteRange> ranges) {
        List<ByteRange> sorted = new ArrayList<>(ranges);
        sorted.sort(null);
        int count = 0;
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (sorted.get(j).last() >= sorted.get(i).first()) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    /**
     * Whether a request is over a limit of its policy, computed without the code under test's arithmetic: the
     * body length is summed exactly, as a BigInteger.
     */
    static boolean overLimit(Request r, List<ByteRange> satisfiable) {
        if (overlapCount(satisfiable) > r.policy().maxOverlaps()) {
            return true;
        }
        long overhead = MultipartLayout.partOverhead(r.boundary(), r.contentType(), r.length());
        List<ByteRange> parts = RangeSelector.coalesce(satisfiable, overhead);
        if (parts.size() == 1) {
            return false;
        }
        if (parts.size() > r.policy().maxParts()) {
            return true;
        }
        BigInteger body = BigInteger.ZERO;
        for (int i = 0; i < parts.size(); i++) {
            ByteRange p = parts.get(i);
            String header = (i == 0 ? "" : "\r\n") + "--" + r.boundary() + "\r\nContent-Type: " + r.contentType()
                    + "\r\nContent-Range: bytes " + p.first() + "-" + p.last() + "/" + r.length() + "\r\n\r\n";
            body = body.add(BigInteger.valueOf(header.length())).add(BigInteger.valueOf(p.length()));
        }
        body = body.add(BigInteger.valueOf(("\r\n--" + r.boundary() + "--\r\n").length()));
        return body.compareTo(LONG_MAX) > 0
                || body.compareTo(BigInteger.valueOf(r.length()).add(BigInteger.valueOf(r.policy().slackBytes()))) > 0;
    }

    // ---- properties ----

    @Test
    void everySelectedRangeLiesWithinTheRepresentation() {
        Props.forAll(Props.TRIES, RangePropertyTest::request, r -> {
            RangeSelection s = select(r);
            List<ByteRange> satisfiable = satisfiable(r);
            for (ByteRange b : satisfiable) {
                assertThat(b.first()).isBetween(0L, r.length() - 1);
                assertThat(b.last()).isBetween(b.first(), r.length() - 1);
            }
            if (r.length() == 0) {
                assertThat(s).isEqualTo(new RangeSelection.Whole(RangeSelection.WholeReason.EMPTY_REPRESENTATION));
                return;
            }
            assertThat(s instanceof RangeSelection.Unsatisfiable).isEqualTo(satisfiable.isEmpty());
            for (ByteRange b : selected(s)) {
                assertThat(b.first()).isBetween(0L, r.length() - 1);
                assertThat(b.last()).isBetween(b.first(), r.length() - 1);
            }
            if (s instanceof RangeSelection.Whole whole) {
                assertThat(whole.reason()).isEqualTo(RangeSelection.WholeReason.ABUSE_GUARD);
                assertThat(satisfiable).hasSizeGreaterThan(1);
                assertThat(overLimit(r, satisfiable)).as("some limit of %s is exceeded", r.policy()).isTrue();
            } else if (satisfiable.size() > 1) {
                assertThat(overLimit(r, satisfiable)).as("no limit of %s is exceeded", r.policy()).isFalse();
            }
            if (s instanceof RangeSelection.Multipart m) {
                MultipartLayout layout = m.layout();
                assertThat(layout.parts()).hasSizeBetween(2, r.policy().maxParts());
                assertThat(layout.contentLength()).isPositive();
                assertThat(BigInteger.valueOf(layout.contentLength()))
                        .isLessThanOrEqualTo(BigInteger.valueOf(r.length()).add(BigInteger.valueOf(r.policy()
                                .slackBytes())));
                assertThat(overlapCount(satisfiable)).isLessThanOrEqualTo(r.policy().maxOverlaps());
            }
        });
    }

    @Test
    void multipartPartsNeverOverlapAndAreApartByAtLeastTheOverhead() {
        Props.forAll(Props.TRIES, RangePropertyTest::request, r -> {
            if (!(select(r) instanceof RangeSelection.Multipart m)) {
                return;
            }
            long overhead = MultipartLayout.partOverhead(r.boundary(), r.contentType(), r.length());
            List<ByteRange> parts = new ArrayList<>(selected(m));
            parts.sort(null);
            for (int i = 1; i < parts.size(); i++) {
                assertThat(parts.get(i - 1).gapTo(parts.get(i))).isGreaterThanOrEqualTo(overhead);
            }
        });
    }

    @Test
    void multipartBodyIsContentLengthBytesAndParsesBackToTheRequestedBytes() {
        Props.forAll(Props.TRIES, RangePropertyTest::smallRequest, r -> {
            if (!(select(r) instanceof RangeSelection.Multipart m)) {
                return;
            }
            MultipartLayout layout = m.layout();
            byte[] data = new byte[(int) r.length()];
            new java.util.Random(r.length() * 31 + r.boundary().hashCode()).nextBytes(data);

            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (MultipartLayout.Part part : layout.parts()) {
                body.writeBytes(part.header());
                body.write(data, (int) part.range().first(), (int) part.range().length());
            }
            body.writeBytes(layout.trailer());
            byte[] bytes = body.toByteArray();
            assertThat(layout.contentLength()).isEqualTo(bytes.length);

            assertThat(layout.contentType()).isEqualTo("multipart/byteranges; boundary=" + r.boundary());
            List<ParsedPart> parsed = parseByteranges(bytes, r.boundary());
            assertThat(parsed).hasSameSizeAs(layout.parts());
            Pattern contentRange = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
            for (int i = 0; i < parsed.size(); i++) {
                ParsedPart p = parsed.get(i);
                assertThat(p.headers()).containsOnlyKeys("content-type", "content-range");
                assertThat(p.headers().get("content-type")).isEqualTo(r.contentType());
                Matcher cr = contentRange.matcher(p.headers().get("content-range"));
                assertThat(cr.matches()).as("Content-Range: %s", p.headers().get("content-range")).isTrue();
                int first = Integer.parseInt(cr.group(1));
                int last = Integer.parseInt(cr.group(2));
                assertThat(Long.parseLong(cr.group(3))).isEqualTo(r.length());
                assertThat(new ByteRange(first, last)).isEqualTo(layout.parts().get(i).range());
                assertThat(p.content()).isEqualTo(Arrays.copyOfRange(data, first, last + 1));
            }
        });
    }

    @Test
    void coalescingCoversExactlyTheUnionPlusGapsSmallerThanTheOverhead() {
        Props.forAll(Props.TRIES, g -> {
            int universe = g.intIn(1, 400);
            List<ByteRange> ranges = g.listOf(1, 12, () -> {
                long first = g.longIn(0, universe - 1);
                long maxLength = universe - first;
                long len = g.pick(1L, g.longIn(1, Math.min(5, maxLength)), g.longIn(1, Math.min(50, maxLength)),
                        g.longIn(1, maxLength));
                return ByteRange.ofLength(first, len);
            });
            long maxGap = g.pick(0L, 1L, 2L, g.longIn(0, 100));
            return new CoalesceCase(universe, ranges, maxGap);
        }, c -> assertCoalesced(c.universe(), c.ranges(), c.maxGap(),
                RangeSelector.coalesce(c.ranges(), c.maxGap())));
    }

    @Test
    void selectionCoversExactlyTheRequestedBytesPlusGapsSmallerThanTheOverhead() {
        Props.forAll(Props.TRIES, RangePropertyTest::smallRequest, r -> {
            RangeSelection s = select(r);
            List<ByteRange> satisfiable = satisfiable(r);
            if (s instanceof RangeSelection.Whole || s instanceof RangeSelection.Unsatisfiable) {
                return;
            }
            long overhead = MultipartLayout.partOverhead(r.boundary(), r.contentType(), r.length());
            assertCoalesced((int) r.length(), satisfiable, satisfiable.size() == 1 ? 0 : overhead, selected(s));
        });
    }

    record CoalesceCase(int universe, List<ByteRange> ranges, long maxGap) {
    }

    /** The coalesced parts cover the requested bytes and only the gaps shorter than maxGap, in request order. */
    static void assertCoalesced(int universe, List<ByteRange> requested, long maxGap, List<ByteRange> parts) {
        boolean[] wanted = new boolean[universe];
        for (ByteRange r : requested) {
            for (long x = r.first(); x <= r.last(); x++) {
                wanted[(int) x] = true;
            }
        }
        boolean[] expected = wanted.clone();
        int lastWanted = -1;
        for (int x = 0; x < universe; x++) {
            if (wanted[x]) {
                int gap = x - lastWanted - 1;
                if (lastWanted >= 0 && gap > 0 && gap < maxGap) {
                    Arrays.fill(expected, lastWanted + 1, x, true);
                }
                lastWanted = x;
            }
        }
        int[] coverage = new int[universe];
        for (ByteRange p : parts) {
            assertThat(wanted[(int) p.first()]).as("part %s starts on a requested byte", p).isTrue();
            assertThat(wanted[(int) p.last()]).as("part %s ends on a requested byte", p).isTrue();
            for (long x = p.first(); x <= p.last(); x++) {
                coverage[(int) x]++;
            }
        }
        for (int x = 0; x < universe; x++) {
            assertThat(coverage[x]).as("times byte %d is sent", x).isEqualTo(expected[x] ? 1 : 0);
        }
        List<ByteRange> sorted = new ArrayList<>(parts);
        sorted.sort(null);
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i - 1).gapTo(sorted.get(i))).isGreaterThanOrEqualTo(maxGap);
        }
        // every requested range lies in one part; parts keep the request order of their earliest member
        int previousOrder = -1;
        for (ByteRange p : parts) {
            int order = Integer.MAX_VALUE;
            for (int i = 0; i < requested.size(); i++) {
                ByteRange r = requested.get(i);
                if (r.first() >= p.first() && r.last() <= p.last()) {
                    order = Math.min(order, i);
                }
            }
            assertThat(order).as("part %s holds a requested range", p).isLessThan(Integer.MAX_VALUE);
            assertThat(order).as("request order of part %s", p).isGreaterThan(previousOrder);
            previousOrder = order;
        }
        for (ByteRange r : requested) {
            assertThat(parts).filteredOn(p -> r.first() >= p.first() && r.last() <= p.last()).hasSize(1);
        }
    }

    @Test
    void parsingAndSelectingNeverThrowForAnyString() {
        Props.forAll(5 * Props.TRIES, g -> g.oneIn(3) ? g.anyString(40) : rangeLike(g), header -> {
            Optional<List<RangeSpec>> parsed = RangeHeader.parse(header);
            if (parsed.isEmpty()) {
                return;
            }
            assertThat(parsed.get()).isNotEmpty();
            for (RangeSpec spec : parsed.get()) {
                if (spec instanceof RangeSpec.FromTo ft) {
                    assertThat(ft.first()).isNotNegative();
                    assertThat(ft.last()).isGreaterThanOrEqualTo(ft.first());
                } else {
                    assertThat(((RangeSpec.Suffix) spec).suffixLength()).isNotNegative();
                }
            }
            RangeSelector selector = new RangeSelector(RangePolicy.DEFAULT);
            for (long length : new long[] {0, 1, 100, 1_000_000, Long.MAX_VALUE - 4096, Long.MAX_VALUE}) {
                RangeSelection s = selector.select(parsed.get(), length, "text/plain", () -> "b");
                for (ByteRange b : selected(s)) {
                    assertThat(b.last()).isLessThan(length);
                }
                if (s instanceof RangeSelection.Multipart m) {
                    assertThat(m.layout().contentLength()).isPositive();
                }
            }
        });
    }

    static String rangeLike(Gen g) {
        String unit = g.pick("bytes=", "bytes=", "bytes=", "BYTES=", "Bytes =", " bytes=", "bytes", "items=", "");
        List<String> elements = g.listOf(0, 6, () -> switch (g.intIn(0, 6)) {
            case 0 -> g.digits(1, 25) + "-" + g.digits(1, 25);
            case 1 -> g.digits(1, 25) + "-";
            case 2 -> "-" + g.digits(1, 25);
            case 3 -> g.stringOf("0123456789-, \t+", 0, 10);
            case 4 -> g.anyString(5);
            case 5 -> g.pick("", " ", "\t", "-", "--");
            default -> g.digits(1, 3) + "-" + g.digits(1, 3);
        });
        return unit + String.join(g.pick(",", ", ", " ,", ",,", "\t,"), elements);
    }

    @Test
    void numbersAreReadAsTheirExactDecimalValue() {
        Props.forAll(Props.TRIES, g -> new String[] {g.digits(1, g.oneIn(2) ? 4 : 30), g.digits(1, g.oneIn(2) ? 4 : 30)},
                ab -> {
                    BigInteger a = new BigInteger(ab[0]);
                    BigInteger b = new BigInteger(ab[1]);
                    Optional<List<RangeSpec>> firstLast = RangeHeader.parse("bytes=" + ab[0] + "-" + ab[1]);
                    if (b.compareTo(a) < 0) {
                        assertThat(firstLast).isEmpty();
                    } else {
                        assertThat(firstLast).contains(List.of(new RangeSpec.FromTo(saturate(a), saturate(b))));
                    }
                    assertThat(RangeHeader.parse("bytes=" + ab[0] + "-"))
                            .contains(List.of(RangeSpec.FromTo.from(saturate(a))));
                    assertThat(RangeHeader.parse("bytes=-" + ab[1]))
                            .contains(List.of(new RangeSpec.Suffix(saturate(b))));
                });
    }

    private static long saturate(BigInteger v) {
        return v.min(LONG_MAX).longValueExact();
    }

    // ---- a multipart/byteranges reader, independent of MultipartLayout ----

    record ParsedPart(Map<String, String> headers, byte[] content) {
    }

    static List<ParsedPart> parseByteranges(byte[] body, String boundary) {
        byte[] dashBoundary = ascii("--" + boundary);
        byte[] delimiter = ascii("\r\n--" + boundary);
        assertThat(startsWith(body, 0, dashBoundary)).as("body starts with the first boundary").isTrue();
        int pos = dashBoundary.length;
        List<ParsedPart> parts = new ArrayList<>();
        while (true) {
            if (startsWith(body, pos, ascii("--"))) {
                assertThat(startsWith(body, pos + 2, ascii("\r\n"))).as("CRLF after the close delimiter").isTrue();
                assertThat(pos + 4).as("nothing after the close delimiter").isEqualTo(body.length);
                return parts;
            }
            assertThat(startsWith(body, pos, ascii("\r\n"))).as("CRLF after a boundary at %d", pos).isTrue();
            pos += 2;
            int headersEnd = indexOf(body, ascii("\r\n\r\n"), pos);
            assertThat(headersEnd).as("end of part headers").isNotNegative();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : new String(body, pos, headersEnd - pos, StandardCharsets.US_ASCII).split("\r\n")) {
                int colon = line.indexOf(':');
                assertThat(colon).as("header line %s", line).isPositive();
                headers.put(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT),
                        line.substring(colon + 1).strip());
            }
            int contentStart = headersEnd + 4;
            int next = indexOf(body, delimiter, contentStart);
            assertThat(next).as("delimiter after the part at %d", contentStart).isNotNegative();
            parts.add(new ParsedPart(headers, Arrays.copyOfRange(body, contentStart, next)));
            pos = next + delimiter.length;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix) {
        if (at < 0 || at + prefix.length > body.length) {
            return false;
        }
        return Arrays.equals(body, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] body, byte[] needle, int from) {
        for (int i = from; i + needle.length <= body.length; i++) {
            if (startsWith(body, i, needle)) {
                return i;
            }
        }
        return -1;
    }
}
