package dev.carryon.core.digest;

import dev.carryon.core.field.BareItem;
import dev.carryon.core.field.Member;
import dev.carryon.core.field.StructuredFieldException;
import dev.carryon.core.field.StructuredFields;

import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The integrity fields of RFC 9530: {@code Repr-Digest} / {@code Content-Digest} (dictionaries of byte
 * sequences) and {@code Want-Repr-Digest} / {@code Want-Content-Digest} (dictionaries of preferences 0-10).
 */
public final class DigestFields {

    /** What a server sends when the client states no preference. */
    public static final DigestAlgorithm DEFAULT = DigestAlgorithm.SHA_256;

    private DigestFields() {
    }

    /** Serialises digests in the order given, e.g. {@code sha-256=:X48E9q...=:}. */
    public static String format(Map<DigestAlgorithm, byte[]> digests) {
        Map<String, Member> dictionary = new LinkedHashMap<>();
        digests.forEach((alg, value) -> dictionary.put(alg.httpName(), Member.Item.of(new BareItem.Bytes(value))));
        return StructuredFields.serializeDictionary(dictionary);
    }

    /**
     * Reads a Repr-Digest or Content-Digest value: the digests of algorithms we know. Unknown algorithms are
     * skipped; a value that is not a valid dictionary of byte sequences yields nothing.
     */
    public static Map<DigestAlgorithm, byte[]> parse(String value) {
        Map<DigestAlgorithm, byte[]> out = new EnumMap<>(DigestAlgorithm.class);
        try {
            for (Map.Entry<String, Member> e : StructuredFields.parseDictionary(value).entrySet()) {
                DigestAlgorithm.byHttpName(e.getKey()).ifPresent(alg -> {
                    if (e.getValue() instanceof Member.Item item && item.value() instanceof BareItem.Bytes bytes) {
                        out.put(alg, bytes.value());
                    }
                });
            }
        } catch (StructuredFieldException e) {
            return Map.of();
        }
        return out;
    }

    /**
     * Reads the legacy {@code Digest} field of RFC 3230 ({@code SHA-256=base64, MD5=base64}): instance digests
     * of the whole representation. Unknown algorithms and undecodable values are skipped.
     */
    public static Map<DigestAlgorithm, byte[]> parseLegacy(String value) {
        Map<DigestAlgorithm, byte[]> out = new EnumMap<>(DigestAlgorithm.class);
        for (String item : value.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            Optional<DigestAlgorithm> alg = DigestAlgorithm.byAnyName(item.substring(0, eq).strip());
            if (alg.isEmpty()) {
                continue;
            }
            try {
                out.put(alg.get(), Base64.getDecoder().decode(item.substring(eq + 1).strip()));
            } catch (IllegalArgumentException e) {
                // not base64: skipped like an unknown algorithm
            }
        }
        return out;
    }

    /**
     * Which of the {@code offered} algorithms to send for a Want-Repr-Digest value (null when absent).
     * Without a preference: {@link #DEFAULT}. With one: every offered algorithm of the highest preference
     * above 0; if the client names none that we offer, the default unless it refused that one with 0.
     */
    public static List<DigestAlgorithm> choose(String want, List<DigestAlgorithm> offered) {
        if (want == null) {
            return offered.contains(DEFAULT) ? List.of(DEFAULT) : List.of();
        }
        Map<String, Member> prefs;
        try {
            prefs = StructuredFields.parseDictionary(want);
        } catch (StructuredFieldException e) {
            return choose(null, offered);
        }
        long best = 0;
        List<DigestAlgorithm> chosen = new ArrayList<>();
        for (DigestAlgorithm alg : offered) {
            long p = preference(prefs.get(alg.httpName()));
            if (p > best) {
                best = p;
                chosen.clear();
            }
            if (p == best && p > 0) {
                chosen.add(alg);
            }
        }
        if (!chosen.isEmpty()) {
            return chosen;
        }
        // Only an integer preference of 0 (or below) refuses; a member that is not a preference at all does not.
        boolean defaultRefused = prefs.get(DEFAULT.httpName()) instanceof Member.Item item
                && item.value() instanceof BareItem.Integer i && i.value() <= 0;
        return defaultRefused || !offered.contains(DEFAULT) ? List.of() : List.of(DEFAULT);
    }

    private static long preference(Member m) {
        if (m instanceof Member.Item item && item.value() instanceof BareItem.Integer i) {
            return Math.max(0, Math.min(10, i.value()));
        }
        return 0;
    }
}
