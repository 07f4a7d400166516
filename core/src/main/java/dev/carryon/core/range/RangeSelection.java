package dev.carryon.core.range;

/** What a valid Range header selects from a representation: RFC 9110 section 14 with carryon's policy. */
public sealed interface RangeSelection {

    /** Serve the whole representation with 200, because of {@link #reason()}. */
    record Whole(WholeReason reason) implements RangeSelection {
    }

    /** One range: 206 with Content-Range. */
    record Single(ByteRange range) implements RangeSelection {
    }

    /** Several ranges: 206 with a multipart/byteranges body. */
    record Multipart(MultipartLayout layout) implements RangeSelection {
    }

    /** No spec is satisfiable: 416 with {@code Content-Range: bytes *}{@code /length}. */
    record Unsatisfiable() implements RangeSelection {
    }

    enum WholeReason {
        /** A zero-length representation has no ranges to select. */
        EMPTY_REPRESENTATION,
        /** The request is over a limit of {@link RangePolicy}. */
        ABUSE_GUARD
    }
}
