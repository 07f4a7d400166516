package dev.carryon.server.fuzz;

import java.util.List;

/**
 * What one HTTP/2 connection of the frame fuzzer sends.
 *
 * @param kind        what the generator built ("download", "rapid-reset", ... joined by "+", and "+mutated")
 * @param upgrade     the connection starts with an HTTP/1.1 {@code Upgrade: h2c} request (else prior knowledge)
 * @param writes      the bytes of each write, the preface included; frames may span writes
 * @param ending      how the client ends
 * @param finalStream with {@link Ending#FINAL}, the stream of the last, well-formed request (a health check)
 * @param wellFormed  every frame and request is valid: every request must be answered in full, no GOAWAY error
 * @param requests    the streams of the requests the client sent whole (END_STREAM) in a well-formed case
 */
record H2Case(String kind, boolean upgrade, List<byte[]> writes, Ending ending, int finalStream, boolean wellFormed,
              List<Integer> requests) {

    enum Ending {
        /** A last, valid request; once it is answered (or the server sent GOAWAY), GOAWAY and a half-close. */
        FINAL,
        /** {@code shutdownOutput} right after the writes, which may end inside a frame. */
        HALF_CLOSE,
        /** Nothing: the server's idle timeout must end the connection. */
        WAIT
    }

    String describe() {
        StringBuilder s = new StringBuilder(kind).append(upgrade ? " upgrade " : " prior-knowledge ").append(ending);
        if (ending == Ending.FINAL) {
            s.append(" (final stream ").append(finalStream).append(')');
        }
        for (byte[] w : writes) {
            s.append("\n    ").append(Escapes.of(w, 3000));
        }
        return s.toString();
    }
}
