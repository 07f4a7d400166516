package dev.carryon.core.range;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact bytes around each part of a {@code multipart/byteranges} body (RFC 9110 section 14.6), so that the
 * Content-Length is known before the first byte is sent and each part's body can be streamed from the file.
 *
 * <pre>
 * --B CRLF Content-Type: T CRLF Content-Range: bytes F-L/N CRLF CRLF (bytes F..L)
 * CRLF --B CRLF ...                                                   (next part)
 * CRLF --B-- CRLF
 * </pre>
 */
public final class MultipartLayout {

    /** One part: its header bytes, then the range of the representation that follows them. */
    public record Part(byte[] header, ByteRange range) {
    }

    private final String boundary;
    private final List<Part> parts;
    private final byte[] trailer;
    private final long contentLength;

    /** @throws ArithmeticException if the body would be longer than {@link Long#MAX_VALUE} bytes */
    public MultipartLayout(String boundary, String contentType, long completeLength, List<ByteRange> ranges) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("a multipart body needs parts");
        }
        this.boundary = boundary;
        List<Part> built = new ArrayList<>(ranges.size());
        long total = 0;
        for (ByteRange r : ranges) {
            byte[] header = partHeader(boundary, contentType, completeLength, r, built.isEmpty());
            built.add(new Part(header, r));
            total = Math.addExact(Math.addExact(total, header.length), r.length());
        }
        this.parts = List.copyOf(built);
        this.trailer = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        this.contentLength = Math.addExact(total, trailer.length);
    }

    public String contentType() {
        return "multipart/byteranges; boundary=" + boundary;
    }

    public String boundary() {
        return boundary;
    }

    public List<Part> parts() {
        return parts;
    }

    public byte[] trailer() {
        return trailer.clone();
    }

    public long contentLength() {
        return contentLength;
    }

    /**
     * What one more part costs on the wire beyond its own bytes, at most: the header of a part whose
     * positions have as many digits as the length itself. Ranges closer than this are cheaper merged.
     */
    public static int partOverhead(String boundary, String contentType, long completeLength) {
        long widest = Math.max(0, completeLength - 1);
        return partHeader(boundary, contentType, completeLength, new ByteRange(widest, widest), false).length;
    }

    private static byte[] partHeader(String boundary, String type, long completeLength, ByteRange r, boolean first) {
        String header = (first ? "" : "\r\n") + "--" + boundary + "\r\n"
                + "Content-Type: " + type + "\r\n"
                + "Content-Range: " + r.contentRange(completeLength) + "\r\n\r\n";
        return header.getBytes(StandardCharsets.US_ASCII);
    }
}
