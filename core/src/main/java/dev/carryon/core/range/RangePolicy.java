package dev.carryon.core.range;

/**
 * Limits that keep a multi-range request from costing more than the whole file would (CVE-2011-3192,
 * RangeAmp). A request over any limit gets the whole representation with 200, which a plain GET would get
 * anyway.
 *
 * @param maxParts    the most parts a multipart answer may have after coalescing
 * @param maxOverlaps the most ranges that may overlap an earlier one
 * @param slackBytes  how far a multipart body may exceed the representation's own length
 */
public record RangePolicy(int maxParts, int maxOverlaps, long slackBytes) {

    public static final RangePolicy DEFAULT = new RangePolicy(64, 2, 4096);

    public RangePolicy {
        if (maxParts < 1 || maxOverlaps < 0 || slackBytes < 0) {
            throw new IllegalArgumentException("invalid range policy");
        }
    }
}
