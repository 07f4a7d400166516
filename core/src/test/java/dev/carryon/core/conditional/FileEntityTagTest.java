package dev.carryon.core.conditional;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FileEntityTagTest {

    private static final Instant MODIFIED = Instant.parse("2024-06-01T12:00:00.123456789Z");

    @Test
    void opaquePartIsSizeNanosAndIdentityInHex() {
        EntityTag tag = FileEntityTag.of(4096, Instant.ofEpochSecond(1, 5), 7, Instant.ofEpochSecond(100));
        assertThat(tag).isEqualTo(EntityTag.strong("1000-3b9aca05-7"));
    }

    @Test
    void weakWhileModifiedWithinTheLastSecond() {
        assertThat(FileEntityTag.of(10, MODIFIED, 1, MODIFIED).weak()).isTrue();
        assertThat(FileEntityTag.of(10, MODIFIED, 1, MODIFIED.plusMillis(999)).weak()).isTrue();
        assertThat(FileEntityTag.of(10, MODIFIED, 1, MODIFIED.plus(Duration.ofSeconds(1)).minusNanos(1)).weak())
                .isTrue();
    }

    @Test
    void strongOnceStillForASecond() {
        assertThat(FileEntityTag.of(10, MODIFIED, 1, MODIFIED.plusSeconds(1)).weak()).isFalse();
        assertThat(FileEntityTag.of(10, MODIFIED, 1, MODIFIED.plusSeconds(3600)).weak()).isFalse();
    }

    @Test
    void weakWhenModifiedInTheFuture() {
        assertThat(FileEntityTag.of(10, MODIFIED, 1, MODIFIED.minusSeconds(10)).weak()).isTrue();
    }

    @Test
    void strengthDoesNotChangeTheOpaquePart() {
        EntityTag fresh = FileEntityTag.of(10, MODIFIED, 1, MODIFIED);
        EntityTag settled = FileEntityTag.of(10, MODIFIED, 1, MODIFIED.plusSeconds(5));
        assertThat(fresh.opaque()).isEqualTo(settled.opaque());
        assertThat(fresh.weakMatch(settled)).isTrue();
        assertThat(fresh.strongMatch(settled)).isFalse();
    }

    @Test
    void sameFileSameTag() {
        Instant now = MODIFIED.plusSeconds(60);
        assertThat(FileEntityTag.of(10, MODIFIED, 1, now)).isEqualTo(FileEntityTag.of(10, MODIFIED, 1, now));
    }

    @Test
    void distinctForDifferentSizeTimeOrIdentity() {
        Instant now = MODIFIED.plusSeconds(60);
        EntityTag base = FileEntityTag.of(10, MODIFIED, 1, now);
        assertThat(FileEntityTag.of(11, MODIFIED, 1, now)).isNotEqualTo(base);
        assertThat(FileEntityTag.of(10, MODIFIED.plusNanos(1), 1, now)).isNotEqualTo(base);
        assertThat(FileEntityTag.of(10, MODIFIED.minusSeconds(1), 1, now)).isNotEqualTo(base);
        assertThat(FileEntityTag.of(10, MODIFIED, 2, now)).isNotEqualTo(base);
        assertThat(FileEntityTag.of(10, MODIFIED, 0, now)).isNotEqualTo(base);
    }

    @Test
    void negativeIdentityAndTimesBeforeTheEpochStillMakeValidTags() {
        EntityTag tag = FileEntityTag.of(0, Instant.parse("1960-01-01T00:00:00Z"), -1, MODIFIED);
        assertThat(EntityTag.parse(tag.headerValue())).contains(tag);
        assertThat(tag.opaque()).endsWith("-ffffffffffffffff");
    }
}
