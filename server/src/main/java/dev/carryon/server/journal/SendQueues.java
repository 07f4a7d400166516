package dev.carryon.server.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many bytes each TCP connection still holds in this machine's send queue: written by the server, not yet
 * acknowledged by the client (Linux's {@code tx_queue} in {@code /proc/net/tcp} and {@code tcp6}, what the
 * {@code SIOCOUTQ} ioctl tells, which Java has no way to ask for). A response's bytes minus its connection's
 * queue are bytes the client's system has received; the journal counts those, where it used to count what the
 * socket took: up to a send buffer (a few MiB) more per connection than ever reached a slow client.
 *
 * <p>The table is read by the journal's thread, about once a second and only while some response wants to know
 * (a file body going out, or one whose last bytes are still queued), and published as one immutable snapshot
 * that I/O threads look up without locking or I/O. Connections are told apart by their local and remote ports;
 * two entries with the same pair (clients on two hosts that picked the same port) are not told at all. Where
 * the table cannot be read (not Linux) {@link #available()} is false and responses count as before.
 */
public final class SendQueues {

    /** The queue of a connection not in the table (closed and gone) or not told apart from another. */
    public static final long UNKNOWN = -1;
    private static final long AMBIGUOUS = -2;
    private static final String LISTEN = "0A";
    static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    /** One reading of the tables: when it was taken (System.nanoTime) and each connection's queued bytes. */
    public record Snapshot(long takenNanos, Map<Long, Long> queued) {

        /** The bytes queued on the connection, or {@link #UNKNOWN}. */
        public long queued(int localPort, int remotePort) {
            Long q = queued.get(key(localPort, remotePort));
            return q == null || q < 0 ? UNKNOWN : q;
        }

        /** Whether the connection is in the table (its queue may be ambiguous). */
        public boolean listed(int localPort, int remotePort) {
            return queued.containsKey(key(localPort, remotePort));
        }
    }

    private final List<Path> tables;
    private final boolean available;
    private final AtomicInteger interest = new AtomicInteger();
    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, Map.of());

    public SendQueues() {
        this(TABLES);
    }

    SendQueues(List<Path> tables) {
        this.tables = tables;
        this.available = Files.isReadable(tables.get(0));
    }

    public boolean available() {
        return available;
    }

    /** A response that wants its connection's queue from now on; {@link #release} when it no longer does. */
    public void want() {
        interest.incrementAndGet();
    }

    public void release() {
        interest.decrementAndGet();
    }

    boolean wanted() {
        return available && interest.get() > 0;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** Reads the tables (on the journal's thread); a table that cannot be read is left out. */
    void refresh() {
        long taken = System.nanoTime();
        Map<Long, Long> queued = new HashMap<>();
        for (Path table : tables) {
            try (BufferedReader r = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
                r.readLine(); // the column names
                String line;
                while ((line = r.readLine()) != null) {
                    parse(line, queued);
                }
            } catch (IOException | RuntimeException e) {
                // tcp6 is absent without IPv6; what was read still counts
            }
        }
        snapshot = new Snapshot(taken, Map.copyOf(queued));
    }

    /** {@code sl local rem st tx:rx ...}, addresses as {@code HEX:PORT} in hexadecimal. */
    static void parse(String line, Map<Long, Long> out) {
        String[] f = line.trim().split("\\s+", 6);
        if (f.length < 5 || f[3].equals(LISTEN)) {
            return; // a listening socket's queue is its accept backlog
        }
        int local = port(f[1]);
        int remote = port(f[2]);
        int colon = f[4].indexOf(':');
        if (local < 0 || remote < 0 || colon < 0) {
            return;
        }
        long tx = Long.parseLong(f[4].substring(0, colon), 16);
        out.merge(key(local, remote), tx, (a, b) -> AMBIGUOUS);
    }

    private static int port(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1), 16);
    }

    static long key(int localPort, int remotePort) {
        return ((long) localPort << 16) | remotePort;
    }
}
