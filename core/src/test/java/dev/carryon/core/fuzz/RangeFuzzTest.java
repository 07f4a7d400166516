package dev.carryon.core.fuzz;

import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.MultipartLayout;
import dev.carryon.core.range.RangeHeader;
import dev.carryon.core.range.RangePolicy;
import dev.carryon.core.range.RangeSelection;
import dev.carryon.core.range.RangeSelector;
import dev.carryon.core.range.RangeSet;
import dev.carryon.core.range.RangeSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Range headers and the held-bytes text of the control file, from hostile input. */
class RangeFuzzTest {

    private static final RangeSelector SELECTOR = new RangeSelector(RangePolicy.DEFAULT);

    @Test
    void rangeHeader() {
        Fuzz.run("range-header", List.of("bytes=", "bytes", "BYTES", "items=", "0-", "-1", "0-0", "1-2", ", ", ",,",
                "-", "=", " bytes = ", "0-9223372036854775806"), RangeFuzzTest::checkHeader);
    }

    static String checkHeader(String input) {
        Optional<List<RangeSpec>> parsed = RangeHeader.parse(input);
        if (parsed.isEmpty()) {
            return "ignored";
        }
        List<RangeSpec> specs = parsed.get();
        assertThat(specs).isNotEmpty();
        StringBuilder shape = new StringBuilder();
        TreeSet<Long> lengths = new TreeSet<>();
        for (RangeSpec spec : specs) {
            if (spec instanceof RangeSpec.FromTo f) {
                assertThat(f.first()).isNotNegative();
                assertThat(f.last()).isGreaterThanOrEqualTo(f.first());
                shape.append(f.last() == Long.MAX_VALUE ? 'o' : 'r');
                near(lengths, f.first());
                near(lengths, f.last());
            } else if (spec instanceof RangeSpec.Suffix s) {
                assertThat(s.suffixLength()).isNotNegative();
                shape.append('s');
                near(lengths, s.suffixLength());
            }
        }
        String formatted = "bytes=" + specs.stream().map(Object::toString).collect(Collectors.joining(","));
        assertThat(RangeHeader.parse(formatted)).as("parse(format(specs))").contains(specs);
        // the fixed lengths always, and the first of those around the positions (many specs would be slow)
        Stream.concat(Stream.of(0L, 1L, 100L, Long.MAX_VALUE), lengths.stream().limit(12))
                .forEach(length -> checkSelection(specs, length));
        return "specs:" + shape.toString().chars().distinct().sorted()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                + (specs.size() > 1 ? "+" : "");
    }

    /** The lengths around a position, where the answer changes. */
    private static void near(TreeSet<Long> lengths, long position) {
        lengths.add(position);
        if (position < Long.MAX_VALUE) {
            lengths.add(position + 1);
        }
        if (position > 0) {
            lengths.add(position - 1);
        }
    }

    private static void checkSelection(List<RangeSpec> specs, long length) {
        for (RangeSpec spec : specs) {
            spec.resolve(length).ifPresent(r -> assertWithin(r, length));
        }
        RangeSelection selection = SELECTOR.select(specs, length, "text/plain", () -> "BOUNDARY");
        if (selection instanceof RangeSelection.Single single) {
            assertWithin(single.range(), length);
        } else if (selection instanceof RangeSelection.Multipart multipart) {
            MultipartLayout layout = multipart.layout();
            assertThat(layout.parts()).hasSizeBetween(2, RangePolicy.DEFAULT.maxParts());
            long body = layout.trailer().length;
            for (MultipartLayout.Part part : layout.parts()) {
                assertWithin(part.range(), length);
                body = Math.addExact(body, Math.addExact(part.header().length, part.range().length()));
            }
            assertThat(layout.contentLength()).as("Content-Length of the parts").isEqualTo(body);
        }
    }

    private static void assertWithin(ByteRange r, long length) {
        assertThat(r.first()).isNotNegative().isLessThanOrEqualTo(r.last());
        assertThat(r.last()).isLessThan(length);
        assertThat(r.length()).isPositive().isEqualTo(r.last() - r.first() + 1);
    }

    @Test
    void heldBytesOfTheControlFile() {
        Fuzz.run("range-set", List.of("0-0", "0-99", ",", "-", "1-", "-1", "5-3", "0-9223372036854775806"),
                RangeFuzzTest::checkRangeSet);
    }

    static String checkRangeSet(String input) {
        RangeSet set;
        try {
            set = RangeSet.parse(input);
        } catch (IllegalArgumentException e) {
            return Fuzz.refusal(e);
        }
        long size = 0;
        long previousEnd = -1;
        for (long[] iv : set.intervals()) {
            assertThat(iv[0]).as("disjoint, not touching").isNotNegative().isGreaterThan(previousEnd);
            assertThat(iv[1]).isGreaterThan(iv[0]);
            size += iv[1] - iv[0];
            previousEnd = iv[1];
        }
        assertThat(set.size()).isEqualTo(size);
        assertThat(RangeSet.parse(set.format())).as("parse(format(set))").isEqualTo(set);
        return set.isEmpty() ? "empty" : set.intervals().size() > 1 ? "several" : "one";
    }
}
