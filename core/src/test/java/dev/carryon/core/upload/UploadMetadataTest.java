package dev.carryon.core.upload;

import dev.carryon.core.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class UploadMetadataTest {

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pairsOfKeysAndBase64ValuesInOrder() {
        UploadMetadata m = UploadMetadata.parse("filename " + b64("world_domination_plan.pdf") + ",is_confidential");
        assertThat(m.values().keySet()).containsExactly("filename", "is_confidential");
        assertThat(m.text("filename")).hasValue("world_domination_plan.pdf");
        assertThat(m.values().get("is_confidential")).isEmpty();
        assertThat(m.text("is_confidential")).as("a key without a value has no text").isEmpty();
        assertThat(m.format()).isEqualTo("filename " + b64("world_domination_plan.pdf") + ",is_confidential");
    }

    @Test
    void spacesAroundPairsAreTolerated() {
        UploadMetadata m = UploadMetadata.parse("  a " + b64("x") + " ,  b ");
        assertThat(m.text("a")).hasValue("x");
        assertThat(m.values()).containsKey("b");
    }

    @Test
    void anAbsentOrBlankHeaderIsEmpty() {
        assertThat(UploadMetadata.parse(null).isEmpty()).isTrue();
        assertThat(UploadMetadata.parse("   ").isEmpty()).isTrue();
        assertThat(UploadMetadata.EMPTY.format()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a x,,b", "a x,", ",a x", "k not-base64!", "k YQ== YQ==", "dup YQ==,dup Yg==",
        "caf\u00e9 YQ==", "tab\tkey YQ=="})
    void malformedHeadersAre400SayingWhy(String header) {
        UploadException e = catchThrowableOfType(() -> UploadMetadata.parse(header), UploadException.class);
        assertThat(e).as(header).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("Upload-Metadata");
    }

    @Test
    void atMost64Pairs() {
        StringBuilder ok = new StringBuilder();
        for (int i = 0; i < UploadMetadata.MAX_PAIRS; i++) {
            ok.append(i == 0 ? "" : ",").append("k").append(i);
        }
        assertThat(UploadMetadata.parse(ok.toString()).values()).hasSize(64);
        UploadException e = catchThrowableOfType(() -> UploadMetadata.parse(ok + ",one-more"), UploadException.class);
        assertThat(e.getMessage()).contains("more than 64 pairs");
    }

    @Test
    void withAddsOrReplacesAKeyAndLeavesTheOriginal() {
        UploadMetadata m = UploadMetadata.parse("filename " + b64("a.txt"));
        UploadMetadata n = m.with("filename", "b.txt").with("owner", "ops");
        assertThat(m.text("filename")).hasValue("a.txt");
        assertThat(n.text("filename")).hasValue("b.txt");
        assertThat(n.text("owner")).hasValue("ops");
    }

    record Pairs(Map<String, String> values) {
    }

    @Test
    void formatThenParseGivesTheSamePairsBack() {
        Props.forAll(Props.TRIES, g -> {
            Map<String, String> values = new LinkedHashMap<>();
            int n = g.intIn(1, 8);
            for (int i = 0; i < n; i++) {
                values.put(g.stringOf("abcdefghijklmnopqrstuvwxyz0123456789_-.", 1, 12) + i, g.unicode(0, 20));
            }
            return new Pairs(values);
        }, p -> {
            UploadMetadata m = UploadMetadata.EMPTY;
            for (Map.Entry<String, String> e : p.values().entrySet()) {
                m = m.with(e.getKey(), e.getValue());
            }
            UploadMetadata back = UploadMetadata.parse(m.format());
            assertThat(back.values().keySet()).containsExactlyElementsOf(p.values().keySet());
            for (Map.Entry<String, String> e : p.values().entrySet()) {
                assertThat(new String(back.values().get(e.getKey()), StandardCharsets.UTF_8)).isEqualTo(e.getValue());
            }
        });
    }
}
