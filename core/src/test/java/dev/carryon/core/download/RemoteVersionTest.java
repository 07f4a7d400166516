package dev.carryon.core.download;

import dev.carryon.core.Props;
import dev.carryon.core.conditional.EntityTag;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What identifies a version and when two are provably the same bytes: RFC 9110 section 8.8 (validators: 8.8.2.2
 * when Last-Modified is strong, 8.8.3.2 strong and weak comparison) and 13.1.5 (what may go in If-Range).
 */
class RemoteVersionTest {

    private static final Instant NOW = Instant.parse("2024-01-01T12:00:00Z");
    private static final String DATE = "Mon, 01 Jan 2024 12:00:00 GMT";
    private static final String HOUR_BEFORE = "Mon, 01 Jan 2024 11:00:00 GMT";
    private static final String SECOND_BEFORE = "Mon, 01 Jan 2024 11:59:59 GMT";
    private static final String SECOND_AFTER = "Mon, 01 Jan 2024 12:00:01 GMT";

    private static final EntityTag A = EntityTag.strong("a");
    private static final EntityTag WEAK_A = EntityTag.weak("a");
    private static final EntityTag B = EntityTag.strong("b");

    private static RemoteVersion of(ResponseHead.Builder head) {
        return RemoteVersion.of(head.build(), 100, NOW);
    }

    private static RemoteVersion v(long length, EntityTag etag, String lastModified, boolean strong) {
        return new RemoteVersion(length, etag, lastModified, strong, true);
    }

    @Nested
    @DisplayName("The version a response describes")
    class FromAResponse {

        @Test
        @DisplayName("one ETag field is the entity tag, weak or strong as sent (8.8.3)")
        void theEntityTag() {
            assertThat(of(ResponseHead.status(200).add("ETag", "\"a\"")).etag()).isEqualTo(A);
            assertThat(of(ResponseHead.status(200).add("ETag", " W/\"a\" ")).etag()).isEqualTo(WEAK_A);
        }

        @Test
        @DisplayName("two ETag fields, or one that is not an entity-tag, give no entity tag: never guess a validator")
        void anAmbiguousOrMalformedEtagIsNone() {
            assertThat(of(ResponseHead.status(200).add("ETag", "\"a\"").add("ETag", "\"b\"")).etag()).isNull();
            assertThat(of(ResponseHead.status(200).add("ETag", "a")).etag()).isNull();
            assertThat(of(ResponseHead.status(200).add("ETag", "\"a\", \"b\"")).etag()).isNull();
        }

        @Test
        @DisplayName("Last-Modified at least one second older than Date is strong (8.8.2.2)")
        void lastModifiedASecondOlderThanDateIsStrong() {
            RemoteVersion v = of(ResponseHead.status(200).add("Date", DATE).add("Last-Modified", SECOND_BEFORE));
            assertThat(v.lastModified()).isEqualTo(SECOND_BEFORE);
            assertThat(v.lastModifiedStrong()).isTrue();
            assertThat(of(ResponseHead.status(200).add("Date", DATE).add("Last-Modified", HOUR_BEFORE))
                    .lastModifiedStrong()).isTrue();
        }

        @Test
        @DisplayName("Last-Modified in the same second as Date, or after it, is weak: the file may change again unseen")
        void lastModifiedWithinASecondOfDateIsWeak() {
            assertThat(of(ResponseHead.status(200).add("Date", DATE).add("Last-Modified", DATE))
                    .lastModifiedStrong()).isFalse();
            assertThat(of(ResponseHead.status(200).add("Date", DATE).add("Last-Modified", SECOND_AFTER))
                    .lastModifiedStrong()).isFalse();
        }

        @Test
        @DisplayName("Date decides, not the local clock: a server clock behind ours does not make a fresh date strong")
        void theServersDateDecides() {
            // NOW is 12:00:00 here; the server says it is 11:59:59 and the file changed then
            RemoteVersion v = RemoteVersion.of(ResponseHead.status(200).add("Date", SECOND_BEFORE)
                    .add("Last-Modified", SECOND_BEFORE).build(), 100, NOW);
            assertThat(v.lastModifiedStrong()).isFalse();
        }

        @Test
        @DisplayName("an unreadable Last-Modified, or two, is no Last-Modified")
        void anUnreadableLastModifiedIsNone() {
            assertThat(of(ResponseHead.status(200).add("Date", DATE).add("Last-Modified", "yesterday"))
                    .lastModified()).isNull();
            assertThat(of(ResponseHead.status(200).add("Date", DATE).add("Last-Modified", HOUR_BEFORE)
                    .add("Last-Modified", SECOND_BEFORE)).lastModified()).isNull();
        }

