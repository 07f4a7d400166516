package dev.carryon.core.digest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class DigestAlgorithmTest {

    @Test
    void httpNamesAreTheRfc9530RegistryKeys() {
        assertThat(DigestAlgorithm.SHA_256.httpName()).isEqualTo("sha-256");
        assertThat(DigestAlgorithm.SHA_512.httpName()).isEqualTo("sha-512");
        assertThat(DigestAlgorithm.SHA_1.httpName()).isEqualTo("sha");
        assertThat(DigestAlgorithm.MD5.httpName()).isEqualTo("md5");
    }

    @Test
    void onlyTheShaTwoFamilyIsSecure() {
        assertThat(DigestAlgorithm.SHA_256.secure()).isTrue();
        assertThat(DigestAlgorithm.SHA_512.secure()).isTrue();
        assertThat(DigestAlgorithm.SHA_1.secure()).isFalse();
        assertThat(DigestAlgorithm.MD5.secure()).isFalse();
    }

    @Test
    void byHttpNameIsExact() {
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            assertThat(DigestAlgorithm.byHttpName(a.httpName())).contains(a);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA-256", "sha256", "sha-1", "sha1", "MD5", "sha-384", "", " sha-256", "id-sha-256"})
    void byHttpNameRefusesOtherSpellings(String name) {
        assertThat(DigestAlgorithm.byHttpName(name)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"sha-256,SHA_256", "SHA-256,SHA_256", "sha256,SHA_256", "Sha_256,SHA_256", "sha-512,SHA_512",
        "SHA512,SHA_512", "sha,SHA_1", "sha-1,SHA_1", "SHA1,SHA_1", "md5,MD5", "MD5,MD5", "Md-5,MD5"})
    void byAnyNameAcceptsCommonSpellings(String name, DigestAlgorithm expected) {
        assertThat(DigestAlgorithm.byAnyName(name)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha-384", "sha3-256", "crc32c", "", "256", "sha 256"})
    void byAnyNameRefusesUnknownAlgorithms(String name) {
        assertThat(DigestAlgorithm.byAnyName(name)).isEmpty();
    }

    @Test
    void newDigestComputesTheAlgorithm() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(DigestAlgorithm.SHA_256.newDigest().digest(abc)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hex.formatHex(DigestAlgorithm.SHA_1.newDigest().digest(abc)))
                .isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(hex.formatHex(DigestAlgorithm.MD5.newDigest().digest(abc)))
                .isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        assertThat(DigestAlgorithm.SHA_512.newDigest().digest(abc)).hasSize(64);
    }

    @Test
    void newDigestIsFreshEachTime() {
        assertThat(DigestAlgorithm.SHA_256.newDigest()).isNotSameAs(DigestAlgorithm.SHA_256.newDigest());
    }
}
