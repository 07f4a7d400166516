package dev.carryon.server.store;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link UploadStore} in the embedded database, with the bytes in {@code STATE/uploads/ID}. One connection,
 * used under this object's lock, with {@code synchronous=FULL}: a recorded offset survives a crash of the
 * process and of the machine.
 */
final class SqliteUploadStore implements UploadStore {

    private final StateStore store;
    private final Path dataDir;
    private Connection connection;
    /** For {@link #recent}: its own connection and lock, so that a reader never waits for a commit (WAL). */
    private final Object readLock = new Object();
    private Connection reader;

    SqliteUploadStore(StateStore store, Path dataDir) {
        this.store = store;
        this.dataDir = dataDir;
    }

    @Override
    public synchronized void create(Upload u) {
        execute("INSERT INTO uploads (id, length, upload_offset, metadata, concat, owner, created_at, expires_at,"
                + " state, path, sha256, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", u, true);
    }

    @Override
    public synchronized void update(Upload u) {
        execute("UPDATE uploads SET length = ?, upload_offset = ?, metadata = ?, concat = ?, owner = ?,"
                + " created_at = ?, expires_at = ?, state = ?, path = ?, sha256 = ?, updated_at = ? WHERE id = ?", u, false);
    }

    @Override
    public synchronized Optional<Upload> find(String id) {
        try (PreparedStatement q = connection().prepareStatement(
                "SELECT id, length, upload_offset, metadata, concat, owner, created_at, expires_at, state, path, sha256"
                        + " FROM uploads WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read upload " + id, e);
        }
    }

    @Override
    public synchronized void delete(String id) {
        try (PreparedStatement d = connection().prepareStatement("DELETE FROM uploads WHERE id = ?")) {
            d.setString(1, id);
            d.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot delete upload " + id, e);
        }
    }

    @Override
    public synchronized List<Upload> expired(Instant now, int limit) {
        List<Upload> out = new ArrayList<>();
        try (PreparedStatement q = connection().prepareStatement(
                "SELECT id, length, upload_offset, metadata, concat, owner, created_at, expires_at, state, path, sha256"
                        + " FROM uploads WHERE state = 'ACTIVE' AND expires_at IS NOT NULL AND expires_at <= ?"
                        + " ORDER BY expires_at LIMIT ?")) {
            q.setLong(1, now.toEpochMilli());
            q.setInt(2, limit);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list expired uploads", e);
        }
        return out;
    }

    @Override
    public List<RecentUpload> recent(int limit) {
        synchronized (readLock) {
            List<RecentUpload> out = new ArrayList<>();
            try {
                if (reader == null || reader.isClosed()) {
                    reader = store.connect();
                }
                try (PreparedStatement q = reader.prepareStatement("SELECT id, length, upload_offset, metadata, concat,"
                        + " owner, created_at, expires_at, state, path, sha256, coalesce(updated_at, created_at) AS changed"
                        + " FROM uploads ORDER BY changed DESC LIMIT ?")) {
                    q.setInt(1, limit);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            out.add(new RecentUpload(read(rs), rs.getLong(12)));
                        }
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot list uploads", e);
            }
            return out;
        }
    }

    @Override
    public synchronized int purgeExpired(Instant before) {
        try (PreparedStatement d = connection().prepareStatement(
                "DELETE FROM uploads WHERE state = 'EXPIRED' AND expires_at <= ?")) {
            d.setLong(1, before.toEpochMilli());
            return d.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot purge expired uploads", e);
        }
    }

    @Override
    public Path data(String id) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dataDir.resolve(id);
    }

    private void execute(String sql, Upload u, boolean insert) {
        try (PreparedStatement s = connection().prepareStatement(sql)) {
            int i = 1;
            if (insert) {
                s.setString(i++, u.id());
            }
            s.setLong(i++, u.length());
            s.setLong(i++, u.offset());
            s.setString(i++, u.metadata().format());
            s.setString(i++, u.concat().headerValue());
            s.setString(i++, u.owner());
            s.setLong(i++, u.created().toEpochMilli());
            if (u.expires() == null) {
                s.setNull(i++, Types.INTEGER);
            } else {
                s.setLong(i++, u.expires().toEpochMilli());
            }
            s.setString(i++, u.state().name());
            s.setString(i++, u.path());
            s.setBytes(i++, u.sha256());
            s.setLong(i++, System.currentTimeMillis());
            if (!insert) {
                s.setString(i, u.id());
            }
            if (s.executeUpdate() != 1) {
                throw new StoreException("upload " + u.id() + " is not recorded", null);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot record upload " + u.id(), e);
        }
    }

    static Upload read(ResultSet rs) throws SQLException {
        long expires = rs.getLong(8);
        Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
        return new Upload(rs.getString(1), rs.getLong(2), rs.getLong(3), UploadMetadata.parse(rs.getString(4)),
                TusFields.concat(rs.getString(5)), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), expiresAt,
                Upload.State.valueOf(rs.getString(9)), rs.getString(10), rs.getBytes(11));
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = store.connect();
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA synchronous=FULL");
            }
        }
        return connection;
    }
}
