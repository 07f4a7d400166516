package dev.carryon.core.conditional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PreconditionsTest {

    /** Last-Modified is 2024-01-01T10:00:00.5Z; HTTP sees it as Mon, 01 Jan 2024 10:00:00 GMT. */
    private static final Instant MODIFIED = Instant.parse("2024-01-01T10:00:00.500Z");
    private static final String MODIFIED_DATE = "Mon, 01 Jan 2024 10:00:00 GMT";
    private static final String SECOND_BEFORE = "Mon, 01 Jan 2024 09:59:59 GMT";
    private static final String SECOND_AFTER = "Mon, 01 Jan 2024 10:00:01 GMT";
    private static final Instant NOW = Instant.parse("2024-01-01T11:00:00Z");

    private static final EntityTag V1 = EntityTag.strong("v1");
    private static final Validators CURRENT = new Validators(V1, MODIFIED);

    private static final Preconditions.Outcome PROCEED = new Preconditions.Proceed();
    private static final Preconditions.Outcome NOT_MODIFIED = new Preconditions.NotModified();

    private static ConditionalHeaders ifMatch(String v) {
        return new ConditionalHeaders(v, null, null, null, null);
    }

    private static ConditionalHeaders ifNoneMatch(String v) {
        return new ConditionalHeaders(null, v, null, null, null);
    }

    private static ConditionalHeaders ifModifiedSince(String v) {
        return new ConditionalHeaders(null, null, v, null, null);
    }

    private static ConditionalHeaders ifUnmodifiedSince(String v) {
        return new ConditionalHeaders(null, null, null, v, null);
    }

    private static Preconditions.Outcome get(ConditionalHeaders h) {
        return Preconditions.evaluate(true, h, CURRENT, NOW);
    }

    private static Preconditions.Outcome put(ConditionalHeaders h) {
        return Preconditions.evaluate(false, h, CURRENT, NOW);
    }

    private static void assertFailed(Preconditions.Outcome outcome, String reason) {
        assertThat(outcome).isEqualTo(new Preconditions.Failed(reason));
    }

    @Test
    void noPreconditionsProceed() {
        assertThat(get(ConditionalHeaders.NONE)).isEqualTo(PROCEED);
        assertThat(put(ConditionalHeaders.NONE)).isEqualTo(PROCEED);
    }

    // ---- 1. If-Match ----

    @Test
    void ifMatchWithTheCurrentTagProceeds() {
        assertThat(get(ifMatch("\"v1\""))).isEqualTo(PROCEED);
        assertThat(put(ifMatch("\"v0\", \"v1\""))).isEqualTo(PROCEED);
    }

    @Test
    void ifMatchWithAnotherTagFails() {
        assertFailed(get(ifMatch("\"v2\"")), "If-Match: the current entity tag is \"v1\"");
        assertFailed(put(ifMatch("\"v2\"")), "If-Match: the current entity tag is \"v1\"");
    }

    @Test
    void ifMatchUsesStrongComparison() {
        assertFailed(put(ifMatch("W/\"v1\"")), "If-Match: the current entity tag is \"v1\"");
        Validators weak = new Validators(EntityTag.weak("v1"), MODIFIED);
        assertFailed(Preconditions.evaluate(false, ifMatch("\"v1\""), weak, NOW),
                "If-Match: the current entity tag is W/\"v1\"");
        assertFailed(Preconditions.evaluate(false, ifMatch("W/\"v1\""), weak, NOW),
                "If-Match: the current entity tag is W/\"v1\"");
    }

    @Test
    void ifMatchStarMatchesAnyExistingRepresentation() {
        assertThat(put(ifMatch("*"))).isEqualTo(PROCEED);
        Validators untagged = new Validators(null, MODIFIED);
        assertThat(Preconditions.evaluate(false, ifMatch("*"), untagged, NOW)).isEqualTo(PROCEED);
        assertFailed(Preconditions.evaluate(false, ifMatch("\"v1\""), untagged, NOW),
                "If-Match: the current entity tag is none");
    }

    @Test
    void malformedIfMatchFails() {
        assertFailed(put(ifMatch("v1")), "If-Match: the current entity tag is \"v1\"");
    }

    // ---- 2. If-Unmodified-Since ----

    @Test
    void ifUnmodifiedSinceAtOrAfterLastModifiedProceeds() {
        assertThat(put(ifUnmodifiedSince(MODIFIED_DATE))).isEqualTo(PROCEED);
        assertThat(put(ifUnmodifiedSince(SECOND_AFTER))).isEqualTo(PROCEED);
    }

    @Test
    void ifUnmodifiedSinceBeforeLastModifiedFails() {
        assertFailed(put(ifUnmodifiedSince(SECOND_BEFORE)),
                "If-Unmodified-Since: modified since, at Mon, 01 Jan 2024 10:00:00 GMT");
        assertFailed(get(ifUnmodifiedSince(SECOND_BEFORE)),
                "If-Unmodified-Since: modified since, at Mon, 01 Jan 2024 10:00:00 GMT");
    }

    @Test
    void ifUnmodifiedSinceComparesWholeSeconds() {
        // Last-Modified is 10:00:00.5; the date 10:00:00 is the same second, so not modified since
        assertThat(put(ifUnmodifiedSince(MODIFIED_DATE))).isEqualTo(PROCEED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "", "Mon, 01 Jan 2024 09:59:59 GMT, Mon, 01 Jan 2024 09:59:59 GMT",
        "Mon, 32 Jan 2024 09:59:59 GMT"})
    void invalidIfUnmodifiedSinceIsIgnored(String date) {
        assertThat(put(ifUnmodifiedSince(date))).isEqualTo(PROCEED);
    }

    @Test
    void ifUnmodifiedSinceWithoutLastModifiedIsIgnored() {
        Validators untimed = new Validators(V1, null);
        assertThat(Preconditions.evaluate(false, ifUnmodifiedSince(SECOND_BEFORE), untimed, NOW)).isEqualTo(PROCEED);
    }

    @Test
    void ifMatchBeatsIfUnmodifiedSince() {
        // If-Match holds, so If-Unmodified-Since (which would fail) is not evaluated
        assertThat(put(new ConditionalHeaders("\"v1\"", null, null, SECOND_BEFORE, null))).isEqualTo(PROCEED);
        // If-Match fails; If-Unmodified-Since (which would hold) does not save it
        assertFailed(put(new ConditionalHeaders("\"v2\"", null, null, SECOND_AFTER, null)),
                "If-Match: the current entity tag is \"v1\"");
    }

    // ---- 3. If-None-Match ----

    @Test
    void ifNoneMatchWithTheCurrentTagIsNotModifiedForGetAndHead() {
        assertThat(get(ifNoneMatch("\"v1\""))).isEqualTo(NOT_MODIFIED);
        assertThat(get(ifNoneMatch("\"v0\", \"v1\""))).isEqualTo(NOT_MODIFIED);
    }

    @Test
    void ifNoneMatchWithTheCurrentTagFailsForOtherMethods() {
        assertFailed(put(ifNoneMatch("\"v1\"")), "If-None-Match: the entity tag matches");
    }

    @Test
    void ifNoneMatchUsesWeakComparison() {
        assertThat(get(ifNoneMatch("W/\"v1\""))).isEqualTo(NOT_MODIFIED);
        Validators weak = new Validators(EntityTag.weak("v1"), MODIFIED);
        assertThat(Preconditions.evaluate(true, ifNoneMatch("\"v1\""), weak, NOW)).isEqualTo(NOT_MODIFIED);
    }

    @Test
    void ifNoneMatchStar() {
        assertThat(get(ifNoneMatch("*"))).isEqualTo(NOT_MODIFIED);
        assertFailed(put(ifNoneMatch("*")), "If-None-Match: the entity tag matches");
    }

    @Test
    void ifNoneMatchWithOtherTagsProceeds() {
        assertThat(get(ifNoneMatch("\"v2\", W/\"v3\""))).isEqualTo(PROCEED);
        assertThat(put(ifNoneMatch("\"v2\""))).isEqualTo(PROCEED);
    }

    @Test
    void malformedIfNoneMatchProceeds() {
        assertThat(get(ifNoneMatch("v1"))).isEqualTo(PROCEED);
        assertThat(get(ifNoneMatch("\"v1"))).isEqualTo(PROCEED);
    }

    @Test
    void ifMatchFailureBeatsIfNoneMatch() {
        assertFailed(get(new ConditionalHeaders("\"v2\"", "\"v1\"", null, null, null)),
                "If-Match: the current entity tag is \"v1\"");
    }

    @Test
    void ifUnmodifiedSinceFailureBeatsIfNoneMatch() {
        assertFailed(get(new ConditionalHeaders(null, "\"v1\"", null, SECOND_BEFORE, null)),
                "If-Unmodified-Since: modified since, at Mon, 01 Jan 2024 10:00:00 GMT");
    }

    @Test
    void ifMatchAndIfNoneMatchBothHolding() {
        assertThat(get(new ConditionalHeaders("\"v1\"", "\"v1\"", null, null, null))).isEqualTo(NOT_MODIFIED);
    }

    // ---- 4. If-Modified-Since ----

    @Test
    void ifModifiedSinceAtOrAfterLastModifiedIsNotModified() {
        assertThat(get(ifModifiedSince(MODIFIED_DATE))).isEqualTo(NOT_MODIFIED);
        assertThat(get(ifModifiedSince(SECOND_AFTER))).isEqualTo(NOT_MODIFIED);
    }

    @Test
    void ifModifiedSinceBeforeLastModifiedProceeds() {
        assertThat(get(ifModifiedSince(SECOND_BEFORE))).isEqualTo(PROCEED);
    }

    @Test
    void ifModifiedSinceComparesWholeSeconds() {
        // the representation changed at 10:00:00.5, which HTTP calls 10:00:00: not modified since 10:00:00
        assertThat(get(ifModifiedSince(MODIFIED_DATE))).isEqualTo(NOT_MODIFIED);
        Validators onTheSecond = new Validators(V1, Instant.parse("2024-01-01T10:00:01Z"));
        assertThat(Preconditions.evaluate(true, ifModifiedSince(MODIFIED_DATE), onTheSecond, NOW)).isEqualTo(PROCEED);
    }

    @Test
    void ifModifiedSinceInEveryDateFormat() {
        assertThat(get(ifModifiedSince("Monday, 01-Jan-24 10:00:00 GMT"))).isEqualTo(NOT_MODIFIED);
        assertThat(get(ifModifiedSince("Mon Jan  1 10:00:00 2024"))).isEqualTo(NOT_MODIFIED);
        assertThat(get(ifModifiedSince("Monday, 01-Jan-24 09:59:59 GMT"))).isEqualTo(PROCEED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "", "Mon, 01 Jan 2024 10:00:00 GMT, Mon, 01 Jan 2024 10:00:00 GMT",
        "mon, 01 jan 2024 10:00:00 gmt", "Mon, 01 Jan 2024 10:00:00"})
    void invalidIfModifiedSinceIsIgnored(String date) {
        assertThat(get(ifModifiedSince(date))).isEqualTo(PROCEED);
    }

    @Test
    void ifModifiedSinceIsOnlyForGetAndHead() {
        assertThat(put(ifModifiedSince(SECOND_AFTER))).isEqualTo(PROCEED);
    }

    @Test
    void ifModifiedSinceWithoutLastModifiedIsIgnored() {
        Validators untimed = new Validators(V1, null);
        assertThat(Preconditions.evaluate(true, ifModifiedSince(SECOND_AFTER), untimed, NOW)).isEqualTo(PROCEED);
    }

    @Test
    void ifNoneMatchBeatsIfModifiedSince() {
        // If-None-Match does not match: the representation changed, whatever If-Modified-Since says
        assertThat(get(new ConditionalHeaders(null, "\"v0\"", SECOND_AFTER, null, null))).isEqualTo(PROCEED);
        // If-None-Match matches: not modified, whatever If-Modified-Since says
        assertThat(get(new ConditionalHeaders(null, "\"v1\"", SECOND_BEFORE, null, null))).isEqualTo(NOT_MODIFIED);
    }

    // ---- 5. If-Range ----

    @Test
    void ifRangeWithTheCurrentStrongTagHolds() {
        assertThat(Preconditions.ifRangeHolds("\"v1\"", CURRENT, NOW)).isTrue();
        assertThat(Preconditions.ifRangeHolds(" \"v1\" ", CURRENT, NOW)).isTrue();
    }

    @Test
    void ifRangeWithAnotherTagDoesNotHold() {
        assertThat(Preconditions.ifRangeHolds("\"v2\"", CURRENT, NOW)).isFalse();
    }

    @Test
    void weakTagNeverHolds() {
        assertThat(Preconditions.ifRangeHolds("W/\"v1\"", CURRENT, NOW)).isFalse();
        Validators weak = new Validators(EntityTag.weak("v1"), MODIFIED);
        assertThat(Preconditions.ifRangeHolds("W/\"v1\"", weak, NOW)).isFalse();
        assertThat(Preconditions.ifRangeHolds("\"v1\"", weak, NOW)).isFalse();
    }

    @Test
    void tagWithoutACurrentTagDoesNotHold() {
        assertThat(Preconditions.ifRangeHolds("\"v1\"", new Validators(null, MODIFIED), NOW)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"v1", "\"v1\", \"v2\"", "*", "W/v1", "", "v1"})
    void malformedIfRangeDoesNotHold(String value) {
        assertThat(Preconditions.ifRangeHolds(value, CURRENT, NOW)).isFalse();
    }

    @Test
    void dateEqualToLastModifiedHolds() {
        assertThat(Preconditions.ifRangeHolds(MODIFIED_DATE, CURRENT, NOW)).isTrue();
        assertThat(Preconditions.ifRangeHolds("Monday, 01-Jan-24 10:00:00 GMT", CURRENT, NOW)).isTrue();
    }

    @Test
    void dateMustEqualLastModifiedExactly() {
        assertThat(Preconditions.ifRangeHolds(SECOND_AFTER, CURRENT, NOW)).isFalse();
        assertThat(Preconditions.ifRangeHolds(SECOND_BEFORE, CURRENT, NOW)).isFalse();
    }

    @Test
    void dateHoldsOnlyWhenLastModifiedIsAtLeastASecondOlderThanNow() {
        // Last-Modified 10:00:00(.5), Date 10:00:00: a change later in this second would keep Last-Modified
        assertThat(Preconditions.ifRangeHolds(MODIFIED_DATE, CURRENT, Instant.parse("2024-01-01T10:00:00.900Z")))
                .isFalse();
        // Date 10:00:01: any later change would carry a later Last-Modified
        assertThat(Preconditions.ifRangeHolds(MODIFIED_DATE, CURRENT, Instant.parse("2024-01-01T10:00:01Z")))
                .isTrue();
    }

    @Test
    void dateWithoutLastModifiedDoesNotHold() {
        assertThat(Preconditions.ifRangeHolds(MODIFIED_DATE, new Validators(V1, null), NOW)).isFalse();
    }

    @Test
    void invalidDateDoesNotHold() {
        assertThat(Preconditions.ifRangeHolds("Mon, 32 Jan 2024 10:00:00 GMT", CURRENT, NOW)).isFalse();
        assertThat(Preconditions.ifRangeHolds("mon, 01 jan 2024 10:00:00 gmt", CURRENT, NOW)).isFalse();
    }

    // ---- Validators ----

    @Test
    void lastModifiedIsStrongAfterASecond() {
        Validators v = new Validators(null, Instant.parse("2024-01-01T10:00:00.999Z"));
        assertThat(v.lastModifiedSecond()).isEqualTo(Instant.parse("2024-01-01T10:00:00Z").getEpochSecond());
        assertThat(v.lastModifiedIsStrong(Instant.parse("2024-01-01T10:00:00.999Z"))).isFalse();
        assertThat(v.lastModifiedIsStrong(Instant.parse("2024-01-01T10:00:01Z"))).isTrue();
        assertThat(new Validators(null, null).lastModifiedIsStrong(NOW)).isFalse();
        assertThat(new Validators(null, null).hasLastModified()).isFalse();
    }
}
