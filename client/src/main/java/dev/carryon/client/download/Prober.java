package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.http.BodyPiece;
import dev.carryon.client.http.HttpClient;
import dev.carryon.core.conditional.EntityTag;
import dev.carryon.core.download.RemoteVersion;
import dev.carryon.core.download.ResponseHead;
import dev.carryon.core.download.ResponseJudge;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a server the questions a resumption depends on, with real requests of a byte or two each: does
 * {@code Range} work, how strong are the validators, is {@code If-Range} honoured both ways, multipart, digests.
 */
public final class Prober {

    private static final Pattern TOTAL = Pattern.compile("bytes \\d+-\\d+/(\\d+)");

    private final HttpClient client;
    private final DownloadOptions options;

    public Prober(HttpClient client, DownloadOptions options) {
        this.client = client;
        this.options = options;
    }

    public ProbeReport probe(URI url) throws TransferException {
        Fetcher fetcher = new Fetcher(client, options, url);
        try {
            Answer range = ask(fetcher, "bytes=0-0", null);
            ResponseHead h = range.head();
            if (h.status() >= 400 && h.status() != 416) {
                throw new TransferException(TransferException.Kind.HTTP, ("the server answered " + h.status() + " "
                        + ResponseJudge.reason(h.status())).strip()
                        + (range.reason().isEmpty() ? "" : ": " + range.reason()));
            }
            String contentRange = h.first("content-range");
            long length = -1;
            if (contentRange != null) {
                Matcher m = TOTAL.matcher(contentRange.strip());
                if (m.matches()) {
                    length = Long.parseLong(m.group(1));
                }
            }
            if (length < 0 && h.status() == 200 && h.first("content-length") != null) {
                length = Long.parseLong(h.first("content-length").strip());
            }
            boolean rangeCorrect = h.status() == 206 && contentRange != null
                    && contentRange.strip().startsWith("bytes 0-0/") && range.bodyBytes() == 1;
            RemoteVersion version = RemoteVersion.of(h, length, Instant.now());
            String etag = version.etag() == null ? null : version.etag().headerValue();

            // nginx sends Accept-Ranges on 200 and HEAD answers but not on a 206: report it from any answer.
            String acceptRanges = h.joined("accept-ranges");
            int ifRangeMatch = 0;
            int ifRangeMismatch = 0;
            if (rangeCorrect && version.ifRange().isPresent()) {
                ifRangeMatch = ask(fetcher, "bytes=0-0", version.ifRange().get()).head().status();
                String other = version.hasStrongEtag()
                        ? EntityTag.strong("carryon-probe-" + Long.toHexString(System.nanoTime())).headerValue()
                        : "Thu, 01 Jan 1998 00:00:00 GMT";
                ResponseHead mismatch = ask(fetcher, "bytes=0-0", other).head();
                ifRangeMismatch = mismatch.status();
                if (acceptRanges == null) {
                    acceptRanges = mismatch.joined("accept-ranges");
                }
            }
            int multipartStatus = 0;
            String multipartType = null;
            if (rangeCorrect && length >= 3) {
                Answer multi = ask(fetcher, "bytes=0-0,-1", null);
                multipartStatus = multi.head().status();
                multipartType = multi.head().first("content-type");
            }

            List<String> reasons = new ArrayList<>();
            ProbeReport.Verdict verdict;
            if (!rangeCorrect) {
                verdict = ProbeReport.Verdict.NOT_RESUMABLE;
                reasons.add(h.status() == 200 ? "Range is ignored: the answer to bytes=0-0 is the whole file (200)"
                        : "the answer to bytes=0-0 is " + h.status() + " " + (contentRange == null ? "" : contentRange));
            } else if (version.ifRange().isEmpty()) {
                verdict = ProbeReport.Verdict.RESUMABLE_WITH_CHECKS;
                reasons.add("no strong validator (" + (etag == null ? "no ETag" : "a weak ETag")
                        + (version.lastModified() == null ? ", no Last-Modified" : ", a Last-Modified too recent to trust")
                        + "): a resumption must compare bytes already held");
            } else if (ifRangeMatch != 206 || ifRangeMismatch != 200) {
                verdict = ProbeReport.Verdict.RESUMABLE_WITH_CHECKS;
                reasons.add("If-Range is not honoured (right validator: " + ifRangeMatch + ", wrong validator: "
                        + ifRangeMismatch + "; expected 206 and 200): a changed file is noticed only by its validators");
            } else {
                verdict = ProbeReport.Verdict.RESUMABLE;
                reasons.add("ranges work, " + (version.hasStrongEtag() ? "the ETag is strong" : "Last-Modified is strong")
                        + ", and If-Range is honoured both ways");
            }
            return new ProbeReport(url, fetcher.source(), range.protocol(), range.tls(), length, acceptRanges,
                    h.status(), contentRange, rangeCorrect, etag, version.hasStrongEtag(), version.lastModified(),
                    version.lastModifiedStrong(), ifRangeMatch, ifRangeMismatch, multipartStatus, multipartType,
                    h.joined("repr-digest"), h.joined("digest"), verdict, List.copyOf(reasons));
        } catch (TransferException e) {
            throw e;
        } catch (IOException e) {
            throw new TransferException(TransferException.Kind.NETWORK, "cannot probe " + url + ": " + e.getMessage(), e);
        }
    }

    private record Answer(ResponseHead head, long bodyBytes, String protocol, String tls, String reason) {
    }

    /** One GET with Range (and If-Range); reads at most a few bytes of the body, then drops the connection. */
    private Answer ask(Fetcher fetcher, String range, String ifRange) throws IOException {
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"Range", range});
        fields.add(new String[] {"Want-Repr-Digest", "sha-256=5, sha-512=3"});
        if (ifRange != null) {
            fields.add(new String[] {"If-Range", ifRange});
        }
        Fetcher.Response r = fetcher.get(fields);
        try {
            String reason = r.head().status() >= 400 ? Fetcher.reason(r.call(), r.head()) : "";
            long bytes = 0;
            if (r.head().status() == 206 && !String.valueOf(r.head().first("content-type"))
                    .toLowerCase(Locale.ROOT).startsWith("multipart/")) {
                BodyPiece piece;
                while (bytes <= 1 && (piece = r.call().read()) != null) {
                    bytes += piece.remaining();
                    piece.close();
                }
            }
            return new Answer(r.head(), bytes, r.call().protocol(), r.call().tls(), reason);
        } finally {
            r.call().close();
        }
    }
}
