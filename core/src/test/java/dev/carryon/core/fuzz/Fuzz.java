package dev.carryon.core.fuzz;

import dev.carryon.core.Props;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes one parser: replays its checked-in corpus, then checks a bounded number of inputs mutated from the
 * pool (the corpus plus every input that produced an outcome not seen before, so that the search keeps what got
 * somewhere new). Deterministic: the inputs come from {@link Props}' fixed seed.
 *
 * <p>{@code -Dcarryon.fuzz.iterations=N} sets the number of mutated inputs per target (default
 * {@value #DEFAULT_ITERATIONS}); {@code -Dcarryon.props.seed=N} explores other inputs;
 * {@code -Dcarryon.fuzz.corpus=DIR} appends the inputs of new outcomes to {@code DIR/TARGET.txt}, to review and
 * add to the corpus.
 */
final class Fuzz {

    static final int DEFAULT_ITERATIONS = 3000;

    /** Above this, the pool stops growing: the run stays linear in the number of iterations. */
    private static final int MAX_POOL = 5000;

    /** The properties of one parser. */
    @FunctionalInterface
    interface Target {
        /**
         * Parses {@code input} and asserts the parser's properties; answers a short description of the outcome
         * (the kind of result or the kind of refusal, without positions or values) that tells new paths apart.
         */
        String check(String input) throws Exception;
    }

    private Fuzz() {
    }

    static int iterations() {
        return Integer.getInteger("carryon.fuzz.iterations", DEFAULT_ITERATIONS);
    }

    static void run(String name, List<String> dictionary, Target target) {
        List<String> pool = new ArrayList<>(Corpus.load(name));
        Set<String> outcomes = new HashSet<>();
        for (String input : pool) {
            outcomes.add(checked(name, target, input));
        }
        outcomes.add(checked(name, target, ""));
        List<String> found = new ArrayList<>();
        Props.forAll(iterations(), g -> Mutator.mutate(g, pool, dictionary), input -> {
            if (outcomes.add(checked(name, target, input)) && pool.size() < MAX_POOL) {
                pool.add(input);
                found.add(input);
            }
        });
        String out = System.getProperty("carryon.fuzz.corpus");
        if (out != null) {
            Corpus.save(Path.of(out), name, found);
        }
    }

    private static String checked(String name, Target target, String input) {
        try {
            return target.check(input);
        } catch (Throwable t) {
            throw new AssertionError(name + " falsified by the input (corpus form, one line):\n" + Corpus.escape(input)
                    + "\n" + t, t);
        }
    }

    /**
     * The class of a refusal and the start of its message, before any quoted or appended piece of the input: which
     * check refused, not on which value.
     */
    static String refusal(Exception e) {
        String m = e.getMessage() == null ? "" : e.getMessage().split("['\":]", 2)[0];
        m = m.replaceAll("[0-9]+", "N");
        return e.getClass().getSimpleName() + ":" + (m.length() > 40 ? m.substring(0, 40) : m);
    }
}
