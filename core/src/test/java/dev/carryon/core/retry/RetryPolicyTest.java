package dev.carryon.core.retry;

import dev.carryon.core.download.Backoff;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One retry policy for downloads and uploads: which answers mean "later", how long later is, when to stop. */
class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30),
            Duration.ofMinutes(10));

    @Nested
    @DisplayName("statuses that mean later, not no")
    class Retryable {

        @ParameterizedTest
        @ValueSource(ints = {408, 425, 429})
        void theStatusesThatSayTryAgainAreRetried(int status) {
            assertThat(RetryPolicy.retryable(status)).isTrue();
        }

        @Test
        void aLockedTusUploadIsRetriedBecauseAnEarlierConnectionStillHoldsIt() {
            assertThat(RetryPolicy.retryable(423)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(ints = {500, 502, 503, 504, 509, 520, 522, 599})
        void aServerErrorIsTheServersTroubleAndRetried(int status) {
            assertThat(RetryPolicy.retryable(status)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(ints = {501, 505, 507, 508, 510, 511})
        void aServerErrorNamingWhatARetryCannotChangeIsFinal(int status) {
            assertThat(RetryPolicy.retryable(status)).isFalse();
        }

        @ParameterizedTest
        @ValueSource(ints = {200, 206, 301, 400, 401, 403, 404, 409, 410, 412, 413, 416, 460})
        void everythingElseIsAnAnswerNotATransientFailure(int status) {
            assertThat(RetryPolicy.retryable(status)).isFalse();
        }
    }

    @Nested
    @DisplayName("Retry-After, RFC 9110 section 10.2.3")
    class RetryAfter {

        @Test
        void delaySecondsAreADuration() {
            assertThat(RetryPolicy.retryAfter("120", NOW)).contains(Duration.ofSeconds(120));
            assertThat(RetryPolicy.retryAfter(" 7 ", NOW)).contains(Duration.ofSeconds(7));
        }

        @Test
        void anHttpDateIsTheTimeUntilThen() {
            assertThat(RetryPolicy.retryAfter("Fri, 04 Dec 2026 12:01:30 GMT", NOW)).contains(Duration.ofSeconds(90));
        }

        @Test
        void theObsoleteDateFormsAreReadToo() {
            assertThat(RetryPolicy.retryAfter("Friday, 04-Dec-26 12:00:10 GMT", NOW)).contains(Duration.ofSeconds(10));
            assertThat(RetryPolicy.retryAfter("Fri Dec  4 12:00:10 2026", NOW)).contains(Duration.ofSeconds(10));
        }

        @Test
        void aDateInThePastMeansNoWait() {
            assertThat(RetryPolicy.retryAfter("Fri, 04 Dec 2026 11:00:00 GMT", NOW)).contains(Duration.ZERO);
        }

        @Test
        void hugeSecondsAreCappedAtADayRatherThanOverflowing() {
            assertThat(RetryPolicy.retryAfter("99999999999999999999999", NOW)).contains(Duration.ofDays(1));
            assertThat(RetryPolicy.retryAfter("86401", NOW)).contains(Duration.ofDays(1));
        }

        @Test
        void absentOrUnreadableIsNoRequestAtAll() {
            assertThat(RetryPolicy.retryAfter(null, NOW)).isEmpty();
            assertThat(RetryPolicy.retryAfter("", NOW)).isEmpty();
            assertThat(RetryPolicy.retryAfter("-5", NOW)).isEmpty();
            assertThat(RetryPolicy.retryAfter("soon", NOW)).isEmpty();
            assertThat(RetryPolicy.retryAfter("1.5", NOW)).isEmpty();
        }
    }

    @Nested
    @DisplayName("waiting and giving up")
    class AfterFailure {

        private final RetryPolicy policy = new RetryPolicy(3, BACKOFF);

        @Test
        void eachFailureUpToTheRetriesWaitsLongerThanTheOneBefore() {
            long previous = 0;
            for (int n = 1; n <= 3; n++) {
                RetryPolicy.Decision d = policy.afterFailure(n, "reset", "What is held is kept", null, 0.999);
                assertThat(d).isInstanceOf(RetryPolicy.Wait.class);
                long ms = ((RetryPolicy.Wait) d).delay().toMillis();
                assertThat(ms).isGreaterThan(previous);
                previous = ms;
            }
        }

        @Test
        void oneFailureMoreThanTheRetriesGivesUpSayingWhatHappenedAndThatARerunResumes() {
            RetryPolicy.Decision d = policy.afterFailure(4, "connection reset", "What is held is kept", null, 0.5);
            assertThat(d).isInstanceOf(RetryPolicy.GiveUp.class);
            assertThat(((RetryPolicy.GiveUp) d).message()).isEqualTo("gave up after 3 failed attempts in a row"
                    + " without progress; the last: connection reset. What is held is kept: rerun the same command"
                    + " to resume");
        }

        @Test
        void noRetriesGivesUpAtTheFirstFailure() {
            assertThat(new RetryPolicy(0, BACKOFF).afterFailure(1, "x", "k", null, 0.5))
                    .isInstanceOf(RetryPolicy.GiveUp.class);
        }

        @Test
        void theServersRetryAfterIsWhatIsWaitedInsteadOfOurOwnDelay() {
            RetryPolicy.Decision d = policy.afterFailure(1, "503", "k", Duration.ofSeconds(20), 0.5);
            assertThat(((RetryPolicy.Wait) d).delay()).isEqualTo(Duration.ofSeconds(20));
            RetryPolicy.Decision third = policy.afterFailure(3, "503", "k", Duration.ofMillis(1200), 0.999);
            assertThat(((RetryPolicy.Wait) third).delay()).isEqualTo(Duration.ofMillis(1200));
        }

        @Test
        void aRetryAfterBeyondTheCapIsWaitedForOnlyUpToTheCap() {
            RetryPolicy.Decision d = policy.afterFailure(1, "503", "k", Duration.ofHours(5), 0.5);
            assertThat(((RetryPolicy.Wait) d).delay()).isEqualTo(Duration.ofMinutes(10));
        }

        @Test
        void negativeRetriesAreRefused() {
            assertThatThrownBy(() -> new RetryPolicy(-1, BACKOFF)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
