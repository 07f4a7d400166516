package dev.carryon.core.download;

import dev.carryon.core.range.ByteRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 200 to If-Range is the server's word that the file changed, except when it is the server declining to
 * trust a validator that is less than a second old (Apache): then the same request succeeds a second later,
 * and starting over would only be declined again.
 */
class DeclinedIfRangeTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:10Z");
    private static final String DATE = "Fri, 04 Dec 2026 12:00:10 GMT";
    private static final String SECOND_AGO = "Fri, 04 Dec 2026 12:00:09 GMT";
    private static final String MINUTE_AGO = "Fri, 04 Dec 2026 11:59:10 GMT";
    private static final ByteRange ASKED = new ByteRange(1000, 1999);

    private static ResponseHead whole(String lastModified) {
        return ResponseHead.status(200).add("Date", DATE).add("Last-Modified", lastModified)
                .add("Accept-Ranges", "bytes").add("Content-Length", "4000").build();
    }

    private static RemoteVersion assembled(String lastModified) {
        return new RemoteVersion(4000, null, lastModified, true, true);
    }

    @Test
    void theSameDateASecondOldIsDeclinedAndWaitedForAboutASecond() {
        Verdict v = ResponseJudge.judge(ASKED, assembled(SECOND_AGO), true, whole(SECOND_AGO), NOW);
        assertThat(v).isInstanceOf(Verdict.Retry.class);
        assertThat(((Verdict.Retry) v).retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void theSameOlderDateIsAServerThatIgnoredTheRangeAndItsBodyIsTheDownloadFromZero() {
        Verdict v = ResponseJudge.judge(ASKED, assembled(MINUTE_AGO), true, whole(MINUTE_AGO), NOW);
        assertThat(v).isInstanceOfSatisfying(Verdict.Body.class, b -> assertThat(b.restart()).isTrue());
    }

    @Test
    void anotherDateIsAChangedFileAndARestart() {
        Verdict v = ResponseJudge.judge(ASKED, assembled(MINUTE_AGO), true, whole(SECOND_AGO), NOW);
        assertThat(v).isInstanceOfSatisfying(Verdict.Body.class, b -> assertThat(b.restart()).isTrue());
    }

    @Test
    void anotherLengthIsAChangedFileEvenWithTheSameDate() {
        Verdict v = ResponseJudge.judge(ASKED, new RemoteVersion(5000, null, SECOND_AGO, true, true), true,
                whole(SECOND_AGO), NOW);
        assertThat(v).isInstanceOfSatisfying(Verdict.Body.class, b -> assertThat(b.restart()).isTrue());
    }

    @Test
    void aServerThatNoLongerOffersRangesIsARestartNotAWait() {
        ResponseHead head = ResponseHead.status(200).add("Date", DATE).add("Last-Modified", SECOND_AGO)
                .add("Content-Length", "4000").build();
        Verdict v = ResponseJudge.judge(ASKED, assembled(SECOND_AGO), true, head, NOW);
        assertThat(v).isInstanceOfSatisfying(Verdict.Body.class, b -> assertThat(b.restart()).isTrue());
    }

    @Test
    void withoutIfRangeA200IsNeverADecline() {
        Verdict v = ResponseJudge.judge(ASKED, assembled(SECOND_AGO), false, whole(SECOND_AGO), NOW);
        assertThat(v).isInstanceOf(Verdict.Body.class);
    }
}
