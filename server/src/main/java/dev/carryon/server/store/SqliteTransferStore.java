package dev.carryon.server.store;

import dev.carryon.core.journal.DownloadRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@link TransferStore} in the embedded database's {@code transfers} table. One connection of its own, used by
 * the journal's single thread only.
 */
final class SqliteTransferStore implements TransferStore {

    private final StateStore store;
    private Connection connection;

    SqliteTransferStore(StateStore store) {
        this.store = store;
    }

    @Override
    public void save(Collection<DownloadRecord> sessions) {
        if (sessions.isEmpty()) {
            return;
        }
        try {
            Connection c = connection();
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT OR REPLACE INTO transfers (id, path, etag, size,"
                    + " client_key, client, user_agent, requests, bytes_sent, coverage, covered, first_activity,"
                    + " last_activity, complete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (DownloadRecord r : sessions) {
                    s.setString(1, r.id());
                    s.setString(2, r.path());
                    s.setString(3, r.etag());
                    s.setLong(4, r.size());
                    s.setString(5, r.clientKey());
                    s.setString(6, r.client());
                    if (r.userAgent() == null) {
                        s.setNull(7, Types.VARCHAR);
                    } else {
                        s.setString(7, r.userAgent());
                    }
                    s.setInt(8, r.requests());
                    s.setLong(9, r.bytesSent());
                    s.setString(10, formatCoverage(r.coverage()));
                    s.setLong(11, r.covered());
                    s.setLong(12, r.firstActivity());
                    s.setLong(13, r.lastActivity());
                    s.setInt(14, r.complete() ? 1 : 0);
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot record transfers", e);
        }
    }

    @Override
    public List<DownloadRecord> load(long sinceMillis, int limit) {
        List<DownloadRecord> out = new ArrayList<>();
        try (PreparedStatement q = connection().prepareStatement("SELECT id, path, etag, size, client_key, client,"
                + " user_agent, requests, bytes_sent, coverage, covered, first_activity, last_activity, complete"
                + " FROM transfers WHERE last_activity >= ? ORDER BY last_activity DESC LIMIT ?")) {
            q.setLong(1, sinceMillis);
            q.setInt(2, limit);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new DownloadRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getLong(9),
                            parseCoverage(rs.getString(10)), rs.getLong(11), rs.getLong(12), rs.getLong(13),
                            rs.getInt(14) != 0, null));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read transfers", e);
        }
        return out;
    }

    @Override
    public int prune(long beforeMillis, int cap) {
        try (PreparedStatement old = connection().prepareStatement("DELETE FROM transfers WHERE last_activity < ?");
             PreparedStatement over = connection().prepareStatement("DELETE FROM transfers WHERE id IN (SELECT id"
                     + " FROM transfers ORDER BY last_activity DESC LIMIT -1 OFFSET ?)")) {
            old.setLong(1, beforeMillis);
            int n = old.executeUpdate();
            over.setInt(1, cap);
            return n + over.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot prune transfers", e);
        }
    }

    @Override
    public int count() {
        try (PreparedStatement q = connection().prepareStatement("SELECT count(*) FROM transfers");
             ResultSet rs = q.executeQuery()) {
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new StoreException("cannot count transfers", e);
        }
    }

    static String formatCoverage(List<long[]> coverage) {
        StringBuilder b = new StringBuilder();
        for (long[] i : coverage) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(i[0]).append('-').append(i[1]);
        }
        return b.toString();
    }

    static List<long[]> parseCoverage(String text) {
        List<long[]> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String part : text.split(",")) {
            int dash = part.indexOf('-');
            out.add(new long[] {Long.parseLong(part.substring(0, dash)), Long.parseLong(part.substring(dash + 1))});
        }
        return out;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = store.connect();
        }
        return connection;
    }
}
