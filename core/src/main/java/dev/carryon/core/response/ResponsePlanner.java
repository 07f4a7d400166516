package dev.carryon.core.response;

import dev.carryon.core.conditional.Preconditions;
import dev.carryon.core.range.RangeHeader;
import dev.carryon.core.range.RangePolicy;
import dev.carryon.core.range.RangeSelection;
import dev.carryon.core.range.RangeSelector;
import dev.carryon.core.range.RangeSpec;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides the answer to a GET or HEAD of an existing representation: the preconditions of RFC 9110 section
 * 13.2.2 in order, then If-Range, then the Range field (section 14).
 */
public final class ResponsePlanner {

    private static final ResponsePlan NOT_MODIFIED = new ResponsePlan.NotModified();

    private final RangeSelector selector;

    public ResponsePlanner(RangePolicy policy) {
        this.selector = new RangeSelector(policy);
    }

    /**
     * @param boundary asked for only when the answer is multipart
     */
    public ResponsePlan plan(RepresentationRequest request, Representation rep, Instant now,
                             Supplier<String> boundary) {
        Preconditions.Outcome outcome = Preconditions.evaluate(true, request.conditions(), rep.validators(), now);
        if (outcome instanceof Preconditions.NotModified) {
            return NOT_MODIFIED;
        }
        if (outcome instanceof Preconditions.Failed failed) {
            return new ResponsePlan.PreconditionFailed(failed.reason());
        }
        if (request.head() || request.range() == null) {
            return new ResponsePlan.Whole(ResponsePlan.RangeUse.NOT_ASKED);
        }
        Optional<List<RangeSpec>> specs = RangeHeader.parse(request.range());
        if (specs.isEmpty()) {
            return new ResponsePlan.Whole(ResponsePlan.RangeUse.INVALID);
        }
        String ifRange = request.conditions().ifRange();
        if (ifRange != null && !Preconditions.ifRangeHolds(ifRange, rep.validators(), now)) {
            return new ResponsePlan.Whole(ResponsePlan.RangeUse.IF_RANGE_FAILED);
        }
        RangeSelection selection = selector.select(specs.get(), rep.length(), rep.contentType(), boundary);
        if (selection instanceof RangeSelection.Single single) {
            return new ResponsePlan.Partial(single.range());
        }
        if (selection instanceof RangeSelection.Multipart multi) {
            return new ResponsePlan.Multipart(multi.layout());
        }
        if (selection instanceof RangeSelection.Unsatisfiable) {
            return new ResponsePlan.RangeNotSatisfiable(rep.length());
        }
        RangeSelection.WholeReason reason = ((RangeSelection.Whole) selection).reason();
        return new ResponsePlan.Whole(reason == RangeSelection.WholeReason.ABUSE_GUARD
                ? ResponsePlan.RangeUse.ABUSE_GUARD
                : ResponsePlan.RangeUse.EMPTY_REPRESENTATION);
    }
}
