package dev.carryon.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * {@link DigestStore} in the embedded database. Each thread gets its own connection (SQLite connections are
 * not for sharing), so lookups on the I/O threads run in parallel with the writer under WAL.
 */
final class SqliteDigestStore implements DigestStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteDigestStore.class);

    private final StateStore store;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();

    SqliteDigestStore(StateStore store) {
        this.store = store;
    }

    @Override
    public Optional<StoredDigests> find(String path) {
        try {
            PreparedStatement q = connection().prepareStatement(
                    "SELECT size, mtime_ns, identity, sha256, sha512, content_etag FROM file_digests WHERE path = ?");
            try (q) {
                q.setString(1, path);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredDigests(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                            rs.getBytes(4), rs.getBytes(5), rs.getInt(6) != 0));
                }
            }
        } catch (SQLException e) {
            log.warn("digest lookup for {} failed: {}", path, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void put(String path, StoredDigests d) {
        try (PreparedStatement u = connection().prepareStatement(
                "INSERT OR REPLACE INTO file_digests (path, size, mtime_ns, identity, sha256, sha512, computed_at,"
                        + " content_etag) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            u.setString(1, path);
            u.setLong(2, d.size());
            u.setLong(3, d.mtimeNanos());
            u.setLong(4, d.identity());
            u.setBytes(5, d.sha256());
            u.setBytes(6, d.sha512() == null ? new byte[0] : d.sha512()); // empty: not computed
            u.setLong(7, System.currentTimeMillis());
            u.setInt(8, d.contentEtag() ? 1 : 0);
            u.executeUpdate();
        } catch (SQLException e) {
            log.warn("recording the digest of {} failed: {}", path, e.getMessage());
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
