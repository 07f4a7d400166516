package dev.carryon.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded database in the state directory: one SQLite file in WAL mode, so that readers on the I/O threads
 * never wait for the writer. Schema changes are numbered migrations tracked in {@code PRAGMA user_version}.
 */
public final class StateStore implements AutoCloseable {

    public static final String FILE_NAME = "carryon.db";

    /** Migration n brings the schema from version n to n+1; only ever append. */
    private static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE file_digests (
                path        TEXT    PRIMARY KEY,
                size        INTEGER NOT NULL,
                mtime_ns    INTEGER NOT NULL,
                identity    INTEGER NOT NULL,
                sha256      BLOB    NOT NULL,
                sha512      BLOB    NOT NULL,
                computed_at INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE uploads (
                id            TEXT    PRIMARY KEY,
                length        INTEGER NOT NULL,
                upload_offset INTEGER NOT NULL,
                metadata      TEXT    NOT NULL,
                concat        TEXT,
                owner         TEXT,
                created_at    INTEGER NOT NULL,
                expires_at    INTEGER,
                state         TEXT    NOT NULL,
                path          TEXT,
                sha256        BLOB
            )
            """,
            "CREATE INDEX uploads_by_state_expiry ON uploads (state, expires_at)",
            // Files carryon received itself are named by their content: the same ETag on every node.
            "ALTER TABLE file_digests ADD COLUMN content_etag INTEGER NOT NULL DEFAULT 0",
            // The transfer journal: one row per download session (see TransferStore).
            """
            CREATE TABLE transfers (
                id             TEXT    PRIMARY KEY,
                path           TEXT    NOT NULL,
                etag           TEXT    NOT NULL,
                size           INTEGER NOT NULL,
                client_key     TEXT    NOT NULL,
                client         TEXT    NOT NULL,
                user_agent     TEXT,
                requests       INTEGER NOT NULL,
                bytes_sent     INTEGER NOT NULL,
                coverage       TEXT    NOT NULL,
                covered        INTEGER NOT NULL,
                first_activity INTEGER NOT NULL,
                last_activity  INTEGER NOT NULL,
                complete       INTEGER NOT NULL
            )
            """,
            "CREATE INDEX transfers_by_last_activity ON transfers (last_activity)",
            // When an upload's record last changed: the journal's "last activity" of an upload.
            "ALTER TABLE uploads ADD COLUMN updated_at INTEGER",
            "CREATE INDEX uploads_by_updated ON uploads (updated_at)",
            // Digests keyed by the served content's version token (null: a local file's, from its parts).
            "ALTER TABLE file_digests ADD COLUMN version TEXT",
            // Each upload's lease: who may write to it, until when (renewed by each commit, for lease_ttl ms), and
            // the epoch that fences a writer whose lease was taken over.
            "ALTER TABLE uploads ADD COLUMN lease_holder TEXT",
            "ALTER TABLE uploads ADD COLUMN lease_epoch INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE uploads ADD COLUMN lease_expires INTEGER",
            "ALTER TABLE uploads ADD COLUMN lease_ttl INTEGER");

    private final String url;
    private final List<Connection> opened = new CopyOnWriteArrayList<>();
    private final SqliteDigestStore digests;
    private final SqliteUploadStore uploads;
    private final TransferStore transfers;
    private final Path stateDir;

    private StateStore(String url, Path stateDir) {
        this.url = url;
        this.stateDir = stateDir;
        this.digests = new SqliteDigestStore(this);
        this.uploads = new SqliteUploadStore(this);
        this.transfers = new SqliteTransferStore(this);
    }

    /** Opens (creating if needed) the database in {@code stateDir} and brings its schema up to date. */
    public static StateStore open(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        StateStore store = new StateStore("jdbc:sqlite:" + stateDir.resolve(FILE_NAME), stateDir);
        try (Connection c = store.connect()) {
            store.migrate(c);
        } catch (SQLException e) {
            throw new IOException("cannot open the state database in " + stateDir + ": " + e.getMessage(), e);
        }
        return store;
    }

    public DigestStore digests() {
        return digests;
    }

    public UploadStore uploads() {
        return uploads;
    }

    /** Where the local upload data ({@link LocalUploadData}) keeps unfinished uploads' bytes: STATE/uploads. */
    public Path uploadDataDir() {
        return stateDir.resolve("uploads");
    }

    /** The transfer journal's table; used by the journal's one thread. */
    public TransferStore transfers() {
        return transfers;
    }

    /** A new connection, closed by {@link #close()} if its user does not close it first. */
    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=5000");
        }
        opened.add(c);
        return c;
    }

    private void migrate(Connection c) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.getInt(1);
        }
        if (version > MIGRATIONS.size()) {
            throw new SQLException("the state database is from a newer carryon (schema " + version + ")");
        }
        for (int v = version; v < MIGRATIONS.size(); v++) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate(MIGRATIONS.get(v));
                s.executeUpdate("PRAGMA user_version=" + (v + 1));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    @Override
    public void close() {
        for (Connection c : opened) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Closing at shutdown; SQLite's WAL keeps committed data either way.
            }
        }
        opened.clear();
    }
}
