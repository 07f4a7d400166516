package dev.carryon.core.download;

import dev.carryon.core.Props;
import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.range.ByteRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link ResponseJudge} lets a download keep, as the rules of RFC 9110 (sections 14.2-14.4 ranges, 15.3.7
 * 206, 15.5.17 416, 13.1.5 If-Range, 8.8 validators) and of the downloader's spec ("never splice two versions").
 * Each test is one rule; the splice cases say so in their names.
 */
class ResponseJudgeTest {

    private static final Instant NOW = Instant.parse("2024-01-01T12:00:00Z");
    private static final String DATE = "Mon, 01 Jan 2024 12:00:00 GMT";
    /** Two hours before {@link #DATE}: a strong Last-Modified (RFC 9110 section 8.8.2.2). */
    private static final String MODIFIED = "Mon, 01 Jan 2024 10:00:00 GMT";
    private static final String MODIFIED_LATER = "Mon, 01 Jan 2024 11:00:00 GMT";

    private static final long LENGTH = 1000;
    private static final EntityTag V1 = EntityTag.strong("v1");
    /** The version being assembled: 1000 bytes, strong ETag "v1", strong Last-Modified. */
    private static final RemoteVersion ASSEMBLED = new RemoteVersion(LENGTH, V1, MODIFIED, true, true);

    /** A segment's request: {@code Range: bytes=100-199}. */
    private static final ByteRange SEGMENT = new ByteRange(100, 199);
    /** A resumption's request: {@code Range: bytes=100-} (the downloader writes an open end as MAX - 1). */
    private static final ByteRange FROM_100 = new ByteRange(100, Long.MAX_VALUE - 1);

    private static ResponseHead.Builder status(int status) {
        return ResponseHead.status(status).add("Date", DATE);
    }

    /** A 206 of version "v1" carrying {@code contentRange}, with the Content-Length that range implies. */
    private static ResponseHead.Builder partial(long first, long last, String total) {
        return status(206).add("Content-Range", "bytes " + first + "-" + last + "/" + total)
                .add("Content-Length", Long.toString(last - first + 1));
    }

    private static ResponseHead.Builder partialV1(long first, long last) {
        return partial(first, last, Long.toString(LENGTH)).add("ETag", "\"v1\"").add("Last-Modified", MODIFIED);
    }

    private static ResponseHead.Builder wholeV1() {
        return status(200).add("Content-Length", Long.toString(LENGTH)).add("ETag", "\"v1\"")
                .add("Last-Modified", MODIFIED).add("Accept-Ranges", "bytes");
    }

    private static Verdict judge(ByteRange asked, RemoteVersion expected, boolean ifRange, ResponseHead.Builder head) {
        return ResponseJudge.judge(asked, expected, ifRange, head.build(), NOW);
    }

    private static Verdict.Body body(Verdict v) {
        assertThat(v).isInstanceOf(Verdict.Body.class);
        return (Verdict.Body) v;
    }

    private static void assertLie(Verdict v, String what) {
        assertThat(v).isEqualTo(new Verdict.Failure(Verdict.Kind.PROTOCOL, 206, "the server answered " + what));
    }

    @Nested
    @DisplayName("200 OK: the whole representation (RFC 9110 sections 15.3.1, 14.2, 13.1.5)")
    class Whole {

        @Test
        @DisplayName("a 200 to a first request is the version to assemble, from byte 0, fresh (verified)")
        void aFirstRequestGetsTheWholeVersion() {
            Verdict.Body b = body(judge(null, null, false, wholeV1()));
            assertThat(b.range()).isEqualTo(new ByteRange(0, LENGTH - 1));
            assertThat(b.version()).isEqualTo(new RemoteVersion(LENGTH, V1, MODIFIED, true, true));
            assertThat(b.restart()).isFalse();
            assertThat(b.verified()).isTrue();
        }

