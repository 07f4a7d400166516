package dev.carryon.core.upload;

import dev.carryon.core.Props;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

/** What may be done to an upload, with the status and reason each refusal carries. */
class UploadRulesTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final OptionalLong NONE = OptionalLong.empty();

    static Upload upload(long length, long offset) {
        return new Upload("id", length, offset, UploadMetadata.EMPTY, TusFields.Concat.NONE, null, NOW.minusSeconds(60),
                NOW.plusSeconds(3600), Upload.State.ACTIVE, null, null);
    }

    static Upload owned(String owner, Instant expires, Upload.State state) {
        return new Upload("id", 10, 0, UploadMetadata.EMPTY, TusFields.Concat.NONE, owner, NOW.minusSeconds(60),
                expires, state, null, null);
    }

    /** The append rule as tus meets it: the protocols differ only on an upload that is complete (tested below). */
    static long append(Upload u, long offset, OptionalLong declared, long body, long max) {
        return UploadRules.append(u, offset, declared, body, max, UploadRules.Completed.EMPTY_APPEND_MATCHES);
    }

    static UploadException refusal(Runnable r) {
        try {
            r.run();
        } catch (UploadException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    // ---- access ----

    @Test
    void theOwnerAndOnlyTheOwnerMayTouchAnUpload() {
        assertThatCode(() -> UploadRules.access(owned("token-a", null, Upload.State.ACTIVE), "token-a", NOW))
                .doesNotThrowAnyException();
        UploadException stranger = refusal(() -> UploadRules.access(owned("token-a", null, Upload.State.ACTIVE),
                "token-b", NOW));
        assertThat(stranger.status()).as("404, not 403: the id tells a stranger nothing").isEqualTo(404);
        assertThat(refusal(() -> UploadRules.access(owned("token-a", null, Upload.State.ACTIVE), null, NOW))
                .status()).isEqualTo(404);
        assertThatCode(() -> UploadRules.access(owned(null, null, Upload.State.ACTIVE), "token-b", NOW))
                .as("an anonymous upload").doesNotThrowAnyException();
    }

    @Test
    void anUploadPastItsExpiryIsGone() {
        assertThat(refusal(() -> UploadRules.access(owned(null, NOW.minusMillis(1), Upload.State.ACTIVE), null, NOW))
                .status()).isEqualTo(410);
        assertThat(refusal(() -> UploadRules.access(owned(null, NOW, Upload.State.ACTIVE), null, NOW)).status())
                .as("expiring at this instant").isEqualTo(410);
        assertThatCode(() -> UploadRules.access(owned(null, NOW.plusMillis(1), Upload.State.ACTIVE), null, NOW))
                .doesNotThrowAnyException();
        assertThat(refusal(() -> UploadRules.access(owned(null, NOW.plusSeconds(99), Upload.State.EXPIRED), null,
                NOW)).status()).as("swept").isEqualTo(410);
        assertThatCode(() -> UploadRules.access(owned(null, NOW.minusSeconds(99), Upload.State.COMPLETE), null, NOW))
                .as("a completed upload does not expire").doesNotThrowAnyException();
        assertThatCode(() -> UploadRules.access(owned(null, null, Upload.State.ACTIVE), null, NOW))
                .as("no expiry").doesNotThrowAnyException();
    }

    @Test
    void aStrangerLearnsNotEvenThatTheUploadExpired() {
        assertThat(refusal(() -> UploadRules.access(owned("token-a", NOW.minusSeconds(1), Upload.State.EXPIRED),
                "token-b", NOW)).status()).isEqualTo(404);
    }

    // ---- creation ----

    @Test
    void creationNeedsALengthWithinTheMaximum() {
        assertThatCode(() -> UploadRules.creation(0, false, 0)).doesNotThrowAnyException();
        assertThatCode(() -> UploadRules.creation(-1, true, 100)).as("deferred").doesNotThrowAnyException();
        assertThatCode(() -> UploadRules.creation(100, false, 100)).as("exactly the maximum").doesNotThrowAnyException();
        assertThatCode(() -> UploadRules.creation(Long.MAX_VALUE, false, 0)).as("0: no maximum")
                .doesNotThrowAnyException();
        assertThat(refusal(() -> UploadRules.creation(-1, false, 0)).status()).isEqualTo(400);
        UploadException big = refusal(() -> UploadRules.creation(101, false, 100));
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.getMessage()).contains("101", "100");
    }

    // ---- concatenation ----

    @Test
    void aFinalNamesEachPartialOnce() {
        assertThatCode(() -> UploadRules.finalParts(List.of("a", "b", "c"))).doesNotThrowAnyException();
        UploadException twice = refusal(() -> UploadRules.finalParts(List.of("a", "b", "a")));
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.getMessage()).contains("a", "twice");
    }

    @Test
    void aFinalIsCreatedWithoutABody() {
        assertThatCode(() -> UploadRules.finalCreation(false)).doesNotThrowAnyException();
        UploadException body = refusal(() -> UploadRules.finalCreation(true));
        assertThat(body.status()).as("as a PATCH to a final").isEqualTo(403);
        assertThat(body.getMessage()).contains("takes no data");
    }

    @Test
    void aFinalIsTheSumOfItsPartsAndHeldToTheMaximum() {
        assertThat(UploadRules.finalLength(List.of(3L, 4L), 0)).isEqualTo(7);
        assertThat(UploadRules.finalLength(List.of(3L, 4L), 7)).as("exactly the maximum").isEqualTo(7);
        assertThat(UploadRules.finalLength(List.of(3L, -1L), 7)).as("a part's length unknown").isEqualTo(-1);
        UploadException over = refusal(() -> UploadRules.finalLength(List.of(4L, 4L), 7));
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.getMessage()).contains("8", "7");
        assertThat(refusal(() -> UploadRules.finalLength(List.of(8L, -1L), 7)).status())
                .as("the known parts alone are over").isEqualTo(413);
        assertThat(UploadRules.finalLength(List.of(Long.MAX_VALUE, Long.MAX_VALUE), 0))
                .as("no overflow into a negative length").isEqualTo(Long.MAX_VALUE);
        assertThat(refusal(() -> UploadRules.finalLength(List.of(Long.MAX_VALUE, 1L), 100)).status()).isEqualTo(413);
    }

    // ---- append ----

    @Test
    void anAppendAtTheOffsetKeepsTheLength() {
        assertThat(append(upload(10, 4), 4, NONE, 6, 0)).isEqualTo(10);
        assertThat(append(upload(10, 4), 4, NONE, -1, 0)).as("chunked: checked while written")
                .isEqualTo(10);
        assertThat(append(upload(10, 4), 4, NONE, 0, 0)).as("an empty append").isEqualTo(10);
    }

    @Test
    void aWrongOffsetIs409WithTheRightOne() {
        for (long wrong : List.of(0L, 3L, 5L, 10L, Long.MAX_VALUE)) {
            UploadException e = refusal(() -> append(upload(10, 4), wrong, NONE, 1, 0));
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.currentOffset()).isEqualTo(4);
            assertThat(e.getMessage()).contains("4", Long.toString(wrong));
        }
    }

    @Test
    void aCompleteUploadTakesNoMore() {
        Upload done = upload(10, 10).completed("x", new byte[32]);
        for (UploadRules.Completed protocol : UploadRules.Completed.values()) {
            for (long[] c : new long[][] {{10, 1}, {10, -1}, {9, 0}, {0, 0}}) {
                UploadException e = refusal(() -> UploadRules.append(done, c[0], NONE, c[1], 0, protocol));
                assertThat(e.status()).as(protocol + " offset " + c[0] + " body " + c[1]).isEqualTo(409);
                assertThat(e.reason()).isEqualTo(UploadException.Reason.ALREADY_COMPLETE);
                assertThat(e.getMessage()).contains("already complete");
                assertThat(e.currentOffset()).isEqualTo(10);
            }
        }
    }

    @Test
    void anEmptyAppendAtTheOffsetOfACompleteUploadMatchesInTusOnly() {
        Upload done = upload(10, 10).completed("x", new byte[32]);
        UploadRules.Completed tus = UploadRules.Completed.EMPTY_APPEND_MATCHES;
        assertThat(UploadRules.append(done, 10, NONE, 0, 0, tus)).isEqualTo(10);
        assertThat(UploadRules.append(done, 10, OptionalLong.of(10), 0, 0, tus)).as("its own length").isEqualTo(10);
        assertThat(refusal(() -> UploadRules.append(done, 10, OptionalLong.of(11), 0, 0, tus)).status())
                .isEqualTo(409);
        UploadException ietf = refusal(() -> UploadRules.append(done, 10, NONE, 0, 0, UploadRules.Completed.REFUSED));
        assertThat(ietf.reason()).isEqualTo(UploadException.Reason.ALREADY_COMPLETE);
    }

    @Test
    void aFinalUploadTakesNoData() {
        Upload fin = new Upload("id", 10, 0, UploadMetadata.EMPTY,
                new TusFields.Concat(TusFields.Concat.Kind.FINAL, List.of("a", "b")), null, NOW, null,
                Upload.State.ACTIVE, null, null);
        assertThat(refusal(() -> append(fin, 0, NONE, 1, 0)).status()).isEqualTo(403);
        assertThat(refusal(() -> append(fin.completed("x", null), 10, NONE, 0, 0)).status())
                .as("403 before anything else").isEqualTo(403);
    }

    @Test
    void aBodyPastTheLengthIs413BeforeAnyByte() {
        UploadException e = refusal(() -> append(upload(10, 4), 4, NONE, 7, 0));
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).contains("past the upload's length");
    }

    @Test
    void aDeferredLengthIsSetOnceAndNeverBelowTheOffset() {
        Upload deferred = upload(-1, 5);
        assertThat(append(deferred, 5, OptionalLong.of(9), 4, 0)).isEqualTo(9);
        assertThat(append(deferred, 5, OptionalLong.of(5), 0, 0)).as("ends here").isEqualTo(5);
        assertThat(append(deferred, 5, NONE, 100, 0)).as("still unknown").isEqualTo(-1);
        assertThat(refusal(() -> append(deferred, 5, OptionalLong.of(4), 0, 0)).status())
                .isEqualTo(400);
        assertThat(refusal(() -> append(deferred, 5, OptionalLong.of(8), 4, 0)).status())
                .as("the body runs past the length it declares").isEqualTo(413);
        assertThat(refusal(() -> append(deferred, 5, OptionalLong.of(101), 0, 100)).status())
                .as("over the maximum").isEqualTo(413);
        assertThat(refusal(() -> append(deferred, 5, NONE, 96, 100)).status())
                .as("unknown length, body past the maximum").isEqualTo(413);
        assertThat(append(deferred, 5, NONE, 95, 100)).isEqualTo(-1);
    }

    @Test
    void aKnownLengthCannotChange() {
        UploadException e = refusal(() -> append(upload(10, 4), 4, OptionalLong.of(11), 1, 0));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("cannot become");
        assertThat(append(upload(10, 4), 4, OptionalLong.of(10), 6, 0)).as("the same length again")
                .isEqualTo(10);
    }

    @Test
    void anAcceptedAppendNeverEndsPastTheLengthOrTheMaximum() {
        Props.forAll(Props.TRIES, g -> {
            long length = g.bool() ? -1 : g.longIn(0, 1000);
            long offset = length < 0 ? g.longIn(0, 1000) : g.longIn(0, length);
            long requested = g.oneIn(3) ? g.longIn(0, 1000) : offset;
            OptionalLong declared = g.oneIn(3) ? OptionalLong.of(g.longIn(0, 1200)) : NONE;
            long body = g.oneIn(5) ? -1 : g.longIn(0, 1200);
            long max = g.bool() ? 0 : g.longIn(1, 1500);
            return new long[] {length, offset, requested, declared.orElse(-2), body, max};
        }, c -> {
            Upload u = upload(c[0], c[1]);
            OptionalLong declared = c[3] == -2 ? NONE : OptionalLong.of(c[3]);
            long result;
            try {
                result = append(u, c[2], declared, c[4], c[5]);
            } catch (UploadException e) {
                assertThat(e.status()).isIn(400, 409, 413);
                if (e.status() == 409) {
                    assertThat(c[2]).isNotEqualTo(c[1]);
                    assertThat(e.currentOffset()).isEqualTo(c[1]);
                }
                return;
            }
            assertThat(c[2]).as("accepted only at the offset").isEqualTo(c[1]);
            if (u.lengthKnown()) {
                assertThat(result).as("a known length never changes").isEqualTo(u.length());
            }
            if (result >= 0) {
                assertThat(result).isGreaterThanOrEqualTo(c[1]);
                if (c[4] >= 0) {
                    assertThat(c[1] + c[4]).isLessThanOrEqualTo(result);
                }
                if (c[5] > 0 && declared.isPresent()) {
                    assertThat(result).isLessThanOrEqualTo(c[5]);
                }
            } else if (c[5] > 0 && c[4] >= 0) {
                assertThat(c[1] + c[4]).isLessThanOrEqualTo(c[5]);
            }
        });
    }
}
