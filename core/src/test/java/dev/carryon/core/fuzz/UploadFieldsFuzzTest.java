package dev.carryon.core.fuzz;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.UploadException;
import dev.carryon.core.upload.UploadMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The tus request fields: every refusal an {@link UploadException} (a 400), every value one that formats back. */
class UploadFieldsFuzzTest {

    @Test
    void uploadMetadata() {
        Fuzz.run("upload-metadata", List.of("filename", "filename d29ybGQ=", "a", "a YQ==", "a YQ", "a Y", "a ====",
                "is_confidential", ",", ", ", " ", "==", "+/", "-_", "key\tdmFs"), UploadFieldsFuzzTest::metadata);
    }

    static String metadata(String input) {
        UploadMetadata parsed;
        try {
            parsed = UploadMetadata.parse(input);
        } catch (UploadException e) {
            assertThat(e.status()).isEqualTo(400);
            return Fuzz.refusal(e);
        }
        Map<String, byte[]> values = parsed.values();
        assertThat(values.size()).isLessThanOrEqualTo(UploadMetadata.MAX_PAIRS);
        UploadMetadata again = UploadMetadata.parse(parsed.format());
        assertThat(List.copyOf(again.values().keySet())).as("keys of parse(format(m))")
                .isEqualTo(List.copyOf(values.keySet()));
        values.forEach((k, v) -> {
            assertThat(k).isNotEmpty().doesNotContain(" ", ",");
            assertThat(again.values().get(k)).as("value of " + k).isEqualTo(v);
        });
        return values.isEmpty() ? "empty" : values.values().stream().anyMatch(v -> v.length == 0) ? "keys" : "pairs";
    }

    @Test
    void offsetsAndLengths() {
        Fuzz.run("tus-number", List.of("0", "00", "1", "+1", "-1", " 1 ", "9223372036854775807", "9223372036854775808",
                "\u0661", "1_000"), UploadFieldsFuzzTest::number);
    }

    static String number(String input) {
        Optional<Long> n;
        try {
            n = TusFields.number("Upload-Offset", input);
        } catch (UploadException e) {
            assertThat(e.status()).isEqualTo(400);
            return Fuzz.refusal(e);
        }
        assertThat(n).isPresent();
        assertThat(n.get()).isNotNegative();
        assertThat(TusFields.number("Upload-Offset", Long.toString(n.get()))).contains(n.get());
        return n.get() == 0 ? "zero" : "positive";
    }

    @Test
    void uploadConcat() {
        Fuzz.run("tus-concat", List.of("partial", "final;", "final; ", "final;/uploads/a", " /uploads/b", "\t",
                "http://h/uploads/c", "FINAL;", "final;;"), UploadFieldsFuzzTest::concat);
    }

    static String concat(String input) {
        TusFields.Concat c;
        try {
            c = TusFields.concat(input);
        } catch (UploadException e) {
            assertThat(e.status()).isEqualTo(400);
            return Fuzz.refusal(e);
        }
        if (c.kind() == TusFields.Concat.Kind.FINAL) {
            assertThat(c.parts()).isNotEmpty().allSatisfy(p -> assertThat(p).isNotBlank().doesNotContain(" ", "\t"));
        }
        assertThat(TusFields.concat(c.headerValue())).as("concat(headerValue)").isEqualTo(c);
        return c.kind().name();
    }

    @Test
    void uploadChecksum() {
        List<String> dictionary = new ArrayList<>(List.of("sha1", "SHA1", "md5", "sha256", "sha512", "sha-256", "crc32",
                " ", "  ", "=", "==", "+", "/"));
        dictionary.add(Base64.getEncoder().encodeToString(new byte[20]));
        Fuzz.run("tus-checksum", dictionary, UploadFieldsFuzzTest::checksum);
    }

    static String checksum(String input) {
        Optional<TusFields.Checksum> c;
        try {
            c = TusFields.checksum(input);
        } catch (UploadException e) {
            assertThat(e.status()).isEqualTo(400);
            return Fuzz.refusal(e);
        }
        assertThat(c).isPresent();
        String formatted = TusFields.tusName(c.get().algorithm()) + " "
                + Base64.getEncoder().encodeToString(c.get().value());
        TusFields.Checksum again = TusFields.checksum(formatted).orElseThrow();
        assertThat(again.algorithm()).isEqualTo(c.get().algorithm());
        assertThat(again.value()).isEqualTo(c.get().value());
        return c.get().algorithm().name();
    }
}
