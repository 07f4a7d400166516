package dev.carryon.core.range;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** Chooses what a valid Range header selects from a representation: RFC 9110 section 14 under a policy. */
public final class RangeSelector {

    private final RangePolicy policy;

    public RangeSelector(RangePolicy policy) {
        this.policy = policy;
    }

    /**
     * Selects from a representation of {@code length} bytes.
     *
     * @param boundary called only when a multipart body is chosen
     */
    public RangeSelection select(List<RangeSpec> specs, long length, String contentType, Supplier<String> boundary) {
        if (length == 0) {
            return new RangeSelection.Whole(RangeSelection.WholeReason.EMPTY_REPRESENTATION);
        }
        List<ByteRange> satisfiable = new ArrayList<>(specs.size());
        for (RangeSpec spec : specs) {
            spec.resolve(length).ifPresent(satisfiable::add);
        }
        if (satisfiable.isEmpty()) {
            return new RangeSelection.Unsatisfiable();
        }
        if (satisfiable.size() == 1) {
            return new RangeSelection.Single(satisfiable.get(0));
        }
        if (overlaps(satisfiable) > policy.maxOverlaps()) {
            return new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD);
        }
        String b = boundary.get();
        List<ByteRange> parts = coalesce(satisfiable, MultipartLayout.partOverhead(b, contentType, length));
        if (parts.size() == 1) {
            return new RangeSelection.Single(parts.get(0));
        }
        if (parts.size() > policy.maxParts()) {
            return new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD);
        }
        MultipartLayout layout;
        try {
            layout = new MultipartLayout(b, contentType, length, parts);
        } catch (ArithmeticException longerThanALong) {
            return new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD);
        }
        // contentLength - length cannot overflow (both are non-negative); length + slack can.
        if (layout.contentLength() - length > policy.slackBytes()) {
            return new RangeSelection.Whole(RangeSelection.WholeReason.ABUSE_GUARD);
        }
        return new RangeSelection.Multipart(layout);
    }

    /** How many ranges, taken in order of their first position, start within an earlier one. */
    static int overlaps(List<ByteRange> ranges) {
        List<ByteRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.naturalOrder());
        int count = 0;
        long reach = -1;
        for (ByteRange r : sorted) {
            if (r.first() <= reach) {
                count++;
            }
            reach = Math.max(reach, r.last());
        }
        return count;
    }

    /**
     * Merges ranges that overlap or lie fewer than {@code maxGap} bytes apart. Each merged part keeps the place
     * of its earliest-requested member, so parts stay in request order as far as merging allows.
     */
    static List<ByteRange> coalesce(List<ByteRange> ranges, long maxGap) {
        record Indexed(ByteRange range, int order) {
        }
        List<Indexed> sorted = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            sorted.add(new Indexed(ranges.get(i), i));
        }
        sorted.sort(Comparator.comparing(Indexed::range));
        List<Indexed> merged = new ArrayList<>();
        Indexed current = sorted.get(0);
        for (int i = 1; i < sorted.size(); i++) {
            Indexed next = sorted.get(i);
            if (current.range().gapTo(next.range()) < maxGap) {
                current = new Indexed(current.range().span(next.range()), Math.min(current.order(), next.order()));
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        merged.sort(Comparator.comparingInt(Indexed::order));
        List<ByteRange> out = new ArrayList<>(merged.size());
        for (Indexed m : merged) {
            out.add(m.range());
        }
        return out;
    }
}
