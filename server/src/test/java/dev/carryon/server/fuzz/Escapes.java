package dev.carryon.server.fuzz;

import java.nio.charset.StandardCharsets;

/** Bytes as one printable line: {@code \r}, {@code \n}, {@code \\} and {@code \xHH}, read back by {@link #parse}. */
final class Escapes {

    private Escapes() {
    }

    static String of(String latin1) {
        return of(latin1.getBytes(StandardCharsets.ISO_8859_1), 4000);
    }

    static String of(byte[] bytes, int limit) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bytes.length && s.length() < limit; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case '\r' -> s.append("\\r");
                case '\n' -> s.append("\\n");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        s.append((char) c);
                    } else {
                        s.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return s.length() < limit ? s.toString() : s + "... (" + bytes.length + " bytes)";
    }

    static byte[] parse(String line) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\' || i + 1 == line.length()) {
                out.write(c);
                continue;
            }
            char n = line.charAt(++i);
            switch (n) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 'x' -> {
                    out.write(Integer.parseInt(line.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> out.write(n);
            }
        }
        return out.toByteArray();
    }
}
