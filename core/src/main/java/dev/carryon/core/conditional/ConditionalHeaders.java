package dev.carryon.core.conditional;

/**
 * The precondition fields of a request, as received; null where absent. Repeated field lines are joined with
 * ", " by the adapter, which turns a repeated date into an invalid one, as RFC 9110 wants.
 */
public record ConditionalHeaders(String ifMatch, String ifNoneMatch, String ifModifiedSince,
                                 String ifUnmodifiedSince, String ifRange) {

    public static final ConditionalHeaders NONE = new ConditionalHeaders(null, null, null, null, null);
}
