package dev.carryon.server.store;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadMetadata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link UploadStore} in the embedded database. Records are written on one connection with
 * {@code synchronous=FULL}: a recorded offset survives a crash of the process and of the machine. Leases are
 * written on another with the database's usual {@code NORMAL}: a lease lost with the machine only frees the
 * upload. Both are used under this object's lock.
 */
final class SqliteUploadStore implements UploadStore {

    private static final String COLUMNS = "id, length, upload_offset, metadata, concat, owner, created_at,"
            + " expires_at, state, path, sha256";

    /** For {@link #recent}: its own connection and lock, so that a reader never waits for a commit (WAL). */
    private final Object readLock = new Object();
    private Connection reader;

    private final StateStore store;
    private Connection records;
    private Connection leases;

    SqliteUploadStore(StateStore store) {
        this.store = store;
    }

    @Override
    public synchronized void create(Upload u) {
        try (PreparedStatement s = records().prepareStatement("INSERT INTO uploads (" + COLUMNS + ", updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, u.id());
            int i = bind(s, 2, u);
            s.setLong(i, System.currentTimeMillis());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record upload " + u.id(), e);
        }
    }

    @Override
    public synchronized boolean update(Upload u, long expectedOffset, long epoch) {
        long now = System.currentTimeMillis();
        String sql = "UPDATE uploads SET length = ?, upload_offset = ?, metadata = ?, concat = ?, owner = ?,"
                + " created_at = ?, expires_at = ?, state = ?, path = ?, sha256 = ?, updated_at = ?"
                + (epoch >= 0 ? ", lease_expires = max(coalesce(lease_expires, 0), ? + coalesce(lease_ttl, 0))" : "")
                + " WHERE id = ? AND upload_offset = ?" + (epoch >= 0 ? " AND lease_epoch = ?" : "");
        try (PreparedStatement s = records().prepareStatement(sql)) {
            int i = bind(s, 1, u);
            s.setLong(i++, now);
            if (epoch >= 0) {
                s.setLong(i++, now);
            }
            s.setString(i++, u.id());
            s.setLong(i++, expectedOffset);
            if (epoch >= 0) {
                s.setLong(i, epoch);
            }
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot record upload " + u.id(), e);
        }
    }

    @Override
    public synchronized Optional<Upload> find(String id) {
        try (PreparedStatement q = records().prepareStatement("SELECT " + COLUMNS + " FROM uploads WHERE id = ?")) {
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
        try (PreparedStatement d = records().prepareStatement("DELETE FROM uploads WHERE id = ?")) {
            d.setString(1, id);
            d.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot delete upload " + id, e);
        }
    }

    @Override
    public synchronized List<Upload> finalsNaming(String partId) {
        List<Upload> out = new ArrayList<>();
        // A final's concat is 'final;ID ID ...' (ids: lower-case letters and digits, nothing LIKE treats specially).
        try (PreparedStatement q = records().prepareStatement("SELECT " + COLUMNS + " FROM uploads"
                + " WHERE concat LIKE 'final;%' AND (' ' || substr(concat, 7) || ' ') LIKE ('% ' || ? || ' %')")) {
            q.setString(1, partId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list the finals of upload " + partId, e);
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
                try (PreparedStatement q = reader.prepareStatement("SELECT " + COLUMNS
                        + ", coalesce(updated_at, created_at) AS changed FROM uploads ORDER BY changed DESC LIMIT ?")) {
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
        try (PreparedStatement d = records().prepareStatement(
                "DELETE FROM uploads WHERE state = 'EXPIRED' AND expires_at <= ?")) {
            d.setLong(1, before.toEpochMilli());
            return d.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot purge expired uploads", e);
        }
    }

    // ---- leases ----

    @Override
    public synchronized Optional<Lease> acquire(String id, String holder, Instant now, Duration ttl) {
        try {
            return take(id, holder, now, ttl, true);
        } catch (SQLException e) {
            throw new StoreException("cannot take the lease of upload " + id, e);
        }
    }

    /** Takes a lease that is free or expired (or, with {@code ownToo}, already the holder's). */
    private Optional<Lease> take(String id, String holder, Instant now, Duration ttl, boolean ownToo)
            throws SQLException {
        long until = now.plus(ttl).toEpochMilli();
        try (PreparedStatement s = leases().prepareStatement("UPDATE uploads SET lease_holder = ?,"
                + " lease_epoch = lease_epoch + 1, lease_expires = ?, lease_ttl = ? WHERE id = ?"
                + " AND (lease_holder IS NULL OR lease_expires <= ?" + (ownToo ? " OR lease_holder = ?" : "") + ")")) {
            s.setString(1, holder);
            s.setLong(2, until);
            s.setLong(3, ttl.toMillis());
            s.setString(4, id);
            s.setLong(5, now.toEpochMilli());
            if (ownToo) {
                s.setString(6, holder);
            }
            if (s.executeUpdate() != 1) {
                return Optional.empty();
            }
        }
        try (PreparedStatement q = leases().prepareStatement("SELECT lease_epoch FROM uploads WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(new Lease(id, holder, rs.getLong(1), Instant.ofEpochMilli(until)))
                        : Optional.empty();
            }
        }
    }

    @Override
    public synchronized void release(String id, String holder, long epoch) {
        try (PreparedStatement s = leases().prepareStatement("UPDATE uploads SET lease_holder = NULL,"
                + " lease_expires = NULL WHERE id = ? AND lease_holder = ? AND lease_epoch = ?")) {
            s.setString(1, id);
            s.setString(2, holder);
            s.setLong(3, epoch);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot release the lease of upload " + id, e);
        }
    }

    @Override
    public synchronized List<Lease> claimExpired(Instant now, int limit, String holder, Duration ttl) {
        List<String> ids = new ArrayList<>();
        List<Lease> out = new ArrayList<>();
        try {
            try (PreparedStatement q = leases().prepareStatement("SELECT id FROM uploads WHERE state = 'ACTIVE'"
                    + " AND expires_at IS NOT NULL AND expires_at <= ?"
                    + " AND (lease_holder IS NULL OR lease_expires <= ?) ORDER BY expires_at LIMIT ?")) {
                q.setLong(1, now.toEpochMilli());
                q.setLong(2, now.toEpochMilli());
                q.setInt(3, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            for (String id : ids) {
                take(id, holder, now, ttl, false).ifPresent(out::add);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot claim expired uploads", e);
        }
        return out;
    }

    // ---- rows ----

    /** Binds the record's columns after the id, from {@code i}; returns the next index. */
    private static int bind(PreparedStatement s, int i, Upload u) throws SQLException {
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
        return i;
    }

    static Upload read(ResultSet rs) throws SQLException {
        long expires = rs.getLong(8);
        Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
        return new Upload(rs.getString(1), rs.getLong(2), rs.getLong(3), UploadMetadata.parse(rs.getString(4)),
                TusFields.concat(rs.getString(5)), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), expiresAt,
                Upload.State.valueOf(rs.getString(9)), rs.getString(10), rs.getBytes(11));
    }

    private Connection records() throws SQLException {
        if (records == null || records.isClosed()) {
            records = store.connect();
            try (Statement s = records.createStatement()) {
                s.execute("PRAGMA synchronous=FULL");
            }
        }
        return records;
    }

    private Connection leases() throws SQLException {
        if (leases == null || leases.isClosed()) {
            leases = store.connect();
        }
        return leases;
    }
}
