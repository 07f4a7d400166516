package dev.carryon.core.download;

import org.junit.jupiter.api.Test;

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
}
