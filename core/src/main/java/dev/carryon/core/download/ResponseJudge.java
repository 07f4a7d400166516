package dev.carryon.core.download;

import dev.carryon.core.conditional.HttpDate;
import dev.carryon.core.range.ByteRange;
import dev.carryon.core.retry.RetryPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what a response to a download request may be trusted for. Every check a resumption needs is here:
 * the status, Content-Range exactly as asked, lengths that agree, and the version against the one being
 * assembled, so that no byte of another version is ever written into the file.
 */
public final class ResponseJudge {

    // The unit is case-insensitive (RFC 9110 section 14.1); the digits are ASCII only.
    private static final Pattern CONTENT_RANGE =
            Pattern.compile("bytes ([0-9]+)-([0-9]+)/([0-9]+|\\*)", Pattern.CASE_INSENSITIVE);
    /** Apache's window for a fresh validator is one second; a little more covers its clock against ours. */
    static final Duration FRESH_VALIDATOR_WAIT = Duration.ofMillis(1200);
    private static final Pattern UNSATISFIED = Pattern.compile("bytes \\*/([0-9]+)", Pattern.CASE_INSENSITIVE);

    private ResponseJudge() {
    }

    /**
     * @param asked     the range asked for, or null for the whole representation
     * @param expected  the version being assembled, or null on a first request
     * @param ifRange   whether the request carried If-Range with {@code expected}'s strong validator
     */
    public static Verdict judge(ByteRange asked, RemoteVersion expected, boolean ifRange, ResponseHead head,
                                Instant now) {
        int status = head.status();
        switch (status) {
            case 200:
                return whole(asked, expected, ifRange, head, now);
            case 206:
                return partial(asked, expected, ifRange, head, now);
            case 416: {
                String cr = head.first("content-range");
                Matcher m = cr == null ? null : UNSATISFIED.matcher(cr.strip());
                return new Verdict.Unsatisfiable(m != null && m.matches() ? parse(m.group(1)) : -1);
            }
            default:
                String said = (status + " " + reason(status)).strip();
                return RetryPolicy.retryable(status)
                        ? new Verdict.Retry(said, RetryPolicy.retryAfter(head.first("retry-after"), now).orElse(null))
                        : new Verdict.Failure(Verdict.Kind.HTTP, status, said);
        }
    }

    private static Verdict whole(ByteRange asked, RemoteVersion expected, boolean ifRange, ResponseHead head,
                                 Instant now) {
        long length = -1;
        String cl = head.first("content-length");
        if (cl != null && head.first("transfer-encoding") == null) {
            length = parse(cl.strip());
            if (length < 0 || head.count("content-length") > 1 && !allEqual(head.joined("content-length"))) {
                return new Verdict.Failure(Verdict.Kind.PROTOCOL, 200, "the server sent an invalid Content-Length");
            }
        }
        RemoteVersion version = RemoteVersion.of(head, length, now);
        if (asked != null && ifRange && expected != null && declinedIfRange(version, expected, head, now)) {
            return new Verdict.Retry("the server sent the whole file for a range of an unchanged file (it does not"
                    + " trust the validator yet: the file changed within the last second)", FRESH_VALIDATOR_WAIT);
        }
        ByteRange range = length > 0 ? new ByteRange(0, length - 1) : null;
        boolean asksRange = asked != null;
        boolean restart = asksRange || (expected != null && version.compare(expected) != RemoteVersion.Match.SAME);
        if (length == 0) {
            return new Verdict.Body(null, version, restart, true);
        }
        return new Verdict.Body(range, version, restart, true);
    }

    /**
     * A 200 to If-Range for a file changed less than a second before: the response carries the very validators
     * the request named, its Last-Modified is at most a second older than its Date, and it still offers ranges.
     * Apache distrusts a validator that fresh (its ETag turns weak, and If-Range with the date fails) for as
     * long as the file's clock says less than a second, while RFC 9110 section 8.8.2.2's test on the seconds of
     * Date and Last-Modified may already call the date strong. Taking the body as a new version would start
     * over, the next ranged request would be declined again, and so on for that second: a short wait instead,
     * and the same request then gets its 206. With an older date, a 200 is a server that ignored the range,
     * and its body is taken as the download from byte 0.
     */
    private static boolean declinedIfRange(RemoteVersion version, RemoteVersion expected, ResponseHead head,
                                           Instant now) {
        if (!version.acceptsRanges() || version.length() != expected.length() || version.lastModified() == null
                || !version.lastModified().equals(expected.lastModified())) {
            return false;
        }
        boolean sameTag = version.etag() == null
                ? expected.etag() == null
                : expected.etag() != null && version.etag().weakMatch(expected.etag());
        if (!sameTag) {
            return false;
        }
        Optional<Instant> modified = HttpDate.parse(version.lastModified(), now);
        Instant date = Optional.ofNullable(head.first("date")).flatMap(d -> HttpDate.parse(d, now)).orElse(now);
        return modified.isPresent() && date.getEpochSecond() - modified.get().getEpochSecond() <= 1;
    }

