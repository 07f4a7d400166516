package dev.carryon.core.fuzz;

import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.core.digest.DigestFields;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integrity fields of RFC 9530 and the legacy Digest: never an exception; digests format back to
 * themselves; the algorithms chosen for a Want- field are among those offered.
 */
class DigestFieldsFuzzTest {

    private static final List<List<DigestAlgorithm>> OFFERS = List.of(List.of(DigestAlgorithm.values()),
            List.of(DigestAlgorithm.SHA_256), List.of(DigestAlgorithm.SHA_512, DigestAlgorithm.MD5), List.of());

    @Test
    void digestFields() {
        Fuzz.run("digest-fields", List.of("sha-256", "sha-512", "sha", "md5", "SHA-256", "sha256", "unixsum", "=:",
                ":", "=", "=10", "=0", "=-1", "=?1", ";q=1", "=:AAAA:", "=AAAA", ", ", "=(", "=\"x\""),
                DigestFieldsFuzzTest::check);
    }

    static String check(String input) {
        Map<DigestAlgorithm, byte[]> parsed = DigestFields.parse(input);
        if (!parsed.isEmpty()) {
            Map<DigestAlgorithm, byte[]> again = DigestFields.parse(DigestFields.format(parsed));
            assertThat(again.keySet()).isEqualTo(parsed.keySet());
            parsed.forEach((alg, v) -> assertThat(again.get(alg)).as(alg.name()).isEqualTo(v));
        }
        Map<DigestAlgorithm, byte[]> legacy = DigestFields.parseLegacy(input);
        StringBuilder chosen = new StringBuilder();
        for (List<DigestAlgorithm> offered : OFFERS) {
            List<DigestAlgorithm> choice = DigestFields.choose(input, offered);
            assertThat(offered).containsAll(choice);
            assertThat(choice).doesNotHaveDuplicates();
            chosen.append(choice.size());
        }
        return parsed.size() + "/" + legacy.size() + "/" + chosen;
    }
}
