package dev.carryon.server.fuzz;

import java.util.List;

/**
 * What one connection sends: its writes, in order, and how the client ends its side.
 *
 * @param kind   what the generator meant to build ("download", "tus", "ietf", ... and "+mutated"), for the summary
 * @param writes the bytes of each write; pipelined requests share writes, and a request may span two
 * @param ending how the client ends: a last request that asks to close, a half-close, or nothing at all
 */
record FuzzCase(String kind, List<byte[]> writes, Ending ending) {

    enum Ending {
        /** A last, well-formed request with {@code Connection: close}: the server should answer it and close. */
        CLOSE_REQUEST,
        /** {@code shutdownOutput} after the writes, which may end inside a request. */
        HALF_CLOSE,
        /** Nothing: the server's own timeouts (header, body, idle) must end the connection. */
        WAIT
    }

    static final byte[] CLOSE_REQUEST = "GET /-/health HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Whether the bytes sent hold {@code word} anywhere (such as a method in a request the generator mutated). */
    boolean mentions(String word) {
        StringBuilder all = new StringBuilder();
        for (byte[] w : writes) {
            all.append(new String(w, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return all.indexOf(word) >= 0;
    }

    /** The case as lines to paste into the corpus: the ending, then each write escaped. */
    String describe() {
        StringBuilder s = new StringBuilder(kind).append(' ').append(ending);
        for (byte[] w : writes) {
            s.append("\n    ").append(Escapes.of(w, 3000));
        }
        return s.toString();
    }
}
