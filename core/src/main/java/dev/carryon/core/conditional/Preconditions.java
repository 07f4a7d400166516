package dev.carryon.core.conditional;

import java.time.Instant;

/**
 * Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since in the order of RFC 9110
 * section 13.2.2 against an existing representation. If-Range is not here: it decides about ranges, not about
 * whether to answer at all, and the range planner asks {@link #ifRangeHolds}.
 */
public final class Preconditions {

    /** The outcome of steps 1 to 4. */
    public sealed interface Outcome {
    }

    /** Go on to answer the request. */
    public record Proceed() implements Outcome {
    }

    /** 304 Not Modified (GET and HEAD only). */
    public record NotModified() implements Outcome {
    }

    /** 412 Precondition Failed, with a reason for the body. */
    public record Failed(String reason) implements Outcome {
    }

    private static final Proceed PROCEED = new Proceed();
    private static final NotModified NOT_MODIFIED = new NotModified();

    private Preconditions() {
    }

    /**
     * @param safe whether the method is GET or HEAD
     * @param request the raw field values; absent ones are null
     */
    public static Outcome evaluate(boolean safe, ConditionalHeaders request, Validators current, Instant now) {
        // 1. If-Match
        if (request.ifMatch() != null) {
            if (!EntityTagList.parse(request.ifMatch()).matchesStrongly(current.etag())) {
                return new Failed("If-Match: the current entity tag is " + describe(current.etag()));
            }
        } else if (request.ifUnmodifiedSince() != null && current.hasLastModified()) {
            // 2. If-Unmodified-Since, only without If-Match; an invalid date is ignored.
            Instant date = HttpDate.parse(request.ifUnmodifiedSince(), now).orElse(null);
            if (date != null && current.lastModifiedSecond() > date.getEpochSecond()) {
                return new Failed("If-Unmodified-Since: modified since, at " + HttpDate.format(current.lastModified()));
            }
        }
        // 3. If-None-Match
        if (request.ifNoneMatch() != null) {
            if (EntityTagList.parse(request.ifNoneMatch()).matchesWeakly(current.etag())) {
                return safe ? NOT_MODIFIED : new Failed("If-None-Match: the entity tag matches");
            }
        } else if (safe && request.ifModifiedSince() != null && current.hasLastModified()) {
            // 4. If-Modified-Since, only for GET/HEAD without If-None-Match; an invalid date is ignored.
            Instant date = HttpDate.parse(request.ifModifiedSince(), now).orElse(null);
            if (date != null && current.lastModifiedSecond() <= date.getEpochSecond()) {
                return NOT_MODIFIED;
            }
        }
        return PROCEED;
    }

    /**
     * Step 5: whether an If-Range value lets a Range be served (RFC 9110 section 13.1.5). True only for a
     * strong entity tag equal to the current one by strong comparison, or for an HTTP-date equal to
     * Last-Modified when Last-Modified is itself strong.
     */
    public static boolean ifRangeHolds(String ifRange, Validators current, Instant now) {
        String v = ifRange.strip();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return current.etag() != null
                    && EntityTag.parse(v).map(tag -> tag.strongMatch(current.etag())).orElse(false);
        }
        if (!current.lastModifiedIsStrong(now)) {
            return false;
        }
        return HttpDate.parse(v, now).map(date -> date.getEpochSecond() == current.lastModifiedSecond()).orElse(false);
    }

    private static String describe(EntityTag tag) {
        return tag == null ? "none" : tag.headerValue();
    }
}
