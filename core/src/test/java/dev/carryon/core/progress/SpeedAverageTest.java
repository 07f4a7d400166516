package dev.carryon.core.progress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpeedAverageTest {

    private static final long TICK = 200_000_000L; // 200 ms

    @Test
    void theFirstTickIsItsOwnRate() {
        SpeedAverage s = new SpeedAverage(0, 0);
        assertThat(s.update(200_000, TICK)).isEqualTo(1_000_000);
    }

    @Test
    void aSteadyRateStaysPut() {
        SpeedAverage s = new SpeedAverage(0, 0);
        long v = 0;
        for (int i = 1; i <= 10; i++) {
            v = s.update(i * 200_000L, i * TICK);
        }
        assertThat(v).isEqualTo(1_000_000);
    }

    @Test
    void aBurstMovesTheFigureByAThirdOfTheDifferenceNotAllTheWay() {
        SpeedAverage s = new SpeedAverage(0, 0);
        s.update(200_000, TICK); // 1 MB/s
        assertThat(s.update(200_000 + 800_000, 2 * TICK)).isEqualTo(1_000_000 * 7 / 10 + 4_000_000 * 3 / 10);
    }

    @Test
    void aStopDecaysTowardsZeroWithinAFewTicks() {
        SpeedAverage s = new SpeedAverage(0, 0);
        s.update(200_000, TICK);
        long v = 0;
        for (int i = 2; i <= 12; i++) {
            v = s.update(200_000, i * TICK);
        }
        assertThat(v).isLessThan(30_000);
    }

    @Test
    void aTickOfNoTimeDoesNotDivideByZero() {
        SpeedAverage s = new SpeedAverage(0, 5);
        assertThat(s.update(0, 5)).isZero();
    }
}
