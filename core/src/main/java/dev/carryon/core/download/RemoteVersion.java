package dev.carryon.core.download;

import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.conditional.HttpDate;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What identifies the representation being downloaded: its length and its validators as the server gave them.
 *
 * @param length            the complete length, or -1 when the server did not say
 * @param etag              the entity tag, or null
 * @param lastModified      the Last-Modified value as sent, or null
 * @param lastModifiedStrong whether Last-Modified was at least a second older than the response's Date, which
 *                          makes it a strong validator (RFC 9110 section 8.8.2.2); never without a Date
 * @param acceptsRanges     whether the server offered {@code Accept-Ranges: bytes} or answered a range with 206
 */
public record RemoteVersion(long length, EntityTag etag, String lastModified, boolean lastModifiedStrong,
                            boolean acceptsRanges) {

    /** How two versions compare. */
    public enum Match {
        /** The same strong validator: the same bytes. */
        SAME,
        /** A validator or the length differs: other bytes. */
        DIFFERENT,
        /** No strong validator on one side and nothing that differs: the bytes must be compared to know. */
        UNKNOWN
    }

    /** The version a response describes (a 200 or a 206; for 206 the length comes from Content-Range). */
    public static RemoteVersion of(ResponseHead head, long length, Instant now) {
        EntityTag etag = head.count("etag") == 1 ? EntityTag.parse(head.first("etag")).orElse(null) : null;
        String lastModified = head.count("last-modified") == 1 ? head.first("last-modified").strip() : null;
        boolean lmStrong = false;
        if (lastModified != null) {
            Optional<Instant> lm = HttpDate.parse(lastModified, now);
            // Only the server's own Date tells (RFC 9110 section 8.8.2.2: the same clock); without one it is weak.
            Optional<Instant> date = Optional.ofNullable(head.first("date")).flatMap(d -> HttpDate.parse(d, now));
            lmStrong = lm.isPresent() && date.isPresent() && lm.get().getEpochSecond() + 1 <= date.get().getEpochSecond();
            if (lm.isEmpty()) {
                lastModified = null;
            }
        }
        String acceptRanges = head.joined("accept-ranges");
        boolean ranges = head.status() == 206
                || (acceptRanges != null && acceptRanges.toLowerCase(Locale.ROOT).contains("bytes"));
        return new RemoteVersion(length, etag, lastModified, lmStrong, ranges);
    }

    public boolean hasStrongEtag() {
        return etag != null && !etag.weak();
    }

    /**
     * The If-Range value that guarantees a 206 is of this version: the strong entity tag, else, when there is no
     * entity tag at all, a strong Last-Modified date (RFC 9110 section 13.1.5: never a date beside a weak tag,
     * which says the bytes may differ while the date does not). Empty when the version has no strong validator;
     * then a resume must prove itself by comparing bytes already held.
     */
    public Optional<String> ifRange() {
        if (hasStrongEtag()) {
            return Optional.of(etag.headerValue());
        }
        if (etag == null && lastModified != null && lastModifiedStrong) {
            return Optional.of(lastModified);
        }
        return Optional.empty();
    }

    /**
     * Whether several connections may share the download: a known, non-zero length, ranges, and a strong
     * validator for If-Range, so that every segment is provably of this version.
     */
    public boolean segmentable() {
        return length > 0 && acceptsRanges && ifRange().isPresent();
    }

    public Match compare(RemoteVersion other) {
        if (length >= 0 && other.length >= 0 && length != other.length) {
            return Match.DIFFERENT;
        }
        if (etag != null && other.etag != null) {
            if (!etag.weakMatch(other.etag)) {
                return Match.DIFFERENT;
            }
            if (etag.strongMatch(other.etag)) {
                return Match.SAME;
            }
        }
        if (lastModified != null && other.lastModified != null) {
            if (!lastModified.equals(other.lastModified)) {
                return Match.DIFFERENT;
            }
            if (lastModifiedStrong && other.lastModifiedStrong && etag == null && other.etag == null) {
                return Match.SAME;
            }
        }
        // A validator on one side only proves nothing either way (some servers omit it on 206): compare bytes.
        return Match.UNKNOWN;
    }

    /** For messages: the validator that identifies the version (the ETag, else Last-Modified) and the length. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (etag != null) {
            b.append("ETag ").append(etag.headerValue());
        } else if (lastModified != null) {
            b.append("Last-Modified ").append(lastModified);
        }
        if (length >= 0) {
            b.append(b.length() > 0 ? ", " : "").append(length).append(" bytes");
        }
        return b.length() == 0 ? "unknown" : b.toString();
    }

    public RemoteVersion withLength(long newLength) {
        return new RemoteVersion(newLength, etag, lastModified, lastModifiedStrong, acceptsRanges);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteVersion v && length == v.length && lastModifiedStrong == v.lastModifiedStrong
                && acceptsRanges == v.acceptsRanges && Objects.equals(etag, v.etag)
                && Objects.equals(lastModified, v.lastModified);
    }

    @Override
    public int hashCode() {
        return Objects.hash(length, etag, lastModified);
    }
}
