package dev.carryon.core.journal;

import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.MultipartLayout;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SessionGrouperTest {

    private static final long GAP = 60_000;
    private static final long T0 = 1_700_000_000_000L;
    private static final String ETAG = "\"abc\"";

    private final AtomicInteger seq = new AtomicInteger();
    private final SessionGrouper grouper = new SessionGrouper(GAP, () -> "s" + seq.incrementAndGet());

    private static DownloadEvent range(long first, long last, long start, long end) {
        return range("/f.bin", ETAG, "10.0.0.1", "curl/8", first, last, start, end, last - first + 1);
    }

    private static DownloadEvent range(String path, String etag, String remote, String ua, long first, long last,
                                       long start, long end, long sent) {
        return new DownloadEvent(path, etag, 1000, remote, ua, null, start, end, new ByteRange(first, last), null,
                0, sent, true);
    }

    private static List<List<Long>> coverage(DownloadSession s) {
        return s.snapshot().coverage().stream().map(i -> List.of(i[0], i[1])).toList();
    }

    @Test
    void parallelRangesOfOneClientAreOneSessionAndCompleteIt() {
        // Four connections of a segmented download, finishing out of order.
        DownloadSession a = grouper.record(range(250, 499, T0, T0 + 900));
        DownloadSession b = grouper.record(range(0, 249, T0, T0 + 1000));
        DownloadSession c = grouper.record(range(750, 999, T0 + 5, T0 + 1100));
        assertThat(c.complete()).isFalse();
        DownloadSession d = grouper.record(range(500, 749, T0 + 5, T0 + 1200));
        assertThat(List.of(b, c, d)).allMatch(s -> s == a);
        assertThat(grouper.sessions()).hasSize(1);
        DownloadRecord r = a.snapshot();
        assertThat(r.requests()).isEqualTo(4);
        assertThat(r.bytesSent()).isEqualTo(1000);
        assertThat(r.covered()).isEqualTo(1000);
        assertThat(coverage(a)).containsExactly(List.of(0L, 1000L));
        assertThat(r.complete()).isTrue();
        assertThat(r.state(T0 + 1300)).isEqualTo(TransferState.DONE);
        assertThat(r.firstActivity()).isEqualTo(T0);
        assertThat(r.lastActivity()).isEqualTo(T0 + 1200);
    }

    @Test
    void theGapBoundaryIsInclusive() {
        DownloadSession first = grouper.record(range(0, 99, T0, T0 + 10));
        DownloadSession atGap = grouper.record(range(100, 199, T0 + 10 + GAP, T0 + 20 + GAP));
        assertThat(atGap).isSameAs(first);
        DownloadSession pastGap = grouper.record(range(200, 299, T0 + 20 + 2 * GAP + 1, T0 + 30 + 2 * GAP));
        assertThat(pastGap).isNotSameAs(first);
        assertThat(coverage(pastGap)).containsExactly(List.of(200L, 300L));
        assertThat(coverage(first)).containsExactly(List.of(0L, 200L));
        assertThat(grouper.sessions()).hasSize(2);
    }

    @Test
    void aLongResponseStartedWithinTheGapJoinsEvenIfItEndsMuchLater() {
        DownloadSession s = grouper.record(range(0, 99, T0, T0 + 10));
        DownloadSession later = grouper.record(range(100, 999, T0 + 20, T0 + 10 * GAP));
        assertThat(later).isSameAs(s);
        assertThat(s.lastActivity()).isEqualTo(T0 + 10 * GAP);
    }

    @Test
    void anotherVersionOfTheSameFileIsAnotherSession() {
        DownloadSession a = grouper.record(range(0, 99, T0, T0 + 10));
        DownloadSession b = grouper.record(range("/f.bin", "\"other\"", "10.0.0.1", "curl/8", 100, 199, T0 + 20,
                T0 + 30, 100));
        assertThat(b).isNotSameAs(a);
        assertThat(b.etag()).isEqualTo("\"other\"");
        assertThat(coverage(a)).containsExactly(List.of(0L, 100L));
        assertThat(coverage(b)).containsExactly(List.of(100L, 200L));
    }

    @Test
    void aWeakTagThatTurnedStrongIsTheSameVersion() {
        DownloadSession a = grouper.record(range("/f.bin", "W/\"abc\"", "10.0.0.1", "curl/8", 0, 499, T0, T0 + 10,
                500));
        DownloadSession b = grouper.record(range(500, 999, T0 + 2000, T0 + 2010));
        assertThat(b).isSameAs(a);
        assertThat(a.complete()).isTrue();
    }

    @Test
    void anotherUserAgentAddressOrPathIsAnotherSession() {
        DownloadSession a = grouper.record(range(0, 99, T0, T0 + 10));
        DownloadSession ua = grouper.record(range("/f.bin", ETAG, "10.0.0.1", "wget/1", 0, 99, T0, T0 + 10, 100));
        DownloadSession addr = grouper.record(range("/f.bin", ETAG, "10.0.0.2", "curl/8", 0, 99, T0, T0 + 10, 100));
        DownloadSession path = grouper.record(range("/g.bin", ETAG, "10.0.0.1", "curl/8", 0, 99, T0, T0 + 10, 100));
        DownloadSession noUa = grouper.record(range("/f.bin", ETAG, "10.0.0.1", null, 0, 99, T0, T0 + 10, 100));
        assertThat(List.of(a, ua, addr, path, noUa)).doesNotHaveDuplicates();
        assertThat(grouper.sessions()).hasSize(5);
        assertThat(ua.snapshot().userAgent()).isEqualTo("wget/1");
    }

    @Test
    void aTokenGroupsAcrossAddressesAndUserAgents() {
        DownloadEvent one = new DownloadEvent("/f.bin", ETAG, 1000, "10.0.0.1", "a", "token-1", T0, T0 + 5,
                new ByteRange(0, 499), null, 0, 500, true);
        DownloadEvent two = new DownloadEvent("/f.bin", ETAG, 1000, "10.0.0.9", "b", "token-1", T0 + 1, T0 + 6,
                new ByteRange(500, 999), null, 0, 500, true);
        DownloadEvent other = new DownloadEvent("/f.bin", ETAG, 1000, "10.0.0.1", "a", "token-2", T0 + 1, T0 + 6,
                new ByteRange(500, 999), null, 0, 500, true);
        DownloadSession s = grouper.record(one);
        assertThat(grouper.record(two)).isSameAs(s);
        assertThat(grouper.record(other)).isNotSameAs(s);
        assertThat(s.complete()).isTrue();
        assertThat(s.snapshot().client()).isEqualTo("10.0.0.9");
    }

    @Test
    void overlappingAndAdjacentRangesMergeAndRepeatsCountAsSentNotCovered() {
        DownloadSession s = grouper.record(range(0, 99, T0, T0 + 1));
        grouper.record(range(50, 149, T0 + 2, T0 + 3));
        grouper.record(range(150, 199, T0 + 4, T0 + 5));
        grouper.record(range(300, 399, T0 + 6, T0 + 7));
        grouper.record(range(0, 99, T0 + 8, T0 + 9));
        assertThat(coverage(s)).containsExactly(List.of(0L, 200L), List.of(300L, 400L));
        assertThat(s.covered()).isEqualTo(300);
        assertThat(s.snapshot().bytesSent()).isEqualTo(450);
        assertThat(s.complete()).isFalse();
        assertThat(s.snapshot().state(T0 + 10)).isEqualTo(TransferState.ACTIVE);
        assertThat(s.snapshot().state(T0 + 9 + TransferState.ACTIVE_MILLIS + 1)).isEqualTo(TransferState.IDLE);
    }

    @Test
    void aCutResponseCoversOnlyTheBytesSent() {
        DownloadSession s = grouper.record(range("/f.bin", ETAG, "10.0.0.1", "curl/8", 100, 999, T0, T0 + 5, 250));
        assertThat(coverage(s)).containsExactly(List.of(100L, 350L));
        assertThat(s.snapshot().bytesSent()).isEqualTo(250);
        DownloadSession none = grouper.record(range("/f.bin", ETAG, "10.0.0.1", "x", 0, 999, T0, T0 + 5, 0));
        assertThat(none.covered()).isZero();
        assertThat(none.snapshot().requests()).isEqualTo(1);
    }

    @Test
    void progressEventsCoverAsTheyGoAndCountOneRequestWhenTheResponseEnds() {
        ByteRange whole = new ByteRange(0, 999);
        DownloadSession s = grouper.record(new DownloadEvent("/f.bin", ETAG, 1000, "10.0.0.1", "c", null, T0,
                T0 + 1000, whole, null, 0, 400, false));
        assertThat(s.snapshot().requests()).isZero();
        assertThat(s.covered()).isEqualTo(400);
        grouper.record(new DownloadEvent("/f.bin", ETAG, 1000, "10.0.0.1", "c", null, T0, T0 + 1500, whole, null,
                400, 1000, true));
        assertThat(s.snapshot().requests()).isEqualTo(1);
        assertThat(s.complete()).isTrue();
        assertThat(s.snapshot().bytesSent()).isEqualTo(1000);
    }

    @Test
    void multipartCoversThePartsPayloadsOnly() {
        MultipartLayout layout = new MultipartLayout("B", "application/octet-stream", 1000,
                List.of(new ByteRange(0, 9), new ByteRange(100, 149), new ByteRange(990, 999)));
        DownloadEvent all = new DownloadEvent("/f.bin", ETAG, 1000, "10.0.0.1", "c", null, T0, T0 + 1, null, layout,
                0, layout.contentLength(), true);
        DownloadSession s = grouper.record(all);
        assertThat(coverage(s)).containsExactly(List.of(0L, 10L), List.of(100L, 150L), List.of(990L, 1000L));
        assertThat(s.snapshot().bytesSent()).isEqualTo(layout.contentLength());

        // Cut within the second part's payload: 20 of its 50 bytes left.
        int h1 = layout.parts().get(0).header().length;
        int h2 = layout.parts().get(1).header().length;
        long cutAt = h1 + 10 + h2 + 20;
        DownloadEvent cut = new DownloadEvent("/f.bin", ETAG, 1000, "10.0.0.1", "other", null, T0, T0 + 1, null,
                layout, 0, cutAt, true);
        DownloadSession c = grouper.record(cut);
        assertThat(coverage(c)).containsExactly(List.of(0L, 10L), List.of(100L, 120L));

        // Cut within the second part's header: only the first part counts.
        DownloadEvent inHeader = new DownloadEvent("/f.bin", ETAG, 1000, "10.0.0.1", "third", null, T0, T0 + 1,
                null, layout, 0, h1 + 10 + 3, true);
        assertThat(coverage(grouper.record(inHeader))).containsExactly(List.of(0L, 10L));
    }

    @Test
    void anEmptyFileIsDoneAtOnce() {
        DownloadSession s = grouper.record(new DownloadEvent("/empty", ETAG, 0, "10.0.0.1", "c", null, T0, T0, null,
                null, 0, 0, true));
        assertThat(s.complete()).isTrue();
        assertThat(s.snapshot().state(T0)).isEqualTo(TransferState.DONE);
    }

    @Test
    void restoredSessionsAreContinuedByLaterEvents() {
        DownloadSession s = grouper.record(range(0, 499, T0, T0 + 10));
        DownloadRecord stored = s.snapshot();
        SessionGrouper after = new SessionGrouper(GAP, () -> "new");
        DownloadSession restored = after.restore(new DownloadRecord(stored.id(), stored.path(), stored.etag(),
                stored.size(), stored.clientKey(), stored.client(), stored.userAgent(), stored.requests(),
                stored.bytesSent(), stored.coverage(), stored.covered(), stored.firstActivity(),
                stored.lastActivity(), stored.complete(), null));
        assertThat(after.record(range(500, 999, T0 + 20, T0 + 30))).isSameAs(restored);
        assertThat(restored.id()).isEqualTo("s1");
        assertThat(restored.complete()).isTrue();
        assertThat(restored.snapshot().requests()).isEqualTo(2);
    }

    @Test
    void pruneForgetsOldSessionsThenTheOldestBeyondTheCap() {
        for (int i = 0; i < 5; i++) {
            grouper.record(range("/f" + i, ETAG, "10.0.0.1", "c", 0, 9, T0 + i * 1000, T0 + i * 1000 + 1, 10));
        }
        assertThat(grouper.prune(T0 + 1000, 100)).containsExactly("s1");
        assertThat(grouper.prune(0, 2)).containsExactlyInAnyOrder("s2", "s3");
        assertThat(grouper.sessions()).extracting(DownloadSession::id).containsExactlyInAnyOrder("s4", "s5");
        // A pruned session's key no longer continues it: the next event opens a new one.
        DownloadSession again = grouper.record(range("/f0", ETAG, "10.0.0.1", "c", 10, 19, T0 + 5000, T0 + 5001, 10));
        assertThat(again.id()).isEqualTo("s6");
    }

    @Test
    void theRateIsOverTheRecentWindow() {
        DownloadSession s = grouper.record(range("/f.bin", ETAG, "a", "c", 0, 499, T0, T0 + 500, 500));
        // 500 bytes in the first half second.
        assertThat(s.snapshot().bytesPerSecond(T0 + 500)).isEqualTo(1000.0);
        grouper.record(range("/f.bin", ETAG, "a", "c", 500, 999, T0 + 600, T0 + 2000, 500));
        assertThat(s.snapshot().bytesPerSecond(T0 + 2000)).isEqualTo(500.0);
        assertThat(s.snapshot().bytesPerSecond(T0 + 2000 + 11_000)).isZero();
    }
}