        @Test
        @DisplayName("splice: a 200 to a ranged request restarts from byte 0, even with the same ETag (ranges ignored, 14.2)")
        void aWholeBodyToARangedRequestIsARestart() {
            // The server may ignore Range (14.2) or find If-Range false (13.1.5); either way the body starts at
            // byte 0, so writing it at the asked position would splice. Its ETag proves nothing about position.
            Verdict.Body b = body(judge(SEGMENT, ASSEMBLED, true, wholeV1()));
            assertThat(b.restart()).isTrue();
            assertThat(b.range()).isEqualTo(new ByteRange(0, LENGTH - 1));
            assertThat(b.verified()).isTrue();
        }

        @Test
        @DisplayName("splice: a 200 of another version to a ranged request is a restart with the new version")
        void aWholeBodyOfANewVersionIsARestartWithIt() {
            Verdict.Body b = body(judge(FROM_100, ASSEMBLED, true, status(200).add("Content-Length", "1200")
                    .add("ETag", "\"v2\"")));
            assertThat(b.restart()).isTrue();
            assertThat(b.version()).isEqualTo(new RemoteVersion(1200, EntityTag.strong("v2"), null, false, false));
            assertThat(b.range()).isEqualTo(new ByteRange(0, 1199));
        }

        @Test
        @DisplayName("a 200 without Range to a known version restarts only when the version is not provably the same")
        void aWholeBodyWithoutRangeRestartsUnlessTheSameVersion() {
            assertThat(body(judge(null, ASSEMBLED, false, wholeV1())).restart()).isFalse();
            assertThat(body(judge(null, ASSEMBLED, false, status(200).add("Content-Length", "1000")
                    .add("ETag", "\"v2\""))).restart()).isTrue();
            // no validator: the bytes held cannot be shown to be of this version
            assertThat(body(judge(null, ASSEMBLED, false, status(200).add("Content-Length", "1000"))).restart())
                    .isTrue();
        }

        @Test
        @DisplayName("a 200 without Content-Length has an unknown length: the body runs from 0 to its end")
        void withoutContentLengthTheLengthIsUnknown() {
            Verdict.Body b = body(judge(null, null, false, status(200).add("ETag", "\"v1\"")));
            assertThat(b.range()).isNull();
            assertThat(b.version().length()).isEqualTo(-1);
        }

        @Test
        @DisplayName("Transfer-Encoding overrides Content-Length (RFC 9112 section 6.3)")
        void transferEncodingOverridesContentLength() {
            Verdict.Body b = body(judge(null, null, false, status(200).add("Transfer-Encoding", "chunked")
                    .add("Content-Length", "1000")));
            assertThat(b.range()).isNull();
            assertThat(b.version().length()).isEqualTo(-1);
        }

        @Test
        @DisplayName("an empty representation has no range and length 0")
        void anEmptyRepresentation() {
            Verdict.Body b = body(judge(null, null, false, status(200).add("Content-Length", "0")));
            assertThat(b.range()).isNull();
            assertThat(b.version().length()).isZero();
            assertThat(b.restart()).isFalse();
            assertThat(body(judge(FROM_100, ASSEMBLED, true, status(200).add("Content-Length", "0"))).restart())
                    .isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"abc", "-1", "1 000", "1000, 1001", "", "0x10"})
        @DisplayName("an invalid Content-Length is a protocol failure (RFC 9110 section 8.6)")
        void anInvalidContentLengthFails(String value) {
            assertThat(judge(null, null, false, status(200).add("Content-Length", value)))
                    .isEqualTo(new Verdict.Failure(Verdict.Kind.PROTOCOL, 200, "the server sent an invalid Content-Length"));
        }

        @Test
        @DisplayName("Content-Length lines that disagree are a protocol failure; lines that agree are one length")
        void contentLengthLinesMustAgree() {
            assertThat(judge(null, null, false, status(200).add("Content-Length", "1000").add("Content-Length", "1001")))
                    .isEqualTo(new Verdict.Failure(Verdict.Kind.PROTOCOL, 200, "the server sent an invalid Content-Length"));
            assertThat(body(judge(null, null, false, status(200).add("Content-Length", "1000")
                    .add("Content-Length", "1000"))).version().length()).isEqualTo(1000);
        }

