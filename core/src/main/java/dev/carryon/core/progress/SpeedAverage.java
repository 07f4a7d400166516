package dev.carryon.core.progress;

/**
 * The speed a transfer shows people: each tick's rate folded into an exponential average, so that the figure
 * neither jumps with every burst nor trails a real change by more than a few ticks. One for downloads and
 * uploads alike, so that the two report speed the same way.
 */
public final class SpeedAverage {

    /** The weight of the newest tick. */
    private static final double NEW = 0.3;

    private long lastBytes;
    private long lastNanos;
    private double speed;

    /** Starts at {@code bytes} moved by {@code nanos} (a monotonic clock such as System.nanoTime). */
    public SpeedAverage(long bytes, long nanos) {
        this.lastBytes = bytes;
        this.lastNanos = nanos;
    }

    /** Records that {@code bytes} have moved in all by {@code nanos}; returns the average in bytes a second. */
    public long update(long bytes, long nanos) {
        double instant = (bytes - lastBytes) * 1e9 / Math.max(1, nanos - lastNanos);
        speed = speed == 0 ? instant : speed * (1 - NEW) + instant * NEW;
        lastBytes = bytes;
        lastNanos = nanos;
        return (long) speed;
    }
}