    private static Verdict partial(ByteRange asked, RemoteVersion expected, boolean ifRange, ResponseHead head,
                                   Instant now) {
        if (asked == null) {
            return lie("206 to a request without Range");
        }
        String type = head.first("content-type");
        String lowerType = type == null ? "" : type.toLowerCase(Locale.ROOT);
        // multipart/byteranges is the form of several parts (RFC 9110 section 14.6) whatever else the head says:
        // written as one range, its boundaries and part headers would land in the file
        if (lowerType.startsWith("multipart/byteranges")
                || (head.count("content-range") != 1 && lowerType.startsWith("multipart/"))) {
            return lie("a multipart 206 to a request for one range");
        }
        if (head.count("content-range") != 1) {
            return lie("206 without exactly one Content-Range");
        }
        Matcher m = CONTENT_RANGE.matcher(head.first("content-range").strip());
        if (!m.matches()) {
            return lie("206 with an unreadable Content-Range: " + head.first("content-range"));
        }
        long first = parse(m.group(1));
        long last = parse(m.group(2));
        long total = m.group(3).equals("*") ? -1 : parse(m.group(3));
        if (first < 0 || last < first || (total >= 0 && last >= total)) {
            return lie("206 with an impossible Content-Range: " + head.first("content-range"));
        }
        if (first != asked.first() || last > asked.last()) {
            return lie("206 with Content-Range: " + head.first("content-range").strip() + " when Range: bytes="
                    + asked.first() + "-" + (asked.last() == Long.MAX_VALUE - 1 ? "" : Long.toString(asked.last()))
                    + " was asked");
        }
        if (head.count("content-length") > 0) {
            // every line, not the first only: the transport may frame the body by another one
            for (String cl : head.fields().get("content-length")) {
                if (parse(cl.strip()) != last - first + 1) {
                    return lie("206 whose Content-Length " + head.joined("content-length").strip()
                            + " contradicts its Content-Range");
                }
            }
        }
        if (total < 0 && expected != null && expected.length() >= 0 && last >= expected.length()) {
            // bytes F-L/* reaching past the assembled length: a longer representation, whatever its tag says
            RemoteVersion longer = RemoteVersion.of(head, -1, now);
            return new Verdict.Changed(longer, "the file on the server changed (" + expected.describe() + " became "
                    + longer.describe() + ", with bytes up to " + last + ")");
        }
        RemoteVersion version = RemoteVersion.of(head, total >= 0 ? total : expected == null ? -1 : expected.length(), now);
        if (expected == null) {
            return new Verdict.Body(new ByteRange(first, last), version, false, true);
        }
        RemoteVersion.Match match = version.compare(expected);
        if (match == RemoteVersion.Match.DIFFERENT) {
            return new Verdict.Changed(version, "the file on the server changed (" + expected.describe() + " became "
                    + version.describe() + ")");
        }
        // A 206 to a request whose If-Range named a strong validator is the server's word that it is the same
        // version; a matching strong validator in the response is proof. Not so when the response's own tag
        // is the assembled one made weak: If-Range holds only by strong comparison (RFC 9110 section 13.1.5),
        // so the server cannot have found it true, and the bytes must be compared.
        boolean weakened = expected.hasStrongEtag() && version.etag() != null && version.etag().weak();
        boolean verified = match == RemoteVersion.Match.SAME || (ifRange && !weakened);
        return new Verdict.Body(new ByteRange(first, last), version, false, verified);
    }

    private static Verdict lie(String what) {
        return new Verdict.Failure(Verdict.Kind.PROTOCOL, 206, "the server answered " + what);
    }

    private static boolean allEqual(String joined) {
        String[] parts = joined.split(",");
        for (String p : parts) {
            if (!p.strip().equals(parts[0].strip())) {
                return false;
            }
        }
        return true;
    }

    /** A non-negative decimal, saturating; -1 for anything that is not digits. */
    static long parse(String digits) {
        if (digits.isEmpty() || digits.length() > 19) {
            return digits.chars().allMatch(Character::isDigit) && !digits.isEmpty() ? Long.MAX_VALUE : -1;
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v < 0) {
                return Long.MAX_VALUE;
            }
        }
        return v;
    }

    /** The reason phrase of a status the downloader reports, or "" for one it never names. */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 410 -> "Gone";
            case 412 -> "Precondition Failed";
            case 416 -> "Range Not Satisfiable";
            case 423 -> "Locked";
            case 425 -> "Too Early";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 507 -> "Insufficient Storage";
            default -> "";
        };
    }
}
