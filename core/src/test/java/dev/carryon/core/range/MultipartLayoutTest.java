package dev.carryon.core.range;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MultipartLayoutTest {

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void contentType() {
        MultipartLayout layout = new MultipartLayout("THIS_STRING_SEPARATES", "application/pdf", 8000,
                List.of(new ByteRange(500, 999), new ByteRange(7000, 7999)));
        assertThat(layout.contentType()).isEqualTo("multipart/byteranges; boundary=THIS_STRING_SEPARATES");
        assertThat(layout.boundary()).isEqualTo("THIS_STRING_SEPARATES");
    }

    @Test
    void exactBytesAroundEachPart() {
        MultipartLayout layout = new MultipartLayout("B", "text/plain", 100,
                List.of(new ByteRange(50, 59), new ByteRange(0, 9)));

        assertThat(layout.parts()).hasSize(2);
        assertThat(ascii(layout.parts().get(0).header()))
                .isEqualTo("--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 50-59/100\r\n\r\n");
        assertThat(layout.parts().get(0).range()).isEqualTo(new ByteRange(50, 59));
        assertThat(ascii(layout.parts().get(1).header()))
                .isEqualTo("\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-9/100\r\n\r\n");
        assertThat(layout.parts().get(1).range()).isEqualTo(new ByteRange(0, 9));
        assertThat(ascii(layout.trailer())).isEqualTo("\r\n--B--\r\n");
    }

    @Test
    void contentLengthIsEveryByteWritten() {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        MultipartLayout layout = new MultipartLayout("B", "text/plain", 100,
                List.of(new ByteRange(50, 59), new ByteRange(0, 9)));

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (MultipartLayout.Part part : layout.parts()) {
            body.writeBytes(part.header());
            body.write(data, (int) part.range().first(), (int) part.range().length());
        }
        body.writeBytes(layout.trailer());

        assertThat(ascii(body.toByteArray())).isEqualTo(
                "--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 50-59/100\r\n\r\nyzabcdefgh"
                        + "\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-9/100\r\n\r\nabcdefghij"
                        + "\r\n--B--\r\n");
        assertThat(layout.contentLength()).isEqualTo(body.size()).isEqualTo(159);
    }

    @Test
    void singlePartLayout() {
        MultipartLayout layout = new MultipartLayout("xyz", "a/b", 1, List.of(new ByteRange(0, 0)));
        assertThat(layout.contentLength())
                .isEqualTo("--xyz\r\nContent-Type: a/b\r\nContent-Range: bytes 0-0/1\r\n\r\n".length() + 1
                        + "\r\n--xyz--\r\n".length());
    }

    @Test
    void trailerIsACopy() {
        MultipartLayout layout = new MultipartLayout("B", "text/plain", 100, List.of(new ByteRange(0, 9)));
        layout.trailer()[0] = 'X';
        assertThat(ascii(layout.trailer())).isEqualTo("\r\n--B--\r\n");
    }

    @Test
    void noPartsIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MultipartLayout("B", "text/plain", 100, List.of()));
    }

    @Test
    void partOverheadIsTheWidestLaterPartHeader() {
        assertThat(MultipartLayout.partOverhead("B", "text/plain", 100))
                .isEqualTo("\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 99-99/100\r\n\r\n".length())
                .isEqualTo(67);
        assertThat(MultipartLayout.partOverhead("B", "text/plain", 10_000))
                .isEqualTo("\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 9999-9999/10000\r\n\r\n"
                        .length());
    }

    @Test
    void partOverheadBoundsEveryLaterPartHeader() {
        long length = 123_456;
        int overhead = MultipartLayout.partOverhead("B", "text/plain", length);
        MultipartLayout layout = new MultipartLayout("B", "text/plain", length,
                List.of(new ByteRange(0, 0), new ByteRange(9, 99), new ByteRange(1000, 123_455)));
        for (MultipartLayout.Part p : layout.parts()) {
            assertThat(p.header().length).isLessThanOrEqualTo(overhead);
        }
    }
}
