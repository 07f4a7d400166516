package dev.carryon.core.digest;

import dev.carryon.core.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.carryon.core.digest.DigestAlgorithm.MD5;
import static dev.carryon.core.digest.DigestAlgorithm.SHA_1;
import static dev.carryon.core.digest.DigestAlgorithm.SHA_256;
import static dev.carryon.core.digest.DigestAlgorithm.SHA_512;
import static org.assertj.core.api.Assertions.assertThat;

class DigestFieldsTest {

    /** The example of RFC 9530 section 3: the sha-256 of {@code {"hello": "world"}}. */
    private static final byte[] HELLO_SHA_256 = Base64.getDecoder().decode("X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
    private static final List<DigestAlgorithm> OFFERED = List.of(SHA_256, SHA_512);

    @Test
    void exampleDigestIsTheSha256OfTheExample() {
        assertThat(SHA_256.newDigest().digest("{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(HELLO_SHA_256);
    }

    // ---- Repr-Digest ----

    @Test
    void formatsOneDigest() {
        assertThat(DigestFields.format(Map.of(SHA_256, HELLO_SHA_256)))
                .isEqualTo("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
    }

    @Test
    void formatsDigestsInTheOrderGiven() {
        Map<DigestAlgorithm, byte[]> digests = new LinkedHashMap<>();
        digests.put(SHA_512, new byte[] {1, 2, 3});
        digests.put(SHA_256, new byte[] {4});
        assertThat(DigestFields.format(digests)).isEqualTo("sha-512=:AQID:, sha-256=:BA==:");
    }

    @Test
    void formatsNothing() {
        assertThat(DigestFields.format(Map.of())).isEmpty();
    }

    @Test
    void parsesADigest() {
        Map<DigestAlgorithm, byte[]> parsed =
                DigestFields.parse("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
        assertThat(parsed).containsOnlyKeys(SHA_256);
        assertThat(parsed.get(SHA_256)).isEqualTo(HELLO_SHA_256);
    }

    @Test
    void parsesSeveralDigests() {
        Map<DigestAlgorithm, byte[]> parsed = DigestFields.parse("sha-512=:AQID:,  sha-256=:BA==:, sha=:BQ==:");
        assertThat(parsed).containsOnlyKeys(SHA_256, SHA_512, SHA_1);
        assertThat(parsed.get(SHA_512)).containsExactly(1, 2, 3);
        assertThat(parsed.get(SHA_256)).containsExactly(4);
        assertThat(parsed.get(SHA_1)).containsExactly(5);
    }

    @Test
    void skipsUnknownAlgorithmsAndValuesThatAreNotByteSequences() {
        Map<DigestAlgorithm, byte[]> parsed = DigestFields.parse(
                "sha-384=:AQID:, id-sha-256=:AQID:, sha-512=1, md5=(:AQ==:), sha-256=:BA==:");
        assertThat(parsed).containsOnlyKeys(SHA_256);
        assertThat(parsed.get(SHA_256)).containsExactly(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha-256=:AQID", "sha-256=:AQID:,", "SHA-256=:AQID:", "sha-256=:AQ*D:", "sha-256 :AQID:",
        "sha-256=:AQID: garbage", "sha-256=\"AQID\"x", "\u00e9"})
    void invalidFieldYieldsNothing(String value) {
        assertThat(DigestFields.parse(value)).isEmpty();
    }

    @Test
    void emptyFieldYieldsNothing() {
        assertThat(DigestFields.parse("")).isEmpty();
    }

    @Test
    void formatThenParseGivesTheDigestsBack() {
        Props.forAll(Props.TRIES, g -> {
            Map<DigestAlgorithm, byte[]> m = new EnumMap<>(DigestAlgorithm.class);
            for (DigestAlgorithm a : DigestAlgorithm.values()) {
                if (g.bool()) {
                    m.put(a, g.bytes(g.intIn(0, 64)));
                }
            }
            return m;
        }, digests -> {
            Map<DigestAlgorithm, byte[]> parsed = DigestFields.parse(DigestFields.format(digests));
            assertThat(parsed).hasSameSizeAs(digests);
            digests.forEach((alg, bytes) -> assertThat(parsed.get(alg)).isEqualTo(bytes));
        });
    }

    // ---- Want-Repr-Digest ----

    @Test
    void noPreferenceGetsSha256() {
        assertThat(DigestFields.choose(null, OFFERED)).containsExactly(SHA_256);
        assertThat(DigestFields.DEFAULT).isEqualTo(SHA_256);
    }

    @Test
    void noPreferenceAndNoSha256GetsNothing() {
        assertThat(DigestFields.choose(null, List.of(SHA_512))).isEmpty();
        assertThat(DigestFields.choose(null, List.of())).isEmpty();
    }

    @Test
    void higherPreferenceWins() {
        assertThat(DigestFields.choose("sha-256=1, sha-512=3", OFFERED)).containsExactly(SHA_512);
        assertThat(DigestFields.choose("sha-256=10, sha-512=9", OFFERED)).containsExactly(SHA_256);
        assertThat(DigestFields.choose("sha-512=3", OFFERED)).containsExactly(SHA_512);
    }

    @Test
    void tiesGetBoth() {
        assertThat(DigestFields.choose("sha-256=5, sha-512=5", OFFERED)).containsExactly(SHA_256, SHA_512);
        assertThat(DigestFields.choose("sha-512=1, sha-256=1", OFFERED)).containsExactly(SHA_256, SHA_512);
    }

    @Test
    void zeroRefuses() {
        assertThat(DigestFields.choose("sha-256=0", OFFERED)).isEmpty();
        assertThat(DigestFields.choose("sha-256=0, sha-512=0", OFFERED)).isEmpty();
        assertThat(DigestFields.choose("sha-256=0, sha-512=2", OFFERED)).containsExactly(SHA_512);
    }

    @Test
    void refusingAnotherAlgorithmStillGetsTheDefault() {
        assertThat(DigestFields.choose("sha-512=0", OFFERED)).containsExactly(SHA_256);
    }

    @Test
    void preferencesForAlgorithmsNotOfferedGetTheDefault() {
        assertThat(DigestFields.choose("sha-384=5", OFFERED)).containsExactly(SHA_256);
        assertThat(DigestFields.choose("md5=9, sha=9", OFFERED)).containsExactly(SHA_256);
        assertThat(DigestFields.choose("", OFFERED)).containsExactly(SHA_256);
    }

    @Test
    void onlyOfferedAlgorithmsAreChosen() {
        assertThat(DigestFields.choose("sha=9, sha-256=1", List.of(SHA_256, SHA_1, MD5))).containsExactly(SHA_1);
        assertThat(DigestFields.choose("sha-512=9", List.of(SHA_256))).containsExactly(SHA_256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage(", "sha-256=", "SHA-256=5", "sha-256=5,", "sha-256=1.5.", "\u00e9=1"})
    void invalidFieldGetsTheDefault(String want) {
        assertThat(DigestFields.choose(want, OFFERED)).containsExactly(SHA_256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha-256", "sha-256=?1", "sha-256=?0", "sha-256=\"5\"", "sha-256=5.0", "sha-256=(5)",
        "sha-256=abc"})
    void preferenceThatIsNotAnIntegerIsNotARefusal(String want) {
        assertThat(DigestFields.choose(want, OFFERED)).containsExactly(SHA_256);
    }

    @Test
    void preferencesAreCappedAtTen() {
        assertThat(DigestFields.choose("sha-256=10, sha-512=99", OFFERED)).containsExactly(SHA_256, SHA_512);
    }

    @Test
    void negativePreferenceRefuses() {
        assertThat(DigestFields.choose("sha-256=-1", OFFERED)).isEmpty();
    }
}
