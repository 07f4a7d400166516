package dev.carryon.core.download;

import dev.carryon.core.range.RangeSet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Who downloads which bytes. The bytes already held are a {@link RangeSet}; each connection works on a
 * {@link Segment} {@code [position, end)}. A connection asking for work gets the largest gap nobody holds or
 * works on; when there is none, it takes the far half of the largest remaining piece of another connection
 * (work stealing), so that no single slow connection holds the tail. Pieces below {@link #minSplit()} are
 * not split. Not thread-safe: the downloader calls it under its own lock.
 */
public final class SegmentPlanner {

    /** One connection's share: it writes from {@code position} up to {@code end}, which stealing may lower. */
    public static final class Segment {
        private final int id;
        private final long start;
        private long position;
        private long end;

        Segment(int id, long start, long end) {
            this.id = id;
            this.start = start;
            this.position = start;
            this.end = end;
        }

        public int id() {
            return id;
        }

        /** Where the segment began; its request asks from here. */
        public long start() {
            return start;
        }

        /** The next byte this segment will write. */
        public long position() {
            return position;
        }

        /** The byte after the last one this segment may write; only ever lowered. */
        public long end() {
            return end;
        }

        public long remaining() {
            return end - position;
        }

        @Override
        public String toString() {
            return "Segment#" + id + "[" + position + ", " + end + ")";
        }
    }

    private final long length;
    private final RangeSet held;
    private final long minSplit;
    private final List<Segment> active = new ArrayList<>();
    private int nextId;

    /**
     * @param held     the bytes already on disk (shared with the caller, which records writes through
     *                 {@link #wrote})
     * @param minSplit the smallest piece worth a connection of its own
     */
    public SegmentPlanner(long length, RangeSet held, long minSplit) {
        if (length < 0 || minSplit < 1) {
            throw new IllegalArgumentException("length " + length + ", minSplit " + minSplit);
        }
        this.length = length;
        this.held = held;
        this.minSplit = minSplit;
    }

    public long length() {
        return length;
    }

    public long minSplit() {
        return minSplit;
    }

    public List<Segment> active() {
        return Collections.unmodifiableList(active);
    }

    /** Work for a connection that has none, if any is left that is worth it. */
    public Optional<Segment> claim() {
        long[] gap = largestFreeGap();
        if (gap != null && (active.isEmpty() || gap[1] - gap[0] >= minSplit || !anySplittable())) {
            return Optional.of(add(gap[0], gap[1]));
        }
        Segment victim = null;
        for (Segment s : active) {
            if (s.remaining() >= 2 * minSplit && (victim == null || s.remaining() > victim.remaining())) {
                victim = s;
            }
        }
        if (victim == null) {
            return gap == null ? Optional.empty() : Optional.of(add(gap[0], gap[1]));
        }
        long middle = victim.position + victim.remaining() / 2;
        Segment stolen = add(middle, victim.end);
        victim.end = middle;
        return Optional.of(stolen);
    }

    /**
     * Claims the free gap that begins at {@code position}, for a response that already streams from there (the
     * first one, which learnt the length). Empty if {@code position} is held or claimed.
     */
    public Optional<Segment> claimFrom(long position) {
        RangeSet taken = held.copy();
        for (Segment s : active) {
            taken.add(s.position, s.end);
        }
        for (long[] gap : taken.gaps(length)) {
            if (gap[0] == position) {
                return Optional.of(add(gap[0], gap[1]));
            }
        }
        return Optional.empty();
    }

    /**
     * Records that a segment wrote {@code n} bytes at its position. Returns how many of them were within its
     * end (the rest, past an end lowered by stealing, belong to another segment and must not be written). A
     * segment that is no longer active (released, or forgotten by {@link #reset}) records nothing: its bytes
     * may be another segment's now, or another version's.
     */
    public long wrote(Segment s, long n) {
        long usable = writable(s, n);
        if (usable > 0) {
            held.add(s.position, s.position + usable);
            s.position += usable;
        }
        return usable;
    }

    /**
     * Where a request for the segment starts: up to {@code overlap} bytes below its position when they are held,
     * so that the answer's first bytes can be compared with them before any is written. A validator cannot see
     * every replacement (nginx's ETag is mtime and size, which {@code cp -p}, {@code rsync -t} and tar keep), so
     * a resumption (in a later run, or after a broken connection) trusts the held bytes only once the server's
     * bytes just below the resume point are the same. A fresh segment, cut from another's unfetched part, has
     * nothing held below it and asks from its position.
     */
    public long requestStart(Segment s, int overlap) {
        return Math.max(held.heldUpTo(s.position), s.position - Math.max(0, overlap));
    }

    /** How many of {@code n} bytes arriving at the segment's position it may write: none once it is not active. */
    public long writable(Segment s, long n) {
        if (!active.contains(s)) {
            return 0;
        }
        return Math.max(0, Math.min(n, s.end - s.position));
    }

    /** The segment's connection stopped (done or failed); what it did not write is free for others. */
    public void release(Segment s) {
        active.remove(s);
    }

    /** Forgets every byte held and every claim: the representation changed and the download starts over. */
    public void reset() {
        active.clear();
        held.clear();
    }

    public boolean complete() {
        return held.isComplete(length);
    }

    /** Bytes not yet held. */
    public long remaining() {
        return length - held.size();
    }

    private boolean anySplittable() {
        for (Segment s : active) {
            if (s.remaining() >= 2 * minSplit) {
                return true;
            }
        }
        return false;
    }

    private Segment add(long start, long end) {
        Segment s = new Segment(nextId++, start, end);
        active.add(s);
        return s;
    }

    /** The largest part of [0, length) that is neither held nor claimed. */
    private long[] largestFreeGap() {
        RangeSet taken = held.copy();
        for (Segment s : active) {
            taken.add(s.position, s.end);
        }
        return taken.largestGap(length).orElse(null);
    }
}
