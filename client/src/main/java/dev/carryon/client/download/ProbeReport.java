package dev.carryon.client.download;

import java.net.URI;
import java.util.List;

/**
 * What {@link Prober} learnt about a URL's support for resumption, each fact from a real request.
 *
 * @param tls                   the TLS session (version, cipher, implementation), or null over plain TCP
 * @param rangeStatus           the status of {@code Range: bytes=0-0}
 * @param contentRange          its Content-Range, or null
 * @param rangeCorrect          whether it was a 206 for exactly byte 0 with one byte of body
 * @param ifRangeMatchStatus    the status with If-Range naming the current validator (206 is right), or 0
 * @param ifRangeMismatchStatus the status with If-Range naming another validator (200 is right), or 0
 * @param multipartStatus       the status of a two-range request, or 0
 * @param multipartType         its Content-Type
 */
public record ProbeReport(URI url, URI finalUrl, String protocol, String tls, long length, String acceptRanges,
                          int rangeStatus, String contentRange, boolean rangeCorrect,
                          String etag, boolean etagStrong, String lastModified, boolean lastModifiedStrong,
                          int ifRangeMatchStatus, int ifRangeMismatchStatus,
                          int multipartStatus, String multipartType,
                          String reprDigest, String legacyDigest, Verdict verdict, List<String> reasons) {

    public enum Verdict {
        /** Ranges, a strong validator, and If-Range honoured: every resumption is safe and cheap. */
        RESUMABLE,
        /** Ranges work, but resumption has to be checked by comparing bytes (weak or no validator, or If-Range ignored). */
        RESUMABLE_WITH_CHECKS,
        /** No working ranges: a broken transfer starts over. */
        NOT_RESUMABLE
    }

    public boolean resumable() {
        return verdict != Verdict.NOT_RESUMABLE;
    }
}