        @Test
        @DisplayName("Accept-Ranges: bytes on a 200 says ranges are supported; none, or no field, says not")
        void acceptRangesOnAWholeBody() {
            assertThat(body(judge(null, null, false, wholeV1())).version().acceptsRanges()).isTrue();
            assertThat(body(judge(null, null, false, status(200).add("Content-Length", "1")
                    .add("Accept-Ranges", "none"))).version().acceptsRanges()).isFalse();
            assertThat(body(judge(null, null, false, status(200).add("Content-Length", "1"))).version()
                    .acceptsRanges()).isFalse();
        }
    }

    @Nested
    @DisplayName("206 Partial Content: exactly the range asked (RFC 9110 sections 14.4, 15.3.7)")
    class Partial {

        @Test
        @DisplayName("a 206 with the Content-Range asked and the assembled strong ETag is kept, verified")
        void theRangeAskedOfTheSameVersion() {
            Verdict.Body b = body(judge(SEGMENT, ASSEMBLED, true, partialV1(100, 199)));
            assertThat(b).isEqualTo(new Verdict.Body(SEGMENT, ASSEMBLED, false, true));
        }

        @Test
        @DisplayName("an open-ended request takes any last position within the length")
        void anOpenEndedRequest() {
            Verdict.Body b = body(judge(FROM_100, ASSEMBLED, true, partialV1(100, 999)));
            assertThat(b.range()).isEqualTo(new ByteRange(100, 999));
            assertThat(b.verified()).isTrue();
        }

        @Test
        @DisplayName("a 206 shorter than asked is kept: Content-Range says where its bytes belong, the rest is asked again")
        void aShorterRangeIsKept() {
            // Some servers cap what one response carries; the bytes are still where Content-Range puts them.
            assertThat(body(judge(SEGMENT, ASSEMBLED, true, partialV1(100, 149))).range())
                    .isEqualTo(new ByteRange(100, 149));
        }

        @Test
        @DisplayName("a first ranged request learns the version from the 206: length from Content-Range, ranges supported")
        void aFirstRequestLearnsTheVersion() {
            Verdict.Body b = body(judge(new ByteRange(0, Long.MAX_VALUE - 1), null, false, partialV1(0, 999)));
            assertThat(b).isEqualTo(new Verdict.Body(new ByteRange(0, 999), ASSEMBLED, false, true));
            assertThat(b.version().acceptsRanges()).isTrue();
        }

        @Test
        @DisplayName("a 206 to a request without Range is a protocol failure")
        void aPartialBodyToAWholeRequest() {
            assertLie(judge(null, null, false, partialV1(0, 999)), "206 to a request without Range");
        }

        @Test
        @DisplayName("splice: a 206 starting before the position asked (overlapping bytes held) is refused")
        void aRangeStartingEarlierIsRefused() {
            assertLie(judge(SEGMENT, ASSEMBLED, true, partialV1(99, 199)),
                    "206 with Content-Range: bytes 99-199/1000 when Range: bytes=100-199 was asked");
        }

        @Test
        @DisplayName("splice: a 206 starting after the position asked is refused")
        void aRangeStartingLaterIsRefused() {
            assertLie(judge(FROM_100, ASSEMBLED, true, partialV1(101, 999)),
                    "206 with Content-Range: bytes 101-999/1000 when Range: bytes=100- was asked");
        }

        @Test
        @DisplayName("splice: a 206 reaching past the last position asked (into another segment) is refused")
        void aRangeEndingLaterIsRefused() {
            assertLie(judge(SEGMENT, ASSEMBLED, true, partialV1(100, 200)),
                    "206 with Content-Range: bytes 100-200/1000 when Range: bytes=100-199 was asked");
        }

        @Test
        @DisplayName("a 206 without Content-Range, or with two, is refused (15.3.7.1: exactly one for a single part)")
        void exactlyOneContentRange() {
            assertLie(judge(SEGMENT, ASSEMBLED, true, status(206).add("ETag", "\"v1\"")),
                    "206 without exactly one Content-Range");
            assertLie(judge(SEGMENT, ASSEMBLED, true, partialV1(100, 199).add("Content-Range", "bytes 100-199/1000")),
                    "206 without exactly one Content-Range");
        }

        @Test
        @DisplayName("splice: a multipart/byteranges 206 to a request for one range is refused (15.3.7.2)")
        void aMultipartAnswerIsRefused() {
            // Written as is, its boundaries and part headers would land in the file.
            assertLie(judge(SEGMENT, ASSEMBLED, true, status(206).add("ETag", "\"v1\"")
                    .add("Content-Type", "multipart/byteranges; boundary=THIS_STRING_SEPARATES")),
                    "a multipart 206 to a request for one range");
        }

        @Test
        @DisplayName("splice: a multipart/byteranges 206 is refused even when it also carries a Content-Range")
        void aMultipartAnswerWithAContentRangeIsRefused() {
            // 14.6: multipart/byteranges is the form of several parts; a Content-Range beside it does not make its
            // body one range's bytes.
            assertLie(judge(SEGMENT, ASSEMBLED, true, partialV1(100, 199)
                    .add("Content-Type", "Multipart/Byteranges; boundary=THIS_STRING_SEPARATES")),
                    "a multipart 206 to a request for one range");
            // a file that is itself of another multipart type is just a file
            assertThat(body(judge(SEGMENT, ASSEMBLED, true, partialV1(100, 199)
                    .add("Content-Type", "multipart/mixed; boundary=x"))).range()).isEqualTo(SEGMENT);
        }

        @Test
        @DisplayName("the range unit is case-insensitive (14.1): Bytes is bytes")
        void theUnitIsCaseInsensitive() {
            assertThat(body(judge(SEGMENT, ASSEMBLED, true, status(206).add("Content-Range", "Bytes 100-199/1000")
                    .add("ETag", "\"v1\""))).range()).isEqualTo(SEGMENT);
            assertThat(judge(FROM_100, ASSEMBLED, true, status(416).add("Content-Range", "BYTES */1000")))
                    .isEqualTo(new Verdict.Unsatisfiable(1000));
        }

        @ParameterizedTest
        @ValueSource(strings = {"bytes 100-199", "bytes=100-199/1000", "items 100-199/1000", "bytes 100-/1000",
            "bytes -100-199/1000", "bytes 100-199/abc", "bytes */1000", "bytes 100 - 199/1000", ""})
        @DisplayName("an unreadable Content-Range is refused (14.4 grammar)")
        void anUnreadableContentRangeIsRefused(String value) {
            assertLie(judge(SEGMENT, ASSEMBLED, true, status(206).add("Content-Range", value).add("ETag", "\"v1\"")),
                    "206 with an unreadable Content-Range: " + value);
        }

        @Test
        @DisplayName("an impossible Content-Range (last before first, or at or past the complete length) is refused (14.4)")
        void anImpossibleContentRangeIsRefused() {
            assertLie(judge(SEGMENT, ASSEMBLED, true, status(206).add("Content-Range", "bytes 199-100/1000")),
                    "206 with an impossible Content-Range: bytes 199-100/1000");
            assertLie(judge(FROM_100, ASSEMBLED, true, status(206).add("Content-Range", "bytes 100-1000/1000")),
                    "206 with an impossible Content-Range: bytes 100-1000/1000");
        }

        @Test
        @DisplayName("splice: a Content-Length that contradicts Content-Range is refused")
        void aContradictingContentLengthIsRefused() {
            assertLie(judge(SEGMENT, ASSEMBLED, true, status(206).add("Content-Range", "bytes 100-199/1000")
                    .add("Content-Length", "101").add("ETag", "\"v1\"")),
                    "206 whose Content-Length 101 contradicts its Content-Range");
        }

        @Test
        @DisplayName("splice: every Content-Length line of a 206 must agree with Content-Range, not just the first")
        void everyContentLengthLineMustAgree() {
            assertLie(judge(SEGMENT, ASSEMBLED, true, partialV1(100, 199).add("Content-Length", "101")),
                    "206 whose Content-Length 100, 101 contradicts its Content-Range");
            // the same length repeated is one length (RFC 9110 section 8.6)
            assertThat(body(judge(SEGMENT, ASSEMBLED, true, partialV1(100, 199).add("Content-Length", "100")))
                    .range()).isEqualTo(SEGMENT);
        }

        @Test
        @DisplayName("a 206 without Content-Length is framed by Content-Range alone")
        void noContentLengthIsFine() {
            Verdict.Body b = body(judge(SEGMENT, ASSEMBLED, true, status(206)
                    .add("Content-Range", "bytes 100-199/1000").add("ETag", "\"v1\"")));
            assertThat(b.range()).isEqualTo(SEGMENT);
        }

        @Test
        @DisplayName("an unknown complete length (bytes F-L/*) keeps the assembled length")
        void anUnknownCompleteLengthKeepsTheAssembledOne() {
            Verdict.Body b = body(judge(SEGMENT, ASSEMBLED, true, partial(100, 199, "*").add("ETag", "\"v1\"")));
            assertThat(b.version().length()).isEqualTo(LENGTH);
            assertThat(b.verified()).isTrue();
            // on a first request nothing is known
            assertThat(body(judge(FROM_100, null, false, partial(100, 199, "*"))).version().length()).isEqualTo(-1);
        }
    }

    @Nested
    @DisplayName("206 of which version: never splice two (RFC 9110 sections 8.8, 13.1.5)")
    class Versions {

        @Test
        @DisplayName("splice: a 206 whose strong ETag differs from the one assembled is Changed")
        void anotherStrongEtagIsChanged() {
            Verdict v = judge(SEGMENT, ASSEMBLED, true, partial(100, 199, "1000").add("ETag", "\"v2\""));
            assertThat(v).isEqualTo(new Verdict.Changed(new RemoteVersion(LENGTH, EntityTag.strong("v2"), null, false,
                    true), "the file on the server changed (ETag \"v1\", 1000 bytes became ETag \"v2\", 1000 bytes)"));
        }

        @Test
        @DisplayName("splice: a 206 whose weak ETag has other characters is Changed (weak comparison fails, 8.8.3.2)")
        void anotherWeakEtagIsChanged() {
            assertThat(judge(SEGMENT, ASSEMBLED, false, partial(100, 199, "1000").add("ETag", "W/\"v2\"")))
                    .isInstanceOf(Verdict.Changed.class);
        }

        @Test
        @DisplayName("splice: a 206 with another complete length is Changed, even with the same ETag")
        void anotherLengthIsChanged() {
            // A strong ETag is the server's promise of the same bytes; a different length breaks it, so the
            // length wins: a server that keeps an ETag across a change of size (a buggy one) cannot splice.
            Verdict v = judge(SEGMENT, ASSEMBLED, true, partial(100, 199, "1001").add("ETag", "\"v1\"")
                    .add("Last-Modified", MODIFIED));
            assertThat(v).isEqualTo(new Verdict.Changed(new RemoteVersion(1001, V1, MODIFIED, true, true),
                    "the file on the server changed (ETag \"v1\", 1000 bytes became ETag \"v1\", 1001 bytes)"));
        }

        @Test
        @DisplayName("splice: a 206 of unknown complete length with bytes past the assembled length is Changed")
        void bytesPastTheAssembledLengthAreChanged() {
            // bytes 100-1099/* while 1000 bytes are assembled: whatever its tag says, this representation is
            // longer than the one held, so its bytes are another version's (and would be written past the end).
            Verdict v = judge(FROM_100, ASSEMBLED, true, partial(100, 1099, "*").add("ETag", "\"v1\""));
            assertThat(v).isEqualTo(new Verdict.Changed(new RemoteVersion(-1, V1, null, false, true),
                    "the file on the server changed (ETag \"v1\", 1000 bytes became ETag \"v1\", with bytes up to 1099)"));
            // up to the last assembled byte it is the same version
            assertThat(body(judge(FROM_100, ASSEMBLED, true, partial(100, 999, "*").add("ETag", "\"v1\""))).range())
                    .isEqualTo(new ByteRange(100, 999));
        }

        @Test
        @DisplayName("splice: a 206 with another Last-Modified is Changed")
        void anotherLastModifiedIsChanged() {
            RemoteVersion dated = new RemoteVersion(LENGTH, null, MODIFIED, true, true);
            Verdict v = judge(SEGMENT, dated, true, partial(100, 199, "1000").add("Last-Modified", MODIFIED_LATER));
            assertThat(v).isEqualTo(new Verdict.Changed(new RemoteVersion(LENGTH, null, MODIFIED_LATER, true, true),
                    "the file on the server changed (Last-Modified " + MODIFIED + ", 1000 bytes became Last-Modified "
                            + MODIFIED_LATER + ", 1000 bytes)"));
        }

        @Test
        @DisplayName("Last-Modified-only versions: the same strong date on both sides is the same version")
        void theSameStrongLastModifiedIsTheSameVersion() {
            RemoteVersion dated = new RemoteVersion(LENGTH, null, MODIFIED, true, true);
            Verdict.Body b = body(judge(SEGMENT, dated, false, partial(100, 199, "1000").add("Last-Modified", MODIFIED)));
            assertThat(b.verified()).isTrue();
        }

        @Test
        @DisplayName("Last-Modified-only versions: a date within a second of Date is weak: without If-Range, compare bytes")
        void aWeakLastModifiedIsNotProof() {
            // 8.8.2.2: the file may change again within the same second and keep its Last-Modified
            String sameSecond = "Mon, 01 Jan 2024 12:00:00 GMT";
            RemoteVersion dated = new RemoteVersion(LENGTH, null, sameSecond, false, true);
            Verdict.Body b = body(judge(SEGMENT, dated, false, partial(100, 199, "1000")
                    .add("Last-Modified", sameSecond)));
            assertThat(b.verified()).isFalse();
        }

        @Test
        @DisplayName("a 206 without a validator, to a request without If-Range, must be verified by comparing bytes")
        void noValidatorAndNoIfRangeIsUnverified() {
            Verdict.Body b = body(judge(FROM_100, ASSEMBLED, false, partial(100, 999, "1000")));
            assertThat(b.verified()).isFalse();
            assertThat(b.restart()).isFalse();
        }

        @Test
        @DisplayName("a 206 without a validator to If-Range with the strong ETag is the server's word (13.1.5)")
        void noValidatorWithIfRangeIsVerified() {
            // A server that sends 206 to If-Range has found the condition true: the same version. (15.3.7 says it
            // must still send ETag; some do not.)
            assertThat(body(judge(SEGMENT, ASSEMBLED, true, partial(100, 199, "1000"))).verified()).isTrue();
        }

        @Test
        @DisplayName("splice: a 206 with a weak ETag when a strong one was assembled is no proof, even to If-Range")
        void aWeakEtagWhenAStrongOneWasAssembledIsNotProof() {
            // If-Range "v1" holds only by strong comparison with the current tag (13.1.5); a current tag W/"v1"
            // cannot match strongly, so a server that answers 206 with it did not evaluate If-Range (or the
            // representation is another one that is only equivalent, e.g. another content coding): its bytes
            // must be compared before they are trusted.
            Verdict.Body b = body(judge(SEGMENT, ASSEMBLED, true, partial(100, 199, "1000").add("ETag", "W/\"v1\"")));
            assertThat(b).isEqualTo(new Verdict.Body(SEGMENT, new RemoteVersion(LENGTH, EntityTag.weak("v1"), null,
                    false, true), false, false));
        }

        @Test
        @DisplayName("weak versions on both sides, the same tag: not proof without If-Range (weak comparison only, 8.8.3.3)")
        void weakOnBothSidesIsNotProof() {
            RemoteVersion weak = new RemoteVersion(LENGTH, EntityTag.weak("v1"), null, false, true);
            Verdict.Body b = body(judge(FROM_100, weak, false, partial(100, 999, "1000").add("ETag", "W/\"v1\"")));
            assertThat(b.verified()).isFalse();
        }

        @Test
        @DisplayName("the strong ETag decides over Last-Modified: the same tag with another date is the same version")
        void theEtagDecidesOverLastModified() {
            // RFC 9110 13.2.2: entity tags are the more accurate validator
            Verdict.Body b = body(judge(SEGMENT, ASSEMBLED, false, partial(100, 199, "1000").add("ETag", "\"v1\"")
                    .add("Last-Modified", MODIFIED_LATER)));
            assertThat(b.verified()).isTrue();
        }
    }

    @Nested
    @DisplayName("416 Range Not Satisfiable (RFC 9110 sections 14.4, 15.5.17)")
    class Unsatisfiable {

        @Test
        @DisplayName("a 416 states the complete length in bytes */LENGTH")
        void withALength() {
            assertThat(judge(FROM_100, ASSEMBLED, true, status(416).add("Content-Range", "bytes */1000")))
                    .isEqualTo(new Verdict.Unsatisfiable(1000));
            assertThat(judge(FROM_100, ASSEMBLED, true, status(416).add("Content-Range", "bytes */0")))
                    .isEqualTo(new Verdict.Unsatisfiable(0));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "bytes */", "bytes */abc", "bytes 0-1/1000", "bytes*/1000", "*/1000"})
        @DisplayName("a 416 without a readable length says -1: nothing is known about what is held")
        void withoutALength(String value) {
            assertThat(judge(FROM_100, ASSEMBLED, true, status(416).add("Content-Range", value)))
                    .isEqualTo(new Verdict.Unsatisfiable(-1));
            assertThat(judge(FROM_100, ASSEMBLED, true, status(416))).isEqualTo(new Verdict.Unsatisfiable(-1));
        }

        @Test
        @DisplayName("a 416 length too big for a long saturates rather than wrapping negative")
        void aHugeLengthSaturates() {
            assertThat(judge(FROM_100, ASSEMBLED, true, status(416).add("Content-Range",
                    "bytes */99999999999999999999999"))).isEqualTo(new Verdict.Unsatisfiable(Long.MAX_VALUE));
        }
    }

    @Nested
    @DisplayName("Failures: worth another try, or not (downloader spec, Robustness)")
    class Failures {

        @ParameterizedTest
        @ValueSource(ints = {408, 429, 500, 502, 503, 504})
        @DisplayName("408, 429, 500, 502, 503 and 504 are worth a retry")
        void transientStatusesAreRetried(int status) {
            Verdict v = judge(FROM_100, ASSEMBLED, true, status(status));
            assertThat(v).isEqualTo(new Verdict.Retry(status + " " + ResponseJudge.reason(status), null));
            assertThat(((Verdict.Retry) v).reason()).doesNotEndWith(" ");
        }

        @Test
        @DisplayName("Retry-After in seconds is passed on with the retry (RFC 9110 section 10.2.3)")
        void retryAfterSeconds() {
            assertThat(judge(null, null, false, status(503).add("Retry-After", "120")))
                    .isEqualTo(new Verdict.Retry("503 Service Unavailable", Duration.ofSeconds(120)));
            assertThat(judge(null, null, false, status(429).add("Retry-After", "0")))
                    .isEqualTo(new Verdict.Retry("429 Too Many Requests", Duration.ZERO));
        }

        @ParameterizedTest
        @ValueSource(ints = {400, 401, 403, 404, 405, 407, 410, 412, 501})
        @DisplayName("other 4xx and 5xx fail at once with the status and its reason")
        void otherStatusesFail(int status) {
            assertThat(judge(FROM_100, ASSEMBLED, true, status(status))).isEqualTo(
                    new Verdict.Failure(Verdict.Kind.HTTP, status, status + " " + ResponseJudge.reason(status)));
        }

        @Test
        @DisplayName("a 304 to a request that made no condition of it is a failure, not a body")
        void aNotModifiedIsAFailure() {
            assertThat(judge(FROM_100, ASSEMBLED, true, status(304))).isInstanceOf(Verdict.Failure.class);
        }
    }

    @Nested
    @DisplayName("Properties of any 206")
    class Properties {

        record Case(ByteRange asked, RemoteVersion expected, boolean ifRange, ResponseHead head) {
        }

        private Case partialCase(Props.Gen g) {
            long length = g.pick(1L, 2L, 1000L, g.longIn(1, 1L << 40));
            long first = g.longIn(0, length - 1);
            ByteRange asked = g.bool() ? new ByteRange(first, Long.MAX_VALUE - 1)
                    : new ByteRange(first, g.longIn(first, length - 1));
            String lm = g.pick(null, MODIFIED, MODIFIED_LATER, DATE);
            RemoteVersion expected = g.oneIn(5) ? null : new RemoteVersion(g.oneIn(8) ? -1 : length,
                    g.pick(null, V1, EntityTag.weak("v1"), EntityTag.strong("v2")), lm, lm != null && !lm.equals(DATE),
                    true);
            long f = g.pick(first, first, first, first + 1, Math.max(0, first - 1));
            long l = g.pick(asked.last() == Long.MAX_VALUE - 1 ? length - 1 : asked.last(), f,
                    f + g.longIn(0, 2000), Math.max(f, length - 1), length);
            String total = g.pick(Long.toString(length), Long.toString(length), "*", Long.toString(length + 1),
                    Long.toString(Math.max(1, length - 1)));
            ResponseHead.Builder h = status(206).add("Content-Range", "bytes " + f + "-" + l + "/" + total);
            if (g.bool()) {
                h.add("Content-Length", Long.toString(g.oneIn(6) ? l - f : l - f + 1));
            }
            String etag = g.pick(null, "\"v1\"", "W/\"v1\"", "\"v2\"");
            if (etag != null) {
                h.add("ETag", etag);
            }
            String rlm = g.pick(null, MODIFIED, MODIFIED_LATER, DATE);
            if (rlm != null) {
                h.add("Last-Modified", rlm);
            }
            if (g.oneIn(10)) {
                h.add("Content-Type", "multipart/byteranges; boundary=b");
            }
            return new Case(asked, expected, expected != null && expected.ifRange().isPresent() && g.bool(), h.build());
        }

        @Test
        @DisplayName("splice: a kept 206 lies within what was asked and the assembled length, of no different version")
        void aKeptPartialBodyIsNeverSpliced() {
            int[] kept = {0};
            Props.forAll(Props.TRIES * 5, this::partialCase, c -> {
                Verdict v = ResponseJudge.judge(c.asked(), c.expected(), c.ifRange(), c.head(), NOW);
                if (!(v instanceof Verdict.Body b)) {
                    return;
                }
                kept[0]++;
                assertThat(b.restart()).isFalse();
                assertThat(b.range().first()).isEqualTo(c.asked().first());
                assertThat(b.range().last()).isLessThanOrEqualTo(c.asked().last());
                String cl = c.head().first("content-length");
                if (cl != null) {
                    assertThat(Long.parseLong(cl)).isEqualTo(b.range().length());
                }
                assertThat(c.head().first("content-type")).isNull();
                RemoteVersion e = c.expected();
                if (e == null) {
                    return;
                }
                assertThat(b.version().compare(e)).isNotEqualTo(RemoteVersion.Match.DIFFERENT);
                if (e.length() >= 0) {
                    assertThat(b.range().last()).isLessThan(e.length());
                    assertThat(b.version().length()).isEqualTo(e.length());
                }
                if (b.verified()) {
                    assertThat(b.version().compare(e) == RemoteVersion.Match.SAME || c.ifRange()).isTrue();
                }
                if (e.hasStrongEtag() && b.version().etag() != null && b.version().etag().weak()) {
                    assertThat(b.verified()).isFalse();
                }
            });
            assertThat(kept[0]).as("bodies kept: the property is not vacuous").isGreaterThan(Props.TRIES / 2);
        }
    }
}
