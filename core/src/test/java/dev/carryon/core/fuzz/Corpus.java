package dev.carryon.core.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The checked-in inputs of a fuzz target, {@code fuzz/NAME.txt} beside the tests: one input a line, escaped so
 * that any UTF-16 string fits on a line ({@code \\} and {@code \}{@code uXXXX}); lines starting with {@code #} are
 * comments. The same escaping is used to report a failing input, so that it can be pasted into the file.
 */
final class Corpus {

    private Corpus() {
    }

    static List<String> load(String target) {
        List<String> inputs = new ArrayList<>();
        try (InputStream in = Corpus.class.getResourceAsStream("/fuzz/" + target + ".txt")) {
            if (in == null) {
                throw new IllegalStateException("no corpus fuzz/" + target + ".txt in the test resources");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    inputs.add(unescape(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inputs;
    }

    /** Appends inputs to {@code DIR/NAME.txt}, for a person to review and check in. */
    static void save(Path dir, String target, List<String> inputs) {
        if (inputs.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        inputs.forEach(i -> b.append(escape(i)).append('\n'));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(target + ".txt"), b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if ((c >= 0x20 && c < 0x7f) && !(i == 0 && c == '#')) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    static String unescape(String line) {
        StringBuilder b = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\') {
                b.append(c);
            } else if (i + 1 < line.length() && line.charAt(i + 1) == '\\') {
                b.append('\\');
                i++;
            } else if (i + 5 < line.length() && line.charAt(i + 1) == 'u') {
                b.append((char) Integer.parseInt(line.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                throw new IllegalArgumentException("a lone backslash in corpus line: " + line);
            }
        }
        return b.toString();
    }
}
