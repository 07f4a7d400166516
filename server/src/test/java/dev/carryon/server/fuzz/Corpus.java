package dev.carryon.server.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The request corpus: inputs that once found a defect or reach a rare path, replayed before the generated ones.
 * In {@code fuzz/requests.txt}, a case is a line {@code ENDING} (CLOSE_REQUEST, HALF_CLOSE or WAIT) followed by
 * one indented line per write, in {@link Escapes} form (as a failure prints it); {@code #} lines are comments.
 */
final class Corpus {

    private Corpus() {
    }

    static List<FuzzCase> load() {
        try (InputStream in = Corpus.class.getResourceAsStream("/fuzz/requests.txt")) {
            if (in == null) {
                return List.of();
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<FuzzCase> parse(String text) {
        List<FuzzCase> cases = new ArrayList<>();
        FuzzCase.Ending ending = null;
        List<byte[]> writes = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            if (line.startsWith("    ")) {
                writes.add(Escapes.parse(line.substring(4)));
                continue;
            }
            if (ending != null) {
                cases.add(new FuzzCase("corpus", writes, ending));
            }
            String[] words = line.strip().split(" ");
            ending = FuzzCase.Ending.valueOf(words[words.length - 1]);
            writes = new ArrayList<>();
        }
        if (ending != null) {
            cases.add(new FuzzCase("corpus", writes, ending));
        }
        return cases;
    }
}
