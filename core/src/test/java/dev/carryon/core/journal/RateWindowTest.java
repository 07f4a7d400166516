package dev.carryon.core.journal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RateWindowTest {

    @Test
    void steadyTrafficReadsAsItsRate() {
        RateWindow w = new RateWindow(10);
        long t0 = 1_000_000;
        for (int s = 1; s <= 30; s++) {
            w.add(1_000_000, t0 + s * 1000L, t0);
        }
        assertThat(w.perSecond(t0 + 30_000)).isCloseTo(1_000_000, within(1.0));
    }

    @Test
    void oldBucketsLeaveTheWindowAndAReusedSlotStartsAtZero() {
        RateWindow w = new RateWindow(3);
        w.add(3000, 0, 0);
        assertThat(w.perSecond(3500)).isZero();
        w.add(100, 3500, 0); // the slot of second 0 is reused for second 3
        assertThat(w.perSecond(3500)).isCloseTo(100 / 3.0, within(0.01));
    }

    @Test
    void aCopyDoesNotSeeLaterBytes() {
        RateWindow w = new RateWindow(10);
        w.add(1000, 1000, 0);
        RateWindow c = w.copy();
        w.add(1000, 1000, 0);
        assertThat(c.perSecond(1000)).isEqualTo(1000.0);
        assertThat(w.perSecond(1000)).isEqualTo(2000.0);
    }
}
