package dev.carryon.core.download;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class FileNamesTest {

    @Test
    void charactersBeyondTheBasicPlaneAreKeptWhateverTheirLow16Bits() {
        // Found by fuzzing Content-Disposition: U+7DD65 and U+2D800 (a CJK Extension F ideograph) were dropped,
        // because the surrogate test looked at the code point cast to a char (0xDD65, 0xD800).
        assertThat(FileNames.safe("a\ud9b7\udd65b")).hasValue("a\ud9b7\udd65b");
        assertThat(FileNames.safe("\ud876\udc00.txt")).hasValue("\ud876\udc00.txt");
        assertThat(FileNames.safe("\ud83d\ude00")).hasValue("\ud83d\ude00");
    }

    @Test
    void unpairedSurrogatesAndControlsAreDropped() {
        assertThat(FileNames.safe("a\ud800b\udc00c")).hasValue("abc");
        assertThat(FileNames.safe("x\u0000\u001f\u007f\u0085y")).hasValue("xy");
        assertThat(FileNames.safe("\ud800")).isEmpty();
    }

    @Test
    void onlyTheLastComponentRemainsAndDotNamesAreRefused() {
        assertThat(FileNames.safe("../../etc/passwd")).hasValue("passwd");
        assertThat(FileNames.safe("a\\b\\c.txt")).hasValue("c.txt");
        assertThat(FileNames.safe("dir/..")).isEmpty();
        assertThat(FileNames.safe(" . ")).isEmpty();
    }

    @Test
    void nothingSuggestedOrNothingLeftIsNoName() {
        assertThat(FileNames.safe(null)).isEmpty();
        assertThat(FileNames.safe("")).isEmpty();
        assertThat(FileNames.safe("dir/")).isEmpty();
        assertThat(FileNames.safe("\u0001\u0002")).isEmpty();
    }

    @Test
    void surroundingWhitespaceIsStripped() {
        assertThat(FileNames.safe("  a b.txt \t")).hasValue("a b.txt");
        assertThat(FileNames.safe("dir/ x ")).hasValue("x");
    }

    @Test
    void atMost255BytesOfUtf8CutAtACharacterBoundary() {
        // 255 bytes is the name limit of ext4, XFS, APFS and others; a cut inside a character would leave
        // bytes that are not UTF-8
        assertThat(FileNames.safe("a".repeat(300))).hasValue("a".repeat(255));
        String twoByte = "\u00e9".repeat(200); // 400 bytes
        assertThat(FileNames.safe(twoByte)).hasValue("\u00e9".repeat(127)); // 254 bytes: a 128th would make 256
        String emoji = "\ud83d\ude00".repeat(70); // 4 bytes each, 280 bytes
        String cut = FileNames.safe(emoji).orElseThrow();
        assertThat(cut).isEqualTo("\ud83d\ude00".repeat(63));
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(252);
    }

    @Test
    void aCutThatEndsInASpaceIsStrippedAgain() {
        assertThat(FileNames.safe("a".repeat(254) + " b")).hasValue("a".repeat(254));
    }

    @Test
    void theUrlPathsLastSegmentPercentDecoded() {
        assertThat(FileNames.fromUrlPath("/files/report%202024.pdf")).hasValue("report 2024.pdf");
        assertThat(FileNames.fromUrlPath("/%E2%82%AC.txt")).hasValue("\u20ac.txt");
        assertThat(FileNames.fromUrlPath("plain.txt")).hasValue("plain.txt");
    }

    @Test
    void aUrlPathEndingInASlashOrEmptyNamesNothing() {
        assertThat(FileNames.fromUrlPath("/files/")).isEmpty();
        assertThat(FileNames.fromUrlPath("")).isEmpty();
        assertThat(FileNames.fromUrlPath(null)).isEmpty();
    }

    @Test
    void encodedSlashesAndDotsInAUrlPathCannotClimb() {
        // decoded after the segment is cut, so %2F is a slash again: only the last component survives
        assertThat(FileNames.fromUrlPath("/a/..%2F..%2Fetc%2Fpasswd")).hasValue("passwd");
        assertThat(FileNames.fromUrlPath("/a/%2e%2e")).isEmpty();
        assertThat(FileNames.fromUrlPath("/a/x%00y")).hasValue("xy");
    }

    @Test
    void aBrokenEscapeInAUrlPathIsKeptAsWritten() {
        assertThat(FileNames.fromUrlPath("/100%.txt")).hasValue("100%.txt");
        // octets that are not UTF-8 become U+FFFD rather than dropping the name
        assertThat(FileNames.fromUrlPath("/%ff.txt")).hasValue("\ufffd.txt");
    }
}
