package dev.carryon.core.upload;

import dev.carryon.core.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TusFieldsTest {

    @Test
    void numbersAreDigitsWithinALong() {
        assertThat(TusFields.number("Upload-Length", null)).isEmpty();
        assertThat(TusFields.number("Upload-Length", " 0 ")).hasValue(0L);
        assertThat(TusFields.number("Upload-Length", "1152921504606846976")).hasValue(1L << 60);
        assertThat(TusFields.number("Upload-Length", "9223372036854775807")).hasValue(Long.MAX_VALUE);
        for (String bad : List.of("", "-1", "+1", "1e3", "0x10", "1 2", "١٢")) {
            assertThatThrownBy(() -> TusFields.number("Upload-Offset", bad)).isInstanceOfSatisfying(
                    UploadException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageContaining("Upload-Offset must be a non-negative integer");
        }
        assertThatThrownBy(() -> TusFields.number("Upload-Length", "9223372036854775808"))
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("too large");
        String huge = "9".repeat(5000);
        assertThatThrownBy(() -> TusFields.number("Upload-Length", huge))
                .hasMessageContaining("too large").message().hasSizeLessThan(200);
    }

    @Test
    void concatPartsAreSeparatedByWhatStripRemovesToo() {
        // Found by the fuzzer: strip() removed U+2028 and U+001C at the ends, but the split on \s+ kept them
        // inside, so a lone separator became the "URL" of a part.
        assertThat(TusFields.concat("final;/uploads/a /upload\t\u2028\t\u2028/b").parts())
                .containsExactly("/uploads/a", "/upload", "/b");
        assertThat(TusFields.concat("final;/uploads/a\u001c/uploads/b").parts()).containsExactly("/uploads/a", "/uploads/b");
        assertThatThrownBy(() -> TusFields.concat("final; \u001f ")).isInstanceOf(UploadException.class);
    }

    @Test
    void concatIsPartialOrAFinalWithItsParts() {
        assertThat(TusFields.concat(null)).isEqualTo(TusFields.Concat.NONE);
        assertThat(TusFields.concat("partial")).isEqualTo(TusFields.Concat.PARTIAL);
        assertThat(TusFields.concat("final;/uploads/a  https://h/uploads/b").parts())
                .containsExactly("/uploads/a", "https://h/uploads/b");
        for (String bad : List.of("final;", "final; ", "whole", "partial;x")) {
            assertThatThrownBy(() -> TusFields.concat(bad)).isInstanceOf(UploadException.class);
        }
    }

    @Test
    void checksumsNameASupportedAlgorithmAndABase64Value() {
        TusFields.Checksum c = TusFields.checksum("sha256 " + java.util.Base64.getEncoder()
                .encodeToString("x".getBytes(StandardCharsets.UTF_8))).orElseThrow();
        assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.SHA_256);
        assertThat(c.value()).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
        assertThat(TusFields.checksum("md5 AAAA").orElseThrow().algorithm()).isEqualTo(DigestAlgorithm.MD5);
        assertThatThrownBy(() -> TusFields.checksum("crc32 AAAA")).hasMessageContaining("unsupported checksum algorithm");
        assertThatThrownBy(() -> TusFields.checksum("sha1 !!!")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> TusFields.checksum("sha1")).hasMessageContaining("'ALGORITHM BASE64'");
    }

    @Test
    void aCreationNeedsOneLengthAndAFinalNone() {
        java.util.Map<String, String> h = new java.util.HashMap<>();
        h.put("Upload-Length", "10");
        assertThat(TusFields.creation(h::get)).isEqualTo(new TusFields.Creation(10, false, TusFields.Concat.NONE,
                UploadMetadata.EMPTY));
        h.put("Upload-Defer-Length", "1");
        assertThatThrownBy(() -> TusFields.creation(h::get)).isInstanceOf(UploadException.class)
                .hasMessageContaining("not both");
        h.remove("Upload-Length");
        assertThat(TusFields.creation(h::get).deferred()).isTrue();
        h.put("Upload-Defer-Length", "2");
        assertThatThrownBy(() -> TusFields.creation(h::get)).hasMessageContaining("must be 1");
        h.clear();
        assertThatThrownBy(() -> TusFields.creation(h::get)).hasMessageContaining("needs Upload-Length");
        h.put("Upload-Concat", "final;/uploads/a /uploads/b");
        assertThat(TusFields.creation(h::get).concat().parts()).containsExactly("/uploads/a", "/uploads/b");
        h.put("Upload-Length", "3");
        assertThatThrownBy(() -> TusFields.creation(h::get)).hasMessageContaining("takes no Upload-Length");
    }

    @Test
    void aChecksumIsAHeaderOrAnAnnouncedTrailerNotBoth() {
        assertThat(TusFields.checksumTrailer(java.util.List.of("Foo, upload-checksum"), false)).isTrue();
        assertThat(TusFields.checksumTrailer(java.util.List.of(), true)).isFalse();
        assertThatThrownBy(() -> TusFields.checksumTrailer(java.util.List.of("Upload-Checksum"), true))
                .hasMessageContaining("both");
    }

    @Test
    void aMethodOverrideIsAMethodName() {
        assertThat(TusFields.methodOverride(" patch ")).isEqualTo("PATCH");
        assertThatThrownBy(() -> TusFields.methodOverride(" ")).isInstanceOf(UploadException.class);
        assertThatThrownBy(() -> TusFields.methodOverride("PA TCH")).isInstanceOf(UploadException.class);
        assertThat(TusFields.offset("5")).isEqualTo(5);
        assertThatThrownBy(() -> TusFields.offset(null)).hasMessageContaining("needs Upload-Offset");
    }
}