        @Test
        @DisplayName("ranges are supported when the response is a 206 or says Accept-Ranges: bytes (14.3)")
        void rangeSupport() {
            assertThat(of(ResponseHead.status(206)).acceptsRanges()).isTrue();
            assertThat(of(ResponseHead.status(200).add("Accept-Ranges", "bytes")).acceptsRanges()).isTrue();
            assertThat(of(ResponseHead.status(200).add("Accept-Ranges", "Bytes")).acceptsRanges()).isTrue();
            assertThat(of(ResponseHead.status(200).add("Accept-Ranges", "none")).acceptsRanges()).isFalse();
            assertThat(of(ResponseHead.status(200)).acceptsRanges()).isFalse();
        }
    }

    @Nested
    @DisplayName("What may go in If-Range (13.1.5)")
    class IfRange {

        @Test
        @DisplayName("a strong entity tag")
        void theStrongEtag() {
            assertThat(v(100, A, HOUR_BEFORE, true).ifRange()).hasValue("\"a\"");
        }

        @Test
        @DisplayName("without an entity tag, a strong Last-Modified date")
        void aStrongDateWithoutAnEtag() {
            assertThat(v(100, null, HOUR_BEFORE, true).ifRange()).hasValue(HOUR_BEFORE);
        }

        @Test
        @DisplayName("never a weak entity tag, never a weak date: a resume without one must compare bytes")
        void nothingWeak() {
            assertThat(v(100, WEAK_A, null, false).ifRange()).isEmpty();
            assertThat(v(100, null, HOUR_BEFORE, false).ifRange()).isEmpty();
            assertThat(v(100, null, null, false).ifRange()).isEmpty();
        }

        @Test
        @DisplayName("splice: never a date beside a weak entity tag: the server said its bytes may differ (13.1.5)")
        void noDateBesideAWeakEtag() {
            // "A client MUST NOT generate an If-Range header field containing an HTTP-date unless the client has
            // no entity tag for the corresponding representation and the date is a strong validator." A weak tag
            // says the bytes may change (another coding, a regenerated page) without the date changing.
            assertThat(v(100, WEAK_A, HOUR_BEFORE, true).ifRange()).isEmpty();
        }

        @Test
        @DisplayName("property: a version can name itself in If-Range exactly when it is provably SAME as itself")
        void ifRangeAgreesWithCompare() {
            Props.forAll(Props.TRIES, g -> {
                String lm = g.pick(null, HOUR_BEFORE);
                return new RemoteVersion(g.pick(-1L, 100L), g.pick(null, A, WEAK_A), lm, lm != null && g.bool(), true);
            }, v -> assertThat(v.ifRange().isPresent()).isEqualTo(v.compare(v) == RemoteVersion.Match.SAME));
        }
    }

    @Nested
    @DisplayName("How two versions compare: SAME only on proof of the same bytes (8.8.3.2)")
    class Compare {

        @Test
        @DisplayName("the same strong entity tag is the same version")
        void theSameStrongEtag() {
            assertThat(v(100, A, null, false).compare(v(100, A, null, false))).isEqualTo(RemoteVersion.Match.SAME);
            assertThat(v(-1, A, null, false).compare(v(100, A, null, false))).isEqualTo(RemoteVersion.Match.SAME);
        }

        @Test
        @DisplayName("splice: another length is another version, even under the same strong entity tag")
        void anotherLengthIsDifferent() {
            assertThat(v(100, A, null, false).compare(v(101, A, null, false)))
                    .isEqualTo(RemoteVersion.Match.DIFFERENT);
        }

        @Test
        @DisplayName("entity tags that fail even weak comparison are different versions")
        void otherTagsAreDifferent() {
            assertThat(v(100, A, null, false).compare(v(100, B, null, false))).isEqualTo(RemoteVersion.Match.DIFFERENT);
            assertThat(v(100, WEAK_A, null, false).compare(v(100, EntityTag.weak("b"), null, false)))
                    .isEqualTo(RemoteVersion.Match.DIFFERENT);
        }

        @Test
        @DisplayName("splice: a weak tag matching only weakly is not proof: the bytes must be compared")
        void aWeakMatchIsUnknown() {
            assertThat(v(100, A, null, false).compare(v(100, WEAK_A, null, false)))
                    .isEqualTo(RemoteVersion.Match.UNKNOWN);
            assertThat(v(100, WEAK_A, null, false).compare(v(100, WEAK_A, null, false)))
                    .isEqualTo(RemoteVersion.Match.UNKNOWN);
        }

