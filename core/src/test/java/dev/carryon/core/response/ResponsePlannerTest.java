package dev.carryon.core.response;

import dev.carryon.core.conditional.ConditionalHeaders;
import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.conditional.Validators;
import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.MultipartLayout;
import dev.carryon.core.range.RangePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class ResponsePlannerTest {

    private static final Instant MODIFIED = Instant.parse("2024-01-01T10:00:00Z");
    private static final String MODIFIED_DATE = "Mon, 01 Jan 2024 10:00:00 GMT";
    private static final Instant NOW = Instant.parse("2024-01-01T11:00:00Z");
    private static final Validators VALIDATORS = new Validators(EntityTag.strong("v1"), MODIFIED);
    private static final Representation FILE = new Representation(10_000, "text/plain", VALIDATORS);
    private static final Representation EMPTY_FILE = new Representation(0, "text/plain", VALIDATORS);

    private static final Supplier<String> BOUNDARY = () -> "CARRYON";
    private static final Supplier<String> NO_BOUNDARY = () -> {
        throw new AssertionError("a boundary is needed only for a multipart answer");
    };

    private final ResponsePlanner planner = new ResponsePlanner(RangePolicy.DEFAULT);

    private static ConditionalHeaders ifRange(String value) {
        return new ConditionalHeaders(null, null, null, null, value);
    }

    private ResponsePlan get(String range, ConditionalHeaders conditions) {
        return planner.plan(RepresentationRequest.get(range, conditions), FILE, NOW, NO_BOUNDARY);
    }

    private static ResponsePlan whole(ResponsePlan.RangeUse use) {
        return new ResponsePlan.Whole(use);
    }

    // ---- 304 and 412 come first ----

    @Test
    void notModified() {
        ConditionalHeaders inm = new ConditionalHeaders(null, "\"v1\"", null, null, null);
        assertThat(get(null, inm)).isEqualTo(new ResponsePlan.NotModified());
        assertThat(planner.plan(RepresentationRequest.head(inm), FILE, NOW, NO_BOUNDARY))
                .isEqualTo(new ResponsePlan.NotModified());
        ConditionalHeaders ims = new ConditionalHeaders(null, null, MODIFIED_DATE, null, null);
        assertThat(get(null, ims)).isEqualTo(new ResponsePlan.NotModified());
    }

    @Test
    void notModifiedBeatsRange() {
        ConditionalHeaders inm = new ConditionalHeaders(null, "\"v1\"", null, null, "\"v1\"");
        assertThat(get("bytes=0-9", inm)).isEqualTo(new ResponsePlan.NotModified());
        assertThat(get("bytes=20000-", inm)).isEqualTo(new ResponsePlan.NotModified());
    }

    @Test
    void preconditionFailed() {
        ConditionalHeaders ifMatch = new ConditionalHeaders("\"v2\"", null, null, null, null);
        assertThat(get(null, ifMatch))
                .isEqualTo(new ResponsePlan.PreconditionFailed("If-Match: the current entity tag is \"v1\""));
        assertThat(planner.plan(RepresentationRequest.head(ifMatch), FILE, NOW, NO_BOUNDARY))
                .isEqualTo(new ResponsePlan.PreconditionFailed("If-Match: the current entity tag is \"v1\""));
        ConditionalHeaders ius = new ConditionalHeaders(null, null, null, "Mon, 01 Jan 2024 09:59:59 GMT", null);
        assertThat(get(null, ius)).isEqualTo(
                new ResponsePlan.PreconditionFailed("If-Unmodified-Since: modified since, at " + MODIFIED_DATE));
    }

    @Test
    void preconditionFailedBeatsRange() {
        ConditionalHeaders ifMatch = new ConditionalHeaders("\"v2\"", null, null, null, null);
        assertThat(get("bytes=0-9", ifMatch)).isInstanceOf(ResponsePlan.PreconditionFailed.class);
        assertThat(get("bytes=20000-", ifMatch)).isInstanceOf(ResponsePlan.PreconditionFailed.class);
    }

    // ---- 200 ----

    @Test
    void noRangeIsTheWholeRepresentation() {
        assertThat(get(null, ConditionalHeaders.NONE)).isEqualTo(whole(ResponsePlan.RangeUse.NOT_ASKED));
    }

    @Test
    void headIgnoresRange() {
        RepresentationRequest head = new RepresentationRequest(true, "bytes=0-9", ConditionalHeaders.NONE);
        assertThat(planner.plan(head, FILE, NOW, NO_BOUNDARY)).isEqualTo(whole(ResponsePlan.RangeUse.NOT_ASKED));
        RepresentationRequest unsatisfiable = new RepresentationRequest(true, "bytes=20000-", ConditionalHeaders.NONE);
        assertThat(planner.plan(unsatisfiable, FILE, NOW, NO_BOUNDARY))
                .isEqualTo(whole(ResponsePlan.RangeUse.NOT_ASKED));
        assertThat(planner.plan(RepresentationRequest.head(ConditionalHeaders.NONE), FILE, NOW, NO_BOUNDARY))
                .isEqualTo(whole(ResponsePlan.RangeUse.NOT_ASKED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=5-4", "items=0-9", "bytes=", "bytes=0-9,x", "0-9", "bytes=-1-"})
    void invalidRangeIsIgnored(String range) {
        assertThat(get(range, ConditionalHeaders.NONE)).isEqualTo(whole(ResponsePlan.RangeUse.INVALID));
    }

    @Test
    void ifRangeThatDoesNotHoldGivesTheWholeRepresentation() {
        assertThat(get("bytes=0-9", ifRange("\"v2\""))).isEqualTo(whole(ResponsePlan.RangeUse.IF_RANGE_FAILED));
        assertThat(get("bytes=0-9", ifRange("W/\"v1\""))).isEqualTo(whole(ResponsePlan.RangeUse.IF_RANGE_FAILED));
        assertThat(get("bytes=0-9", ifRange("Mon, 01 Jan 2024 10:00:01 GMT")))
                .isEqualTo(whole(ResponsePlan.RangeUse.IF_RANGE_FAILED));
    }

    @Test
    void ifRangeThatDoesNotHoldGivesTheWholeRepresentationEvenForAnUnsatisfiableRange() {
        assertThat(get("bytes=20000-", ifRange("\"v2\""))).isEqualTo(whole(ResponsePlan.RangeUse.IF_RANGE_FAILED));
    }

    @Test
    void ifRangeWithoutRangeIsIgnored() {
        assertThat(get(null, ifRange("\"v2\""))).isEqualTo(whole(ResponsePlan.RangeUse.NOT_ASKED));
        assertThat(get(null, ifRange("\"v1\""))).isEqualTo(whole(ResponsePlan.RangeUse.NOT_ASKED));
    }

    @Test
    void zeroLengthRepresentationIgnoresRange() {
        assertThat(planner.plan(RepresentationRequest.get("bytes=0-0", ConditionalHeaders.NONE), EMPTY_FILE, NOW,
                NO_BOUNDARY)).isEqualTo(whole(ResponsePlan.RangeUse.EMPTY_REPRESENTATION));
        assertThat(planner.plan(RepresentationRequest.get("bytes=-1", ConditionalHeaders.NONE), EMPTY_FILE, NOW,
                NO_BOUNDARY)).isEqualTo(whole(ResponsePlan.RangeUse.EMPTY_REPRESENTATION));
    }

    @Test
    void abusiveRangesGiveTheWholeRepresentation() {
        assertThat(get("bytes=0-,0-,0-,0-", ConditionalHeaders.NONE))
                .isEqualTo(whole(ResponsePlan.RangeUse.ABUSE_GUARD));
        StringBuilder many = new StringBuilder("bytes=0-0");
        for (int i = 1; i <= 64; i++) {
            many.append(',').append(i * 150).append('-').append(i * 150);
        }
        assertThat(planner.plan(RepresentationRequest.get(many.toString(), ConditionalHeaders.NONE), FILE, NOW,
                BOUNDARY)).isEqualTo(whole(ResponsePlan.RangeUse.ABUSE_GUARD));
    }

    // ---- 206 ----

    @Test
    void singleRange() {
        assertThat(get("bytes=0-499", ConditionalHeaders.NONE)).isEqualTo(new ResponsePlan.Partial(new ByteRange(0, 499)));
        assertThat(get("bytes=-500", ConditionalHeaders.NONE))
                .isEqualTo(new ResponsePlan.Partial(new ByteRange(9500, 9999)));
        assertThat(get("bytes=9500-", ConditionalHeaders.NONE))
                .isEqualTo(new ResponsePlan.Partial(new ByteRange(9500, 9999)));
        assertThat(get("bytes=0-99999999999999999999", ConditionalHeaders.NONE))
                .isEqualTo(new ResponsePlan.Partial(new ByteRange(0, 9999)));
    }

    @Test
    void singleRangeWhenIfRangeHolds() {
        assertThat(get("bytes=0-499", ifRange("\"v1\""))).isEqualTo(new ResponsePlan.Partial(new ByteRange(0, 499)));
        assertThat(get("bytes=0-499", ifRange(MODIFIED_DATE)))
                .isEqualTo(new ResponsePlan.Partial(new ByteRange(0, 499)));
    }

    @Test
    void rangesThatCoalesceIntoOneAreASingleRange() {
        assertThat(planner.plan(RepresentationRequest.get("bytes=0-99,50-199", ConditionalHeaders.NONE), FILE, NOW,
                BOUNDARY)).isEqualTo(new ResponsePlan.Partial(new ByteRange(0, 199)));
    }

    @Test
    void multipart() {
        ResponsePlan plan = planner.plan(RepresentationRequest.get("bytes=9000-9099,0-99", ifRange("\"v1\"")), FILE,
                NOW, BOUNDARY);
        assertThat(plan).isInstanceOf(ResponsePlan.Multipart.class);
        MultipartLayout layout = ((ResponsePlan.Multipart) plan).layout();
        assertThat(layout.contentType()).isEqualTo("multipart/byteranges; boundary=CARRYON");
        assertThat(layout.parts()).extracting(MultipartLayout.Part::range)
                .containsExactly(new ByteRange(9000, 9099), new ByteRange(0, 99));
        assertThat(layout.contentLength()).isEqualTo(new MultipartLayout("CARRYON", "text/plain", 10_000,
                List.of(new ByteRange(9000, 9099), new ByteRange(0, 99))).contentLength());
    }

    // ---- 416 ----

    @Test
    void rangeNotSatisfiable() {
        ResponsePlan plan = get("bytes=10000-", ConditionalHeaders.NONE);
        assertThat(plan).isEqualTo(new ResponsePlan.RangeNotSatisfiable(10_000));
        assertThat(((ResponsePlan.RangeNotSatisfiable) plan).contentRange()).isEqualTo("bytes */10000");
        assertThat(get("bytes=-0", ConditionalHeaders.NONE)).isEqualTo(new ResponsePlan.RangeNotSatisfiable(10_000));
        assertThat(get("bytes=10000-10001,-0,99999999999999999999-", ConditionalHeaders.NONE))
                .isEqualTo(new ResponsePlan.RangeNotSatisfiable(10_000));
    }

    @Test
    void rangeNotSatisfiableWhenIfRangeHolds() {
        assertThat(get("bytes=10000-", ifRange("\"v1\""))).isEqualTo(new ResponsePlan.RangeNotSatisfiable(10_000));
    }

    // ---- inputs ----

    @Test
    void representationAndRequestValidation() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Representation(-1, "text/plain", VALIDATORS));
        assertThatNullPointerException().isThrownBy(() -> new Representation(0, null, VALIDATORS));
        assertThatNullPointerException().isThrownBy(() -> new Representation(0, "text/plain", null));
        assertThatNullPointerException().isThrownBy(() -> new RepresentationRequest(false, null, null));
        assertThat(RepresentationRequest.head(ConditionalHeaders.NONE))
                .isEqualTo(new RepresentationRequest(true, null, ConditionalHeaders.NONE));
    }
}
