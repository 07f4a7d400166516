package dev.carryon.core.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class MediaTypesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            video.mp4       | video/mp4
            photo.jpg       | image/jpeg
            photo.jpeg      | image/jpeg
            data.json       | application/json
            doc.pdf         | application/pdf
            archive.zip     | application/zip
            archive.tar.gz  | application/gzip
            disk.iso        | application/x-iso9660-image
            image.svg       | image/svg+xml
            font.woff2      | font/woff2
            page.xhtml      | application/xhtml+xml
            """)
    void typeByExtension(String name, String type) {
        assertThat(MediaTypes.forFileName(name)).isEqualTo(type);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            index.html  | text/html; charset=utf-8
            style.css   | text/css; charset=utf-8
            notes.txt   | text/plain; charset=utf-8
            README.md   | text/plain; charset=utf-8
            table.csv   | text/csv; charset=utf-8
            app.js      | text/javascript; charset=utf-8
            subs.vtt    | text/vtt; charset=utf-8
            """)
    void textTypesCarryTheirCharset(String name, String type) {
        assertThat(MediaTypes.forFileName(name)).isEqualTo(type);
    }

    @Test
    void extensionIsCaseInsensitive() {
        assertThat(MediaTypes.forFileName("PHOTO.JPG")).isEqualTo("image/jpeg");
        assertThat(MediaTypes.forFileName("Movie.Mp4")).isEqualTo("video/mp4");
        assertThat(MediaTypes.forFileName("INDEX.HTM")).isEqualTo("text/html; charset=utf-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file.unknownext", "README", "Makefile", "file.", "", ".", "a.b.c.zzz", "dir.d/file"})
    void unknownOrMissingExtensionIsOctetStream(String name) {
        assertThat(MediaTypes.forFileName(name)).isEqualTo(MediaTypes.DEFAULT).isEqualTo("application/octet-stream");
    }

    @Test
    void dotFileIsNamedByWhatFollowsTheDot() {
        assertThat(MediaTypes.forFileName(".bashrc")).isEqualTo("application/octet-stream");
        assertThat(MediaTypes.forFileName(".json")).isEqualTo("application/json");
    }

    @Test
    void parametersOfATypeAreNotExtensions() {
        assertThat(MediaTypes.forFileName("x.charset=utf-8")).isEqualTo("application/octet-stream");
    }
}