        @Test
        @DisplayName("a weak tag matching weakly, but another Last-Modified, is a different version")
        void aWeakMatchWithAnotherDateIsDifferent() {
            assertThat(v(100, WEAK_A, HOUR_BEFORE, true).compare(v(100, WEAK_A, SECOND_BEFORE, true)))
                    .isEqualTo(RemoteVersion.Match.DIFFERENT);
        }

        @Test
        @DisplayName("Last-Modified-only versions: the same date, strong on both sides, is the same version")
        void theSameStrongDate() {
            assertThat(v(100, null, HOUR_BEFORE, true).compare(v(100, null, HOUR_BEFORE, true)))
                    .isEqualTo(RemoteVersion.Match.SAME);
        }

        @Test
        @DisplayName("Last-Modified-only versions: the same date weak on either side is not proof")
        void theSameWeakDate() {
            assertThat(v(100, null, DATE, false).compare(v(100, null, DATE, true)))
                    .isEqualTo(RemoteVersion.Match.UNKNOWN);
            assertThat(v(100, null, DATE, true).compare(v(100, null, DATE, false)))
                    .isEqualTo(RemoteVersion.Match.UNKNOWN);
        }

        @Test
        @DisplayName("Last-Modified-only versions: another date is another version, strong or weak")
        void anotherDate() {
            assertThat(v(100, null, HOUR_BEFORE, true).compare(v(100, null, SECOND_BEFORE, true)))
                    .isEqualTo(RemoteVersion.Match.DIFFERENT);
            assertThat(v(100, null, HOUR_BEFORE, false).compare(v(100, null, SECOND_BEFORE, false)))
                    .isEqualTo(RemoteVersion.Match.DIFFERENT);
        }

        @Test
        @DisplayName("Last-Modified is compared as sent: the same second in another date format counts as another")
        void datesAreComparedAsSent() {
            // If-Range wants the date exactly as Last-Modified (13.1.5); a server that changes its format is
            // taken as having changed the file: a restart, never a splice.
            assertThat(v(100, null, "Mon, 01 Jan 2024 11:00:00 GMT", true)
                    .compare(v(100, null, "Monday, 01-Jan-24 11:00:00 GMT", true)))
                    .isEqualTo(RemoteVersion.Match.DIFFERENT);
        }

        @Test
        @DisplayName("the same strong date beside entity tags is not proof by itself: the tags decide")
        void aDateBesideTagsIsNotProof() {
            assertThat(v(100, A, HOUR_BEFORE, true).compare(v(100, null, HOUR_BEFORE, true)))
                    .isEqualTo(RemoteVersion.Match.UNKNOWN);
        }

        @Test
        @DisplayName("a validator on one side only proves nothing either way")
        void aValidatorOnOneSide() {
            assertThat(v(100, A, null, false).compare(v(100, null, null, false))).isEqualTo(RemoteVersion.Match.UNKNOWN);
            assertThat(v(100, null, null, false).compare(v(100, null, HOUR_BEFORE, true)))
                    .isEqualTo(RemoteVersion.Match.UNKNOWN);
            assertThat(v(-1, null, null, false).compare(v(100, null, null, false))).isEqualTo(RemoteVersion.Match.UNKNOWN);
        }

        @Test
        @DisplayName("property: comparison is symmetric, and another known length is always DIFFERENT")
        void symmetricAndLengthFirst() {
            Props.forAll(Props.TRIES, g -> new RemoteVersion[] {version(g), version(g)}, p -> {
                assertThat(p[0].compare(p[1])).as("%s vs %s", p[0], p[1]).isEqualTo(p[1].compare(p[0]));
                if (p[0].length() >= 0 && p[1].length() >= 0 && p[0].length() != p[1].length()) {
                    assertThat(p[0].compare(p[1])).isEqualTo(RemoteVersion.Match.DIFFERENT);
                }
                if (p[0].compare(p[1]) == RemoteVersion.Match.SAME) {
                    // SAME needs a strong validator, held by both
                    assertThat(p[0].ifRange()).isPresent();
                    assertThat(p[1].ifRange()).isPresent();
                }
            });
        }

        private RemoteVersion version(Props.Gen g) {
            EntityTag etag = g.pick(null, A, WEAK_A, B, EntityTag.weak("b"));
            String lm = g.pick(null, HOUR_BEFORE, SECOND_BEFORE);
            return new RemoteVersion(g.pick(-1L, 100L, 101L), etag, lm, lm != null && g.bool(), g.bool());
        }
    }

    @Test
    @DisplayName("withLength changes the length only")
    void withLength() {
        assertThat(v(-1, A, HOUR_BEFORE, true).withLength(100)).isEqualTo(v(100, A, HOUR_BEFORE, true));
    }
}
