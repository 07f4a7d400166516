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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tus {@code Upload-Metadata} (docs/upload-protocols.md §1.5): what is accepted, what is refused, round trips. */
class UploadMetadataTest {

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static void refused(String header, String why) {
        assertThatThrownBy(() -> UploadMetadata.parse(header)).as(header)
                .isInstanceOfSatisfying(UploadException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining(why);
    }

    @Test
    void nothingIsEmpty() {
        assertThat(UploadMetadata.parse(null).isEmpty()).isTrue();
        assertThat(UploadMetadata.parse("").isEmpty()).isTrue();
        assertThat(UploadMetadata.parse("   ").isEmpty()).isTrue();
        assertThat(UploadMetadata.parse(null).format()).isEmpty();
    }

    @Test
    void pairsAreKeysAndBase64ValuesInOrder() {
        UploadMetadata m = UploadMetadata.parse("filename " + b64("world_domination_plan.pdf") + ",filetype "
                + b64("application/pdf") + ",is_confidential");
        assertThat(m.values().keySet()).containsExactly("filename", "filetype", "is_confidential");
        assertThat(m.text("filename")).hasValue("world_domination_plan.pdf");
        assertThat(m.text("filetype")).hasValue("application/pdf");
        assertThat(m.values().get("is_confidential")).isEmpty();
        assertThat(m.text("is_confidential")).as("an empty value is no text").isEmpty();
        assertThat(m.text("absent")).isEmpty();
    }

    @Test
    void theThreeEmptyFormsAreOneAndTheSame() {
        // "key", "key " (tus-js-client writes key + ' ' + base64('')), and a key followed by nothing else
        for (String header : new String[] {"is_confidential", "is_confidential ", " is_confidential ,a YQ==",
                "a YQ==,is_confidential"}) {
            UploadMetadata m = UploadMetadata.parse(header);
            assertThat(m.values()).as(header).containsKey("is_confidential");
            assertThat(m.values().get("is_confidential")).as(header).isEmpty();
        }
    }

    @Test
    void whitespaceAroundCommasIsAllowed() {
        UploadMetadata m = UploadMetadata.parse("a YQ== ,  b Yg==\t,c");
        assertThat(m.values().keySet()).containsExactly("a", "b", "c");
        assertThat(m.text("a")).hasValue("a");
        assertThat(m.text("b")).hasValue("b");
    }

    @Test
    void valuesAreArbitraryBytes() {
        byte[] raw = {0, (byte) 0xff, '\n', '/', '.', '.', (byte) 0xc3};
        UploadMetadata m = UploadMetadata.parse("blob " + Base64.getEncoder().encodeToString(raw));
        assertThat(m.values().get("blob")).isEqualTo(raw);
        assertThat(m.text("blob").orElseThrow()).as("invalid UTF-8 is replaced, not thrown").contains("\uFFFD");
    }

    @Test
    void unpaddedBase64IsAccepted() {
        assertThat(UploadMetadata.parse("k YWI").text("k")).hasValue("ab");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k not-base64!!", "k YQ=x", "k ====", "k Y", "k _-_-"})
    void badBase64IsRefused(String header) {
        refused(header, "is not base64");
    }

    @Test
    void duplicatesAreRefused() {
        refused("filename YQ==,filename Yg==", "twice");
        refused("a,a", "twice");
        refused("a YQ==, b , a", "twice");
    }

    @Test
    void keysArePrintableAsciiWithoutSpaces() {
        refused("fïlename YQ==", "not printable ASCII");
        refused("key\u0001 YQ==", "not printable ASCII");
        refused("key\u007f YQ==", "not printable ASCII");
        assertThat(UploadMetadata.parse("a-b_c.d:e/f YQ==").values()).containsKey("a-b_c.d:e/f");
    }

    @Test
    void aValueHoldsNoSpace() {
        refused("k YQ== Yg==", "holds a space");
        refused("k YQ==  x", "holds a space");
    }

    @Test
    void emptyPairsAreRefused() {
        refused("a YQ==,,b Yg==", "empty pair");
        refused("a YQ==,", "empty pair");
        refused(",a YQ==", "empty pair");
        refused(" , ", "empty pair");
    }

    @Test
    void atMost64Pairs() {
        StringBuilder ok = new StringBuilder("k0");
        for (int i = 1; i < UploadMetadata.MAX_PAIRS; i++) {
            ok.append(",k").append(i);
        }
        assertThat(UploadMetadata.parse(ok.toString()).values()).hasSize(UploadMetadata.MAX_PAIRS);
        refused(ok + ",one-more", "more than 64");
    }

    @Test
    void formatWritesWhatParseRead() {
        assertThat(UploadMetadata.parse("b Yg==, a ,c YWJj").format()).isEqualTo("b Yg==,a,c YWJj");
    }

    @Test
    void withAddsOrReplacesOneKeyAndLeavesTheOriginalAlone() {
        UploadMetadata m = UploadMetadata.parse("a YQ==");
        UploadMetadata n = m.with("filename", "x.txt").with("a", "z");
        assertThat(n.text("filename")).hasValue("x.txt");
        assertThat(n.text("a")).hasValue("z");
        assertThat(m.values()).containsOnlyKeys("a");
        assertThatThrownBy(() -> n.values().put("b", new byte[0])).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void formatThenParseIsTheIdentity() {
        String keyChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/!#$%&'*+^`|~";
        Props.forAll(Props.TRIES, g -> {
            Map<String, byte[]> pairs = new LinkedHashMap<>();
            int n = g.intIn(1, 8);
            for (int i = 0; i < n; i++) {
                pairs.put(g.stringOf(keyChars, 1, 12), g.oneIn(4) ? new byte[0] : g.bytes(g.intIn(0, 40)));
            }
            return pairs;
        }, pairs -> {
            StringBuilder header = new StringBuilder();
            pairs.forEach((k, v) -> header.append(header.length() == 0 ? "" : ",").append(k).append(' ')
                    .append(Base64.getEncoder().encodeToString(v)));
            UploadMetadata m = UploadMetadata.parse(header.toString());
            assertThat(m.values().keySet()).containsExactlyElementsOf(pairs.keySet());
            pairs.forEach((k, v) -> assertThat(m.values().get(k)).isEqualTo(v));
            UploadMetadata again = UploadMetadata.parse(m.format());
            assertThat(again.format()).isEqualTo(m.format());
            pairs.forEach((k, v) -> assertThat(again.values().get(k)).isEqualTo(v));
        });
    }

    @Test
    void anyHeaderIsParsedOrRefusedWith400NeverAnythingElse() {
        Props.forAll(Props.TRIES, g -> g.pick(g.anyString(60), g.stringOf("ab ,=YQ\t", 0, 30)), header -> {
            try {
                UploadMetadata m = UploadMetadata.parse(header);
                assertThat(UploadMetadata.parse(m.format()).format()).isEqualTo(m.format());
            } catch (UploadException e) {
                assertThat(e.status()).isEqualTo(400);
            }
        });
    }
}
