package dev.carryon.server.interop;

import dev.carryon.core.conditional.HttpDate;
import dev.carryon.server.testing.Multipart;
import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import dev.carryon.server.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asks carryon and nginx the same questions about the same files and compares the answers.
 *
 * <p>Every {@link Case} states the answer RFC 9110 (with carryon's range and precondition policy where the RFC
 * leaves a choice) calls for, which carryon must give exactly, and whether nginx gives the same answer
 * ({@link Verdict#SAME}) or a different one ({@link Verdict#DIFFERS}). A difference is asserted to still be a
 * difference, so that docs/nginx-differences.md, whose table lists exactly the DIFFERS cases (checked by
 * {@link #theDocumentListsExactlyTheDifferences}), never goes stale.
 *
 * <p>What is compared, by default: status, Content-Range, Content-Length and the body bytes; for a multipart
 * answer each part's Content-Range and bytes (the boundary and so the Content-Length are each server's own);
 * for an error status (4xx) only status and Content-Range, since the body is each server's explanation (that
 * difference is its own case, {@code error-body-*}). Entity tags differ by construction, so a request that
 * names one ({ETAG}) names each server's own.
 */
class NginxDifferentialTest {

    static final String SMALL = "/small.txt";
    static final String RANDOM = "/random.bin";
    static final String EMPTY = "/empty.bin";

    static final byte[] SMALL_BYTES =
            "hello, world\nthis is a small text file for range tests.\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] RANDOM_BYTES = TestFiles.random(1 << 20, 42);
    static final byte[] EMPTY_BYTES = new byte[0];

    static final String FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT";

    static TestServer carryon;
    static Nginx nginx;
    /** Placeholder values: the same for both servers ({LM}...) or each server's own ({ETAG}). */
    static Map<String, String> common;
    static Map<String, String> carryonEtags;
    static Map<String, String> nginxEtags;

    @BeforeAll
    static void start() {
        carryon = TestServer.start();
        TestFiles.aged(carryon.file(SMALL.substring(1), SMALL_BYTES));
        TestFiles.aged(carryon.file(RANDOM.substring(1), RANDOM_BYTES));
        TestFiles.aged(carryon.file(EMPTY.substring(1), EMPTY_BYTES));
        carryonEtags = etags(carryon.port());
        // Without nginx the comparisons are skipped (each says so); the document check still runs.
        if (Tools.find("nginx").isPresent()) {
            nginx = Nginx.serve(carryon.root());
            nginxEtags = etags(nginx.port());
        }
        String lastModified = exchange(carryon.port(), "HEAD", SMALL, List.of()).header("Last-Modified");
        Instant lm = HttpDate.parse(lastModified, Instant.now()).orElseThrow();
        common = new LinkedHashMap<>();
        common.put("{LM}", lastModified);
        common.put("{LM_RFC850}", DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US)
                .withZone(ZoneOffset.UTC).format(lm));
        common.put("{LM_ASCTIME}", DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
                .withZone(ZoneOffset.UTC).format(lm));
        // Not an HTTP-date: rfc850-date has the full day name (RFC 9110 section 5.6.7).
        common.put("{LM_RFC850_SHORT_DAY}", DateTimeFormatter.ofPattern("EEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US)
                .withZone(ZoneOffset.UTC).format(lm));
        common.put("{LM_LOWERCASE_GMT}", lastModified.replace("GMT", "gmt"));
        common.put("{LM_PLUS_1S}", HttpDate.format(lm.plusSeconds(1)));
        common.put("{LM_PLUS_30M}", HttpDate.format(lm.plusSeconds(1800))); // still in the past: the file is 1 h old
        common.put("{LM_MINUS_1D}", HttpDate.format(lm.minusSeconds(86400)));
    }

    @AfterAll
    static void stop() {
        try {
            if (nginx != null) {
                nginx.close();
            }
        } finally {
            if (carryon != null) {
                carryon.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The cases
    // ---------------------------------------------------------------------------------------------------------

    enum Verdict { SAME, DIFFERS }

    /**
     * @param expected what carryon must answer (in the terms of {@code view})
     * @param view     what of a response is compared
     */
    record Case(String id, Verdict verdict, String method, String path, List<String> headers,
                Supplier<Object> expected, View view) {
        @Override
        public String toString() {
            return id + (verdict == Verdict.DIFFERS ? " (differs from nginx)" : "");
        }
    }

    static Case same(String id, String method, String path, List<String> headers, Supplier<Object> expected) {
        return new Case(id, Verdict.SAME, method, path, headers, expected, View.ANSWER);
    }

    static Case differs(String id, String method, String path, List<String> headers,
                        Supplier<Object> expected) {
        return new Case(id, Verdict.DIFFERS, method, path, headers, expected, View.ANSWER);
    }

    static List<String> h(String... headers) {
        return List.of(headers);
    }

    static List<Case> cases() {
        final String get = "GET";
        final String head = "HEAD";
        final String s = SMALL;
        final String r = RANDOM;
        final String e = EMPTY;
        final int sl = SMALL_BYTES.length; // 56
        final int rl = RANDOM_BYTES.length;
        List<Case> c = new ArrayList<>();

        // --- Plain requests: the baseline both must share.
        c.add(same("get-small", get, s, h(), () -> whole(s)));
        c.add(same("get-random", get, r, h(), () -> whole(r)));
        c.add(same("get-empty", get, e, h(), () -> whole(e)));
        c.add(same("head-small", head, s, h(), () -> headWhole(s)));

        // --- Single ranges (RFC 9110 14.1.2, 14.4, 15.3.7.1).
        c.add(same("range-single", get, s, h("Range: bytes=0-4"), () -> partial(s, 0, 4)));
        c.add(same("range-open", get, s, h("Range: bytes=5-"), () -> partial(s, 5, sl - 1)));
        c.add(same("range-suffix", get, s, h("Range: bytes=-5"), () -> partial(s, sl - 5, sl - 1)));
        c.add(same("range-suffix-exact-length", get, s, h("Range: bytes=-" + sl), () -> partial(s, 0, sl - 1)));
        c.add(same("range-suffix-longer-than-file", get, s, h("Range: bytes=-100"), () -> partial(s, 0, sl - 1)));
        c.add(same("range-last-beyond-end", get, s, h("Range: bytes=50-1000"), () -> partial(s, 50, sl - 1)));
        c.add(same("range-last-byte", get, s, h("Range: bytes=" + (sl - 1) + "-" + (sl - 1)),
                () -> partial(s, sl - 1, sl - 1)));
        c.add(same("range-large", get, r, h("Range: bytes=524288-589823"), () -> partial(r, 524288, 589823)));
        c.add(same("range-unit-case-insensitive", get, s, h("Range: BYTES=0-4"), () -> partial(s, 0, 4)));
        c.add(same("range-leading-zeros", get, s, h("Range: bytes=00-04"), () -> partial(s, 0, 4)));
        c.add(same("range-space-after-equals", get, s, h("Range: bytes= 0-4"), () -> partial(s, 0, 4)));
        // Two Range field lines that do not overlap: the first is answered, as nginx does
        // (docs/nginx-differences.md says why).
        c.add(same("range-repeated-field", get, s, h("Range: bytes=0-4", "Range: bytes=10-14"), () -> partial(s, 0, 4)));
        c.add(same("range-unsatisfiable-dropped", get, s, h("Range: bytes=0-4,100-200"), () -> partial(s, 0, 4)));
        c.add(same("range-unsatisfiable-dropped-first", get, s, h("Range: bytes=100-200,0-4"),
                () -> partial(s, 0, 4)));
        c.add(same("range-one-satisfiable-of-two", get, r, h("Range: bytes=0-99,2000000-"),
                () -> partial(r, 0, 99)));

        // --- Unsatisfiable (14.1.1, 15.5.17) and ignored (14.2) ranges.
        c.add(same("range-first-at-length", get, s, h("Range: bytes=" + sl + "-"), () -> unsatisfiable(s)));
        c.add(same("range-unsatisfiable", get, s, h("Range: bytes=100-200"), () -> unsatisfiable(s)));
        c.add(same("range-suffix-zero", get, s, h("Range: bytes=-0"), () -> unsatisfiable(s)));
        c.add(same("range-first-pos-overflow", get, s, h("Range: bytes=99999999999999999999-"),
                () -> unsatisfiable(s)));
        c.add(same("range-unknown-unit", get, s, h("Range: items=0-4"), () -> whole(s)));
        c.add(same("range-empty-set", get, s, h("Range: bytes="), () -> whole(s)));

        // --- Several ranges (14.6, 15.3.7.2).
        c.add(same("multi-two", get, r, h("Range: bytes=0-99,1000-1099"),
                () -> multipart(r, 0, 99, 1000, 1099)));
        c.add(same("multi-request-order", get, r, h("Range: bytes=1000-1099,0-99"),
                () -> multipart(r, 1000, 1099, 0, 99)));
        c.add(same("multi-first-and-last-byte", get, r, h("Range: bytes=0-0,-1"),
                () -> multipart(r, 0, 0, rl - 1, rl - 1)));
        c.add(same("multi-space-around-comma", get, r, h("Range: bytes=0-4 , 1000-1004"),
                () -> multipart(r, 0, 4, 1000, 1004)));

        // --- A zero-length file ignores Range (14.2: a server MAY ignore Range on a representation with no content).
        c.add(same("empty-file-range", get, e, h("Range: bytes=0-4"), () -> whole(e)));
        c.add(same("empty-file-suffix", get, e, h("Range: bytes=-5"), () -> whole(e)));
        c.add(same("empty-file-multi", get, e, h("Range: bytes=0-0,-1"), () -> whole(e)));

        // --- If-None-Match (13.1.2), If-Match (13.1.1).
        c.add(same("inm-own-etag", get, s, h("If-None-Match: {ETAG}"), () -> notModified()));
        c.add(same("inm-other-etag", get, s, h("If-None-Match: \"xyz\""), () -> whole(s)));
        c.add(same("inm-list-with-own", get, s, h("If-None-Match: \"xyz\", {ETAG}"), () -> notModified()));
        c.add(same("inm-list-weak-and-own", get, s, h("If-None-Match: W/\"xyz\", {ETAG}"), () -> notModified()));
        c.add(same("inm-comma-inside-tag", get, s, h("If-None-Match: \"a,b\", {ETAG}"), () -> notModified()));
        c.add(same("inm-star", get, s, h("If-None-Match: *"), () -> notModified()));
        c.add(same("inm-weak-form-of-own", get, s, h("If-None-Match: W/{ETAG}"), () -> notModified()));
        c.add(same("inm-empty-file", get, e, h("If-None-Match: \"xyz\""), () -> whole(e)));
        c.add(same("inm-other-with-ims-equal", get, s, h("If-None-Match: \"xyz\"", "If-Modified-Since: {LM}"),
                () -> whole(s)));
        c.add(same("im-wrong-etag", get, s, h("If-Match: \"xyz\""), () -> preconditionFailed()));
        c.add(same("im-own-etag", get, s, h("If-Match: {ETAG}"), () -> whole(s)));
        c.add(same("im-star", get, s, h("If-Match: *"), () -> whole(s)));
        c.add(same("im-list-with-own", get, s, h("If-Match: \"xyz\", {ETAG}"), () -> whole(s)));
        c.add(same("im-comma-inside-tag", get, s, h("If-Match: \"a,b\", {ETAG}"), () -> whole(s)));
        c.add(same("im-weak-form-of-own", get, s, h("If-Match: W/{ETAG}"), () -> preconditionFailed()));

        // --- If-Modified-Since (13.1.3), If-Unmodified-Since (13.1.4).
        c.add(same("ims-equal", get, s, h("If-Modified-Since: {LM}"), () -> notModified()));
        c.add(same("ims-older", get, s, h("If-Modified-Since: {LM_MINUS_1D}"), () -> whole(s)));
        c.add(same("ims-invalid", get, s, h("If-Modified-Since: yesterday"), () -> whole(s)));
        c.add(same("ims-rfc850-date", get, s, h("If-Modified-Since: {LM_RFC850}"), () -> notModified()));
        c.add(same("ims-asctime-date", get, s, h("If-Modified-Since: {LM_ASCTIME}"), () -> notModified()));
        c.add(same("ius-equal", get, s, h("If-Unmodified-Since: {LM}"), () -> whole(s)));
        c.add(same("ius-older", get, s, h("If-Unmodified-Since: {LM_MINUS_1D}"), () -> preconditionFailed()));
        c.add(same("ius-newer", get, s, h("If-Unmodified-Since: {LM_PLUS_30M}"), () -> whole(s)));
        c.add(same("ius-future", get, s, h("If-Unmodified-Since: " + FUTURE), () -> whole(s)));

        // --- If-Range (13.1.5, 13.2.2 step 5).
        c.add(same("if-range-own-etag", get, s, h("Range: bytes=0-4", "If-Range: {ETAG}"), () -> partial(s, 0, 4)));
        c.add(same("if-range-wrong-etag", get, s, h("Range: bytes=0-4", "If-Range: \"xyz\""), () -> whole(s)));
        c.add(same("if-range-weak-form-of-own", get, s, h("Range: bytes=0-4", "If-Range: W/{ETAG}"),
                () -> whole(s)));
        c.add(same("if-range-two-tags", get, s, h("Range: bytes=0-4", "If-Range: {ETAG}, \"xyz\""),
                () -> whole(s)));
        c.add(same("if-range-last-modified", get, s, h("Range: bytes=0-4", "If-Range: {LM}"),
                () -> partial(s, 0, 4)));
        c.add(same("if-range-last-modified-rfc850", get, s, h("Range: bytes=0-4", "If-Range: {LM_RFC850}"),
                () -> partial(s, 0, 4)));
        c.add(same("if-range-older-date", get, s, h("Range: bytes=0-4", "If-Range: {LM_MINUS_1D}"),
                () -> whole(s)));
        c.add(same("if-range-newer-date", get, s, h("Range: bytes=0-4", "If-Range: {LM_PLUS_1S}"),
                () -> whole(s)));
        c.add(same("if-range-future-date", get, s, h("Range: bytes=0-4", "If-Range: " + FUTURE), () -> whole(s)));
        c.add(same("if-range-invalid-date", get, s, h("Range: bytes=0-4", "If-Range: yesterday"),
                () -> whole(s)));
        c.add(same("if-range-without-range", get, s, h("If-Range: {ETAG}"), () -> whole(s)));
        c.add(same("if-range-false-unsatisfiable", get, s, h("Range: bytes=100-", "If-Range: \"xyz\""),
                () -> whole(s)));

        // --- Preconditions come before Range (13.2.2).
        c.add(same("range-inm-own", get, s, h("Range: bytes=100-", "If-None-Match: {ETAG}"), () -> notModified()));
        c.add(same("range-inm-other", get, s, h("Range: bytes=0-4", "If-None-Match: \"xyz\""),
                () -> partial(s, 0, 4)));
        c.add(same("range-im-wrong", get, s, h("Range: bytes=100-", "If-Match: \"xyz\""),
                () -> preconditionFailed()));
        c.add(same("range-im-own", get, s, h("Range: bytes=0-4", "If-Match: {ETAG}"), () -> partial(s, 0, 4)));
        c.add(same("range-ims-equal", get, s, h("Range: bytes=0-4", "If-Modified-Since: {LM}"),
                () -> notModified()));
        c.add(same("head-inm-own", head, s, h("If-None-Match: {ETAG}"), () -> notModified()));
        c.add(same("head-im-wrong", head, s, h("If-Match: \"xyz\""), () -> preconditionFailed()));

        // ===== Where carryon deliberately answers differently (docs/nginx-differences.md) =====

        // Invalid Range headers: carryon ignores them (200), nginx rejects them with 416.
        c.add(differs("range-last-before-first", get, s, h("Range: bytes=5-3"), () -> whole(s)));
        c.add(differs("range-syntax-error", get, s, h("Range: bytes=abc"), () -> whole(s)));
        c.add(differs("range-one-bad-element", get, s, h("Range: bytes=0-4,-5-"), () -> whole(s)));
        c.add(differs("empty-file-invalid-range", get, e, h("Range: bytes=5-3"), () -> whole(e)));
        // List syntax (5.6.1): empty elements and HTAB as whitespace must be accepted.
        c.add(differs("range-empty-element", get, r, h("Range: bytes=0-4,,1000-1004"),
                () -> multipart(r, 0, 4, 1000, 1004)));
        c.add(differs("range-leading-comma", get, s, h("Range: bytes=,0-4"), () -> partial(s, 0, 4)));
        c.add(differs("range-trailing-comma", get, s, h("Range: bytes=0-4,"), () -> partial(s, 0, 4)));
        c.add(differs("range-tab-after-comma", get, r, h("Range: bytes=0-4,\t1000-1004"),
                () -> multipart(r, 0, 4, 1000, 1004)));
        // Whitespace where the grammar has none: each server is lenient in a different place.
        c.add(differs("range-space-around-equals", get, s, h("Range: bytes = 0-4"), () -> partial(s, 0, 4)));
        c.add(differs("range-space-inside-spec", get, s, h("Range: bytes=0 -4"), () -> whole(s)));
        // Huge numbers (14.1.1, 14.1.2): clamp, never overflow.
        c.add(differs("range-last-pos-overflow", get, s, h("Range: bytes=0-99999999999999999999"),
                () -> partial(s, 0, sl - 1)));
        c.add(differs("range-suffix-overflow", get, s, h("Range: bytes=-99999999999999999999"),
                () -> partial(s, 0, sl - 1)));
        // Two Range field lines that overlap (wget2 -c --chunk-size): what both allow, where nginx takes the first.
        c.add(differs("range-repeated-field-overlapping", get, s, h("Range: bytes=10-", "Range: bytes=10-14"),
                () -> partial(s, 10, 14)));
        // Range applies to GET only (14.2).
        c.add(differs("head-range", head, s, h("Range: bytes=0-4"), () -> headWhole(s)));
        c.add(differs("head-range-unsatisfiable", head, s, h("Range: bytes=100-200"), () -> headWhole(s)));
        c.add(differs("head-range-multi", head, r, h("Range: bytes=0-0,2-2"), () -> headWhole(r)));
        // Coalescing (15.3.7.2) and the abuse guard (14.2, 17.15).
        c.add(differs("coalesce-small-gap", get, r, h("Range: bytes=0-9,20-29"), () -> partial(r, 0, 29)));
        c.add(differs("coalesce-overlap", get, r, h("Range: bytes=0-999,500-1499"), () -> partial(r, 0, 1499)));
        c.add(differs("coalesce-duplicate", get, r, h("Range: bytes=0-99,0-99"), () -> partial(r, 0, 99)));
        c.add(differs("coalesce-first-and-last-byte", get, s, h("Range: bytes=0-0,-1"), () -> partial(s, 0, sl - 1)));
        c.add(differs("coalesce-adjacent", get, s, h("Range: bytes=1-2,3-4,5-6"), () -> partial(s, 1, 6)));
        c.add(differs("coalesce-whole-file", get, r, h("Range: bytes=0-,1000-"), () -> partial(r, 0, rl - 1)));
        c.add(differs("guard-overlapping-ranges", get, r, h("Range: bytes=0-99,50-149,100-199,150-249"),
                () -> whole(r)));
        // Entity-tag lists (13.1.1, 13.1.2, 5.3).
        c.add(differs("im-invalid-list", get, s, h("If-Match: {ETAG}, garbage"), () -> preconditionFailed()));
        c.add(differs("inm-invalid-list", get, s, h("If-None-Match: {ETAG}, garbage"), () -> whole(s)));
        c.add(differs("im-repeated-field", get, s, h("If-Match: \"xyz\"", "If-Match: {ETAG}"), () -> whole(s)));
        c.add(differs("inm-repeated-field", get, s, h("If-None-Match: \"xyz\"", "If-None-Match: {ETAG}"),
                () -> notModified()));
        // Precedence of the preconditions (13.2.2, 13.1.3, 13.1.4).
        c.add(differs("inm-overrides-ims", get, s, h("If-None-Match: {ETAG}", "If-Modified-Since: {LM_MINUS_1D}"),
                () -> notModified()));
        c.add(differs("im-overrides-ius", get, s, h("If-Match: {ETAG}", "If-Unmodified-Since: {LM_MINUS_1D}"),
                () -> whole(s)));
        // Dates (13.1.3, 13.1.4, 5.6.7).
        c.add(differs("ims-newer", get, s, h("If-Modified-Since: {LM_PLUS_30M}"), () -> notModified()));
        c.add(differs("ims-future", get, s, h("If-Modified-Since: " + FUTURE), () -> notModified()));
        c.add(differs("ims-lowercase-gmt", get, s, h("If-Modified-Since: {LM_LOWERCASE_GMT}"), () -> whole(s)));
        c.add(differs("ims-rfc850-short-day", get, s, h("If-Modified-Since: {LM_RFC850_SHORT_DAY}"), () -> whole(s)));
        c.add(differs("ims-two-dates", get, s, h("If-Modified-Since: {LM}, {LM}"), () -> whole(s)));
        c.add(differs("ius-invalid", get, s, h("If-Unmodified-Since: yesterday"), () -> whole(s)));
        // What a 304 carries (15.4.5) and what an error body says (15.5).
        c.add(new Case("not-modified-fields", Verdict.DIFFERS, get, s, h("If-None-Match: {ETAG}"),
                () -> List.of(304, "ETag", "Date"), View.NOT_MODIFIED_FIELDS));
        c.add(new Case("error-body-412", Verdict.DIFFERS, get, s, h("If-Match: \"xyz\""),
                () -> List.of(412, "text/plain", "412 Precondition Failed"), View.ERROR_BODY));
        c.add(new Case("error-body-416", Verdict.DIFFERS, get, s, h("Range: bytes=100-200"),
                () -> List.of(416, "text/plain", "416 Requested Range Not Satisfiable"), View.ERROR_BODY));
        return c;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The tests
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameQuestion(Case c) {
        Tools.require("nginx");
        RawHttp.Response fromCarryon = exchange(carryon.port(), c.method(), c.path(), resolve(c, carryonEtags));
        RawHttp.Response fromNginx = exchange(nginx.port(), c.method(), c.path(), resolve(c, nginxEtags));
        Object carryonView = c.view().of(fromCarryon, c.method().equals("HEAD"));
        Object nginxView = c.view().of(fromNginx, c.method().equals("HEAD"));
        String request = c.method() + " " + c.path() + " " + c.headers();

        assertThat(fromCarryon.complete()).as("carryon sent the whole body it announced").isTrue();
        assertThat(carryonView)
                .as("carryon's answer to %s (nginx answered %s)", request, nginxView)
                .isEqualTo(c.expected().get());
        if (c.verdict() == Verdict.SAME) {
            assertThat(nginxView).as("nginx's answer to %s", request).isEqualTo(carryonView);
        } else {
            assertThat(nginxView)
                    .as("nginx now answers %s like carryon: move case %s out of docs/nginx-differences.md "
                            + "and make it a SAME case", request, c.id())
                    .isNotEqualTo(carryonView);
        }
    }

    @Test
    void bothServeTheSameFilesWithStrongValidators() {
        Tools.require("nginx");
        for (String path : List.of(SMALL, RANDOM, EMPTY)) {
            RawHttp.Response a = exchange(carryon.port(), "HEAD", path, List.of());
            RawHttp.Response b = exchange(nginx.port(), "HEAD", path, List.of());
            assertThat(a.header("Last-Modified")).as(path).isEqualTo(b.header("Last-Modified"));
            assertThat(a.header("Content-Length")).as(path).isEqualTo(b.header("Content-Length"));
            assertThat(a.header("ETag")).as(path).startsWith("\"");
            assertThat(b.header("ETag")).as(path).startsWith("\"");
            assertThat(a.header("Server")).isEqualTo("carryon");
            assertThat(b.header("Server")).startsWith("nginx");
        }
    }

    @Test
    void theDocumentListsExactlyTheDifferences() throws IOException {
        Path doc = findUpwards(Path.of("docs", "nginx-differences.md"));
        Pattern row = Pattern.compile("^\\|\\s*`([a-z0-9-]+)`\\s*\\|", Pattern.MULTILINE);
        Matcher m = row.matcher(Files.readString(doc));
        List<String> documented = new ArrayList<>();
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> differing = cases().stream().filter(c -> c.verdict() == Verdict.DIFFERS).map(Case::id)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).as("case ids in the table of %s", doc).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(documented)).as("the table of %s against the DIFFERS cases", doc)
                .isEqualTo(differing);
    }

    @Test
    void caseIdsAreUnique() {
        assertThat(cases().stream().map(Case::id).toList()).doesNotHaveDuplicates();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views of a response, and the expected answers
    // ---------------------------------------------------------------------------------------------------------

    /** What of a response a case compares. */
    interface View {
        Object of(RawHttp.Response r, boolean head);

        View ANSWER = Answer::of;

        /** Which of ETag, Last-Modified and Date a 304 carries. */
        View NOT_MODIFIED_FIELDS = (r, head) -> {
            List<Object> v = new ArrayList<>();
            v.add(r.status());
            for (String name : List.of("ETag", "Last-Modified", "Date")) {
                if (r.header(name) != null) {
                    v.add(name);
                }
            }
            return v;
        };

        /** An error's media type and the first line of its body. */
        View ERROR_BODY = (r, head) -> {
            String type = r.header("Content-Type");
            String media = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
            String text = r.bodyText();
            int nl = text.indexOf('\n');
            return List.of(r.status(), media, (nl < 0 ? text : text.substring(0, nl)).strip());
        };
    }

    /**
     * The comparable essence of a response. {@code body} is a list of byte descriptions: one for a plain
     * body, one per part (with its Content-Range) for multipart, none for HEAD and 304, null for errors.
     */
    record Answer(int status, String contentRange, String contentLength, List<String> body) {

        static Answer of(RawHttp.Response r, boolean head) {
            if (r.status() >= 400) {
                return new Answer(r.status(), r.header("Content-Range"), null, null);
            }
            String type = r.header("Content-Type");
            boolean multipart = type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/byteranges");
            if (head || r.status() == 304) {
                return new Answer(r.status(), r.header("Content-Range"), multipart ? "multipart" : r.header("Content-Length"),
                        List.of());
            }
            if (multipart) {
                List<String> parts = new ArrayList<>();
                for (Multipart.Part p : Multipart.parse(type, r.body())) {
                    parts.add(p.contentRange() + " " + describe(p.body()));
                }
                return new Answer(r.status(), r.header("Content-Range"), null, parts);
            }
            return new Answer(r.status(), r.header("Content-Range"), r.header("Content-Length"),
                    List.of(describe(r.body())));
        }
    }

    static byte[] content(String path) {
        return switch (path) {
            case SMALL -> SMALL_BYTES;
            case RANDOM -> RANDOM_BYTES;
            case EMPTY -> EMPTY_BYTES;
            default -> throw new IllegalArgumentException(path);
        };
    }

    static Answer whole(String path) {
        byte[] b = content(path);
        return new Answer(200, null, Integer.toString(b.length), List.of(describe(b)));
    }

    static Answer headWhole(String path) {
        return new Answer(200, null, Integer.toString(content(path).length), List.of());
    }

    static Answer partial(String path, int first, int last) {
        byte[] b = content(path);
        return new Answer(206, "bytes " + first + "-" + last + "/" + b.length, Integer.toString(last - first + 1),
                List.of(describe(Arrays.copyOfRange(b, first, last + 1))));
    }

    /** Pairs of first and last positions, in the order the parts must come. */
    static Answer multipart(String path, int... firstLast) {
        byte[] b = content(path);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < firstLast.length; i += 2) {
            int first = firstLast[i];
            int last = firstLast[i + 1];
            parts.add("bytes " + first + "-" + last + "/" + b.length + " "
                    + describe(Arrays.copyOfRange(b, first, last + 1)));
        }
        return new Answer(206, null, null, parts);
    }

    static Answer unsatisfiable(String path) {
        return new Answer(416, "bytes */" + content(path).length, null, null);
    }

    static Answer notModified() {
        return new Answer(304, null, null, List.of());
    }

    static Answer preconditionFailed() {
        return new Answer(412, null, null, null);
    }

    static String describe(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return bytes.length + " bytes sha256:" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Plumbing
    // ---------------------------------------------------------------------------------------------------------

    static List<String> resolve(Case c, Map<String, String> etags) {
        List<String> out = new ArrayList<>();
        for (String header : c.headers()) {
            String v = header.replace("{ETAG}", etags.get(c.path()));
            for (Map.Entry<String, String> e : common.entrySet()) {
                v = v.replace(e.getKey(), e.getValue());
            }
            assertThat(v).as("every placeholder is known").doesNotContain("{");
            out.add(v);
        }
        return out;
    }

    static Map<String, String> etags(int port) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String path : List.of(SMALL, RANDOM, EMPTY)) {
            String etag = exchange(port, "GET", path, List.of()).header("ETag");
            assertThat(etag).as("a strong ETag for %s on port %d", path, port).isNotNull().startsWith("\"");
            m.put(path, etag);
        }
        return m;
    }

    static RawHttp.Response exchange(int port, String method, String path, List<String> headers) {
        StringBuilder b = new StringBuilder(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        b.append("\r\n");
        try (RawHttp http = new RawHttp("127.0.0.1", port)) {
            http.send(b.toString());
            return method.equals("HEAD") ? http.readHead() : http.read();
        }
    }

    static Path findUpwards(Path relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
            dir = dir.getParent();
        }
        throw new UncheckedIOException(new IOException(relative + " not found above " + Path.of("").toAbsolutePath()));
    }
}
