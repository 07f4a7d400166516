package dev.carryon.core.journal;

import dev.carryon.core.range.ByteRange;
import dev.carryon.core.range.MultipartLayout;
import dev.carryon.core.range.RangeSet;

import java.util.Objects;

/**
 * What one response of a file (or a stretch of a long one) sent: the server records one of these when a 200 or
 * 206 body has ended, completely or cut, and every second or so while a long body is still going out.
 *
 * <p>The body is described by what was planned ({@code range} for a single range or a whole file,
 * {@code multipart} for several parts) and by which bytes of that body actually left, {@code [bodyFrom, bodyTo)}.
 * Only those are counted as covered: a response cut after 1 MiB covers 1 MiB of its range, not the range.
 *
 * @param path       the file as requested, canonical ({@code /dir/file.bin})
 * @param etag       the version's ETag as sent ({@code "..."} with quotes)
 * @param size       the length of that version
 * @param remote     the client's address
 * @param userAgent  its User-Agent, or null
 * @param credential the token the client presented (an identifier of it, never the secret in storage), or null
 * @param startMillis when the request came (epoch ms)
 * @param endMillis  when these bytes had left (epoch ms)
 * @param range      the single range sent (a whole 200 is {@code 0..size-1}), or null
 * @param multipart  the multipart body sent, or null; at most one of range and multipart is set
 * @param bodyFrom   the first body byte this event reports
 * @param bodyTo     the body byte after the last one this event reports
 * @param finished   whether the response has ended (it counts as a request once, when it ends)
 */
public record DownloadEvent(String path, String etag, long size, String remote, String userAgent, String credential,
                            long startMillis, long endMillis, ByteRange range, MultipartLayout multipart,
                            long bodyFrom, long bodyTo, boolean finished) {

    public DownloadEvent {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(remote, "remote");
        if (range != null && multipart != null) {
            throw new IllegalArgumentException("a body is a single range or multipart, not both");
        }
        if (bodyFrom < 0 || bodyTo < bodyFrom) {
            throw new IllegalArgumentException("not a span of a body: [" + bodyFrom + ", " + bodyTo + ")");
        }
    }

    /**
     * The same event with the path and the credential replaced: the I/O thread records the raw request target and
     * header, and the journal's thread turns them into the canonical path and a non-secret identifier.
     */
    public DownloadEvent resolved(String canonicalPath, String credentialId) {
        return new DownloadEvent(canonicalPath, etag, size, remote, userAgent, credentialId, startMillis, endMillis,
                range, multipart, bodyFrom, bodyTo, finished);
    }

    /** The body bytes this event reports. */
    public long bytes() {
        return bodyTo - bodyFrom;
    }

    /**
     * Adds to {@code into} the bytes of the file that body bytes {@code [bodyFrom, bodyTo)} carried: for a single
     * range, the same stretch shifted by its first position; for multipart, only the parts' payloads, never their
     * header lines or the closing boundary.
     */
    public void coverInto(RangeSet into) {
        if (bodyTo == bodyFrom) {
            return;
        }
        if (range != null) {
            long from = Math.min(bodyFrom, range.length());
            long to = Math.min(bodyTo, range.length());
            into.add(range.first() + from, range.first() + to);
        } else if (multipart != null) {
            long at = 0;
            for (MultipartLayout.Part p : multipart.parts()) {
                at += p.header().length;
                long partEnd = at + p.range().length();
                long from = Math.max(bodyFrom, at);
                long to = Math.min(bodyTo, partEnd);
                if (from < to) {
                    into.add(p.range().first() + (from - at), p.range().first() + (to - at));
                }
                at = partEnd;
                if (at >= bodyTo) {
                    break;
                }
            }
        }
    }
}
