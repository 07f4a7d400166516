package dev.carryon.server.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Repeats an observation until it holds or a deadline passes: for what the server does in the background. */
public final class Poll {

    private Poll() {
    }

    /** The first value that satisfies {@code done}; the last value seen when the deadline passes. */
    public static <T> T until(Duration timeout, Supplier<T> observe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T v = observe.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while polling", e);
            }
            v = observe.get();
        }
        return v;
    }
}
