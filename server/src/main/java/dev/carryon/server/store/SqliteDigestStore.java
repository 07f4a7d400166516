package dev.carryon.server.store;

import dev.carryon.core.conditional.FileEntityTag;
import dev.carryon.server.content.ContentVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link DigestStore} in the embedded database. Each thread gets its own connection (SQLite connections are
 * not for sharing), so lookups on the I/O threads run in parallel with the writer under WAL.
 *
 * <p>Rows written before the {@code version} column have the version of a local file in its parts (size,
 * modification time, identity), which make the same token: their digests stay valid.
 */
final class SqliteDigestStore implements DigestStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteDigestStore.class);

    private final StateStore store;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();

    SqliteDigestStore(StateStore store) {
        this.store = store;
    }

    @Override
    public Optional<StoredDigests> find(String key, String version) {
        try {
            PreparedStatement q = connection().prepareStatement("SELECT version, size, mtime_ns, identity, sha256,"
                    + " sha512, content_etag FROM file_digests WHERE path = ?");
            try (q) {
                q.setString(1, key);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String stored = rs.getString(1);
                    if (stored == null) {
                        stored = FileEntityTag.token(rs.getLong(2), Instant.ofEpochSecond(0, rs.getLong(3)),
                                rs.getLong(4));
                    }
                    if (!stored.equals(version)) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredDigests(rs.getBytes(5), rs.getBytes(6), rs.getInt(7) != 0));
                }
            }
        } catch (SQLException e) {
            log.warn("digest lookup for {} failed: {}", key, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, ContentVersion version, StoredDigests d) {
        try (PreparedStatement u = connection().prepareStatement(
                "INSERT OR REPLACE INTO file_digests (path, size, mtime_ns, identity, sha256, sha512, computed_at,"
                        + " content_etag, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Instant m = version.modified();
            u.setString(1, key);
            u.setLong(2, version.size());
            u.setLong(3, m.getEpochSecond() * 1_000_000_000L + m.getNano());
            u.setLong(4, 0); // in the version token now
            u.setBytes(5, d.sha256());
            u.setBytes(6, d.sha512() == null ? new byte[0] : d.sha512()); // empty: not computed
            u.setLong(7, System.currentTimeMillis());
            u.setInt(8, d.contentEtag() ? 1 : 0);
            u.setString(9, version.token());
            u.executeUpdate();
        } catch (SQLException e) {
            log.warn("recording the digest of {} failed: {}", key, e.getMessage());
        }
    }

    private Connection connection() throws SQLException {
        Connection c = connections.get();
        if (c == null || c.isClosed()) {
            c = store.connect();
            connections.set(c);
        }
        return c;
    }
}
