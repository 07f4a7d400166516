package dev.carryon.core;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A small property-check harness for plain JUnit 5: a property is a generator and a check, run for a bounded
 * number of tries with a fixed seed, so every run of the suite checks the same inputs and a failure names the
 * seed and the input that broke it.
 *
 * <p>Set {@code -Dcarryon.props.seed=N} to explore other inputs; the failure message shows the seed to use to
 * reproduce a failure.
 */
public final class Props {

    /** The default number of tries of a property. */
    public static final int TRIES = 1000;

    private static final long DEFAULT_SEED = 0x5eed_ca11_0ff_3e1L;

    private Props() {
    }

    /** What a check may throw. */
    @FunctionalInterface
    public interface Check<T> {
        void accept(T value) throws Exception;
    }

    /** Runs {@code check} on {@code tries} values from {@code generator}. */
    public static <T> void forAll(int tries, Function<Gen, T> generator, Check<T> check) {
        long seed = Long.getLong("carryon.props.seed", DEFAULT_SEED);
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 0; i < tries; i++) {
            long trySeed = seeds.nextLong();
            T value = generator.apply(new Gen(new SplittableRandom(trySeed)));
            try {
                check.accept(value);
            } catch (Throwable t) {
                AssertionError e = new AssertionError("property falsified on try " + (i + 1) + " of " + tries
                        + " (-Dcarryon.props.seed=" + seed + ")\n  input: " + abbreviate(String.valueOf(value))
                        + "\n  " + t, t);
                throw e;
            }
        }
    }

    /** The input as printable ASCII, control and non-ASCII characters escaped, and cut if long. */
    private static String abbreviate(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 2000; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.length() < 2000 ? b.toString() : b + "... (" + s.length() + " chars)";
    }

    /** A source of values for one try. */
    public static final class Gen {
        private static final long[] EDGE_LONGS = {
            0, 1, 2, 9, 10, 99, 100, 255, 256, 1023, 1024, 4095, 4096, 65535, 65536,
            Integer.MAX_VALUE - 1L, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 0xffff_ffffL, 0x1_0000_0000L,
            999_999_999_999_999L, 1_000_000_000_000_000L, 1L << 53, (1L << 62) - 1, 1L << 62,
            Long.MAX_VALUE - 4097, Long.MAX_VALUE - 4096, Long.MAX_VALUE - 100, Long.MAX_VALUE - 2,
            Long.MAX_VALUE - 1, Long.MAX_VALUE
        };

        private final SplittableRandom random;

        Gen(SplittableRandom random) {
            this.random = random;
        }

        /** True with probability {@code 1/n}. */
        public boolean oneIn(int n) {
            return random.nextInt(n) == 0;
        }

        public boolean bool() {
            return random.nextBoolean();
        }

        /** Uniform in {@code [min, max]}. */
        public int intIn(int min, int max) {
            return (int) longIn(min, max);
        }

        /** Uniform in {@code [min, max]}. */
        public long longIn(long min, long max) {
            if (min > max) {
                throw new IllegalArgumentException(min + " > " + max);
            }
            if (max == Long.MAX_VALUE) {
                if (min == Long.MIN_VALUE) {
                    return random.nextLong();
                }
                // [min, MAX] as [min - 1, MAX) shifted by one
                return random.nextLong(min - 1, max) + 1;
            }
            return random.nextLong(min, max + 1);
        }

        /** A non-negative long biased towards edges: small numbers, powers of two, and the top of the range. */
        public long interestingLong() {
            switch (random.nextInt(4)) {
                case 0:
                    return EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
                case 1:
                    return longIn(0, 300);
                case 2:
                    return longIn(0, 1L << random.nextInt(63));
                default:
                    return longIn(0, Long.MAX_VALUE);
            }
        }

        @SafeVarargs
        public final <T> T pick(T... choices) {
            return choices[random.nextInt(choices.length)];
        }

        public <T> T pick(List<T> choices) {
            return choices.get(random.nextInt(choices.size()));
        }

        public <T> List<T> listOf(int min, int max, Supplier<T> element) {
            int n = intIn(min, max);
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(element.get());
            }
            return out;
        }

        public byte[] bytes(int n) {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) random.nextInt(256);
            }
            return b;
        }

        /** A string of characters drawn from {@code alphabet}. */
        public String stringOf(String alphabet, int minLength, int maxLength) {
            int n = intIn(minLength, maxLength);
            StringBuilder b = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return b.toString();
        }

        /** Any UTF-16 string, unpaired surrogates and control characters included. */
        public String anyString(int maxLength) {
            int n = intIn(0, maxLength);
            StringBuilder b = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                switch (random.nextInt(4)) {
                    case 0 -> b.append((char) random.nextInt(0x80));
                    case 1 -> b.append((char) random.nextInt(0x100));
                    default -> b.append((char) random.nextInt(0x10000));
                }
            }
            return b.toString();
        }

        /** A string of Unicode scalar values (no lone surrogates), from all planes. */
        public String unicode(int minLength, int maxLength) {
            int n = intIn(minLength, maxLength);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.appendCodePoint(codePoint());
            }
            return b.toString();
        }

        public int codePoint() {
            switch (random.nextInt(4)) {
                case 0:
                    return random.nextInt(0x80);
                case 1:
                    return random.nextInt(0x80, 0x800);
                case 2: {
                    int c = random.nextInt(0x800, 0x10000 - 0x800);
                    return c >= 0xd800 ? c + 0x800 : c; // skip the surrogates
                }
                default:
                    return random.nextInt(0x10000, 0x110000);
            }
        }

        /** A string of ASCII digits, possibly with leading zeros and possibly far beyond a long. */
        public String digits(int minLength, int maxLength) {
            return stringOf("0123456789", minLength, maxLength);
        }
    }
}
