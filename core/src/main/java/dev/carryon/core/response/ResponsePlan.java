package dev.carryon.core.response;

import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.MultipartLayout;

/** The answer to a GET or HEAD of a representation, decided before any byte of it is read. */
public sealed interface ResponsePlan {

    /** 200 with the whole representation; {@link #rangeUse} says why no range was served. */
    record Whole(RangeUse rangeUse) implements ResponsePlan {
    }

    /** 206 with one range and Content-Range. */
    record Partial(ByteRange range) implements ResponsePlan {
    }

    /** 206 with a multipart/byteranges body. */
    record Multipart(MultipartLayout layout) implements ResponsePlan {
    }

    /** 304 Not Modified. */
    record NotModified() implements ResponsePlan {
    }

    /** 412 Precondition Failed. */
    record PreconditionFailed(String reason) implements ResponsePlan {
    }

    /** 416 Range Not Satisfiable, with {@code Content-Range: bytes *}{@code /length}. */
    record RangeNotSatisfiable(long length) implements ResponsePlan {
        public String contentRange() {
            return "bytes */" + length;
        }
    }

    /** Why a 200 carries the whole representation. */
    enum RangeUse {
        /** No Range field, or a method that ignores it. */
        NOT_ASKED,
        /** The Range field was not valid bytes ranges and is ignored. */
        INVALID,
        /** If-Range did not hold: the representation changed, so the client gets all of it. */
        IF_RANGE_FAILED,
        /** A zero-length representation has no ranges. */
        EMPTY_REPRESENTATION,
        /** The ranges were over a limit of the range policy. */
        ABUSE_GUARD
    }
}
