package dev.carryon.core.range;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A set of byte positions kept as disjoint, non-adjacent half-open intervals {@code [start, end)}: the bytes a
 * download holds, or the bytes a server has sent of a file. Adding merges with neighbours, so the number of
 * intervals is the number of holes plus one at most. Not thread-safe.
 */
public final class RangeSet {

    /** start -> end (exclusive). */
    private final NavigableMap<Long, Long> intervals = new TreeMap<>();
    private long size;

    public RangeSet() {
    }

    public static RangeSet of(long start, long end) {
        RangeSet s = new RangeSet();
        s.add(start, end);
        return s;
    }

    public RangeSet copy() {
        RangeSet c = new RangeSet();
        c.intervals.putAll(intervals);
        c.size = size;
        return c;
    }

    /** Adds {@code [start, end)}; an empty interval changes nothing. */
    public void add(long start, long end) {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("not an interval: [" + start + ", " + end + ")");
        }
        if (start == end) {
            return;
        }
        long s = start;
        long e = end;
        Map.Entry<Long, Long> floor = intervals.floorEntry(s);
        if (floor != null && floor.getValue() >= s) {
            s = floor.getKey();
            e = Math.max(e, floor.getValue());
        }
        // Every interval starting within [s, e] overlaps or touches: absorb it.
        Map.Entry<Long, Long> next = intervals.ceilingEntry(s);
        while (next != null && next.getKey() <= e) {
            e = Math.max(e, next.getValue());
            size -= next.getValue() - next.getKey();
            intervals.remove(next.getKey());
            next = intervals.ceilingEntry(s);
        }
        intervals.put(s, e);
        size += e - s;
    }

    /** Removes {@code [start, end)}. */
    public void remove(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> before = intervals.lowerEntry(start);
        if (before != null && before.getValue() > start) {
            intervals.put(before.getKey(), start);
            size -= before.getValue() - start;
            if (before.getValue() > end) {
                intervals.put(end, before.getValue());
                size += before.getValue() - end;
                return;
            }
        }
        Map.Entry<Long, Long> e = intervals.ceilingEntry(start);
        while (e != null && e.getKey() < end) {
            intervals.remove(e.getKey());
            size -= e.getValue() - e.getKey();
            if (e.getValue() > end) {
                intervals.put(end, e.getValue());
                size += e.getValue() - end;
                break;
            }
            e = intervals.ceilingEntry(start);
        }
    }

    public void clear() {
        intervals.clear();
        size = 0;
    }

    /** How many bytes the set holds. */
    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Whether every position of {@code [start, end)} is in the set. */
    public boolean contains(long start, long end) {
        if (start >= end) {
            return true;
        }
        Map.Entry<Long, Long> e = intervals.floorEntry(start);
        return e != null && e.getValue() >= end;
    }

    /** Whether the set is exactly {@code [0, length)}. */
    public boolean isComplete(long length) {
        return length == 0 ? size == 0 : size == length && contains(0, length);
    }

    /** The end of the interval starting at or covering {@code position}, or {@code position} if it is not held. */
    public long heldFrom(long position) {
        Map.Entry<Long, Long> e = intervals.floorEntry(position);
        return e != null && e.getValue() > position ? e.getValue() : position;
    }

    /**
     * The start of the interval that reaches {@code position} from below (holds the byte before it), or
     * {@code position} if that byte is not held.
     */
    public long heldUpTo(long position) {
        if (position <= 0) {
            return position;
        }
        Map.Entry<Long, Long> e = intervals.floorEntry(position - 1);
        return e != null && e.getValue() >= position ? e.getKey() : position;
    }

    /** The intervals in order, as {@code long[]{start, end}} pairs. */
    public List<long[]> intervals() {
        List<long[]> out = new ArrayList<>(intervals.size());
        intervals.forEach((s, e) -> out.add(new long[] {s, e}));
        return Collections.unmodifiableList(out);
    }

    /**
     * The intervals for drawing at a resolution: at most {@code max} of them, made by closing the narrowest gaps
     * (the earliest of equal ones first). It can only overstate what is held, by the gaps it closed; where there
     * are {@code max} intervals or fewer it is {@link #intervals()}.
     */
    public List<long[]> outline(int max) {
        return outline(intervals(), max);
    }

    /** {@link #outline(int)} of disjoint, ordered {@code [start, end)} intervals, such as {@link #intervals()}. */
    public static List<long[]> outline(List<long[]> all, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one interval");
        }
        int closing = all.size() - max;
        if (closing <= 0) {
            return Collections.unmodifiableList(all);
        }
        Integer[] gapsByWidth = new Integer[all.size() - 1];
        for (int i = 0; i < gapsByWidth.length; i++) {
            gapsByWidth[i] = i;
        }
        Arrays.sort(gapsByWidth, Comparator.<Integer>comparingLong(i -> all.get(i + 1)[0] - all.get(i)[1])
                .thenComparingInt(i -> i));
        boolean[] closed = new boolean[gapsByWidth.length];
        for (int k = 0; k < closing; k++) {
            closed[gapsByWidth[k]] = true;
        }
        List<long[]> out = new ArrayList<>(max);
        long start = all.get(0)[0];
        for (int i = 0; i < all.size(); i++) {
            if (i == all.size() - 1 || !closed[i]) {
                out.add(new long[] {start, all.get(i)[1]});
                if (i < all.size() - 1) {
                    start = all.get(i + 1)[0];
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** What is missing of {@code [0, length)}, in order. */
    public List<long[]> gaps(long length) {
        List<long[]> out = new ArrayList<>();
        long at = 0;
        for (Map.Entry<Long, Long> e : intervals.entrySet()) {
            if (e.getKey() >= length) {
                break;
            }
            if (e.getKey() > at) {
                out.add(new long[] {at, e.getKey()});
            }
            at = Math.max(at, e.getValue());
        }
        if (at < length) {
            out.add(new long[] {at, length});
        }
        return out;
    }

    /** The largest gap of {@code [0, length)}; the earliest of equal ones. */
    public Optional<long[]> largestGap(long length) {
        long[] best = null;
        for (long[] g : gaps(length)) {
            if (best == null || g[1] - g[0] > best[1] - best[0]) {
                best = g;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The set written as {@code 0-99,200-299} (inclusive ends, like Range), empty for no bytes. */
    public String format() {
        StringBuilder b = new StringBuilder();
        intervals.forEach((s, e) -> {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(s).append('-').append(e - 1);
        });
        return b.toString();
    }

    /** Reads what {@link #format()} writes. */
    public static RangeSet parse(String text) {
        RangeSet s = new RangeSet();
        if (text == null || text.isBlank()) {
            return s;
        }
        for (String part : text.split(",")) {
            int dash = part.indexOf('-');
            if (dash <= 0) {
                throw new IllegalArgumentException("not a range: " + part);
            }
            long first = Long.parseLong(part.substring(0, dash).strip());
            long last = Long.parseLong(part.substring(dash + 1).strip());
            if (last < first) {
                throw new IllegalArgumentException("not a range: " + part);
            }
            s.add(first, last + 1);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeSet r && r.intervals.equals(intervals);
    }

    @Override
    public int hashCode() {
        return intervals.hashCode();
    }

    @Override
    public String toString() {
        return "RangeSet[" + format() + "]";
    }
}
