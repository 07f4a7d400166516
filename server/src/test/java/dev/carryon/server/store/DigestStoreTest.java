package dev.carryon.server.store;

import dev.carryon.core.conditional.FileEntityTag;
import dev.carryon.server.content.ContentVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Digests are remembered per key and version token, and rows from before the token column stay valid. */
class DigestStoreTest {

    @TempDir
    Path dir;
    StateStore state;

    @BeforeEach
    void open() throws Exception {
        state = StateStore.open(dir);
    }

    @AfterEach
    void close() {
        state.close();
    }

    static final byte[] SHA256 = new byte[32];
    static final byte[] SHA512 = new byte[64];

    @Test
    void digestsAreFoundForTheirVersionOnly() {
        ContentVersion v1 = new ContentVersion(10, Instant.parse("2026-01-02T03:04:05.123456789Z"), "v1");
        ContentVersion v2 = new ContentVersion(11, Instant.parse("2026-01-02T03:04:06Z"), "v2");
        state.digests().put("/srv/a.bin", v1, new DigestStore.StoredDigests(SHA256, SHA512, false));

        assertThat(state.digests().find("/srv/a.bin", "v1")).hasValueSatisfying(d -> {
            assertThat(d.sha256()).isEqualTo(SHA256);
            assertThat(d.sha512()).isEqualTo(SHA512);
            assertThat(d.contentEtag()).isFalse();
        });
        assertThat(state.digests().find("/srv/a.bin", "v2")).isEmpty();
        assertThat(state.digests().find("/srv/b.bin", "v1")).isEmpty();

        state.digests().put("/srv/a.bin", v2, new DigestStore.StoredDigests(SHA256, null, true));
        assertThat(state.digests().find("/srv/a.bin", "v1")).as("replaced by the newer version").isEmpty();
        assertThat(state.digests().find("/srv/a.bin", "v2")).hasValueSatisfying(d -> {
            assertThat(d.sha512()).isEmpty();
            assertThat(d.contentEtag()).isTrue();
        });
    }

    @Test
    void aRowFromBeforeTheVersionColumnIsFoundUnderTheLocalToken() throws Exception {
        Instant modified = Instant.parse("2025-06-07T08:09:10.987654321Z");
        long nanos = modified.getEpochSecond() * 1_000_000_000L + modified.getNano();
        try (Connection c = state.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO file_digests"
                + " (path, size, mtime_ns, identity, sha256, sha512, computed_at, content_etag)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, "/srv/old.bin");
            s.setLong(2, 4096);
            s.setLong(3, nanos);
            s.setLong(4, 0xdeadbeefL);
            s.setBytes(5, SHA256);
            s.setBytes(6, SHA512);
            s.setLong(7, 0);
            s.setInt(8, 0);
            s.executeUpdate();
        }
        String token = FileEntityTag.token(4096, modified, 0xdeadbeefL);
        assertThat(state.digests().find("/srv/old.bin", token)).isPresent();
        assertThat(state.digests().find("/srv/old.bin", FileEntityTag.token(4096, modified, 1))).isEmpty();
    }
}
