package dev.carryon.server.fuzz;

import dev.carryon.core.Props;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-level changes to a case built from the grammar: what no request builder would produce. */
final class Mutator {

    private Mutator() {
    }

    static byte[] mutate(Props.Gen g, byte[] in) {
        byte[] b = in;
        for (int i = 0, n = g.intIn(1, 4); i < n && b.length > 0; i++) {
            int at = g.intIn(0, b.length - 1);
            b = switch (g.intIn(0, 5)) {
                case 0 -> { // flip one byte
                    byte[] c = b.clone();
                    c[at] = (byte) g.intIn(0, 255);
                    yield c;
                }
                case 1, 2 -> insert(b, at, g.pick(Vocabulary.HOSTILE_TOKENS).getBytes(StandardCharsets.ISO_8859_1));
                case 3 -> { // delete a span
                    int end = Math.min(b.length, at + g.intIn(1, 16));
                    byte[] c = new byte[b.length - (end - at)];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, end, c, at, b.length - end);
                    yield c;
                }
                case 4 -> { // repeat a span
                    int end = Math.min(b.length, at + g.intIn(1, 64));
                    yield insert(b, end, Arrays.copyOfRange(b, at, end));
                }
                default -> Arrays.copyOf(b, at); // truncate
            };
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + piece.length);
        out.write(b, 0, at);
        out.writeBytes(piece);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }
}
