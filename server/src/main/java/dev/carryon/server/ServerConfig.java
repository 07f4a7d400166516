package dev.carryon.server;

import dev.carryon.core.range.RangePolicy;
import dev.carryon.server.journal.JournalSettings;
import dev.carryon.server.upload.UploadSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything {@code carryon serve} can be told. Built with {@link #builder(Path)}; every value has a default
 * that suits a server on loopback.
 *
 * @param root            the directory served
 * @param stateDir        the embedded database and internal files; never served
 * @param accessLog       {@code -} for standard output, {@code off}, or a file to append to
 * @param ioThreads       event loop threads; 0 means one per processor
 * @param transport       {@code auto} (native epoll where available), {@code epoll} or {@code nio}
 * @param sendfile        when plain HTTP/1.1 bodies go by sendfile(2) rather than by copying
 * @param uploads         the upload endpoint's settings, or null for no uploads
 * @param journal         the transfer journal's settings, or null for no journal
 */
public record ServerConfig(
        Path root,
        Path stateDir,
        String host,
        int port,
        boolean followSymlinks,
        boolean serveHidden,
        boolean listDirectories,
        String cacheControl,
        Path tlsCert,
        Path tlsKey,
        boolean http2,
        Duration idleTimeout,
        Duration headerTimeout,
        Duration sendTimeout,
        Duration shutdownTimeout,
        int maxRequestLineLength,
        int maxHeaderSize,
        RangePolicy rangePolicy,
        String accessLog,
        boolean digests,
        int ioThreads,
        String transport,
        Sendfile sendfile,
        UploadSettings uploads,
        JournalSettings journal) {

    public ServerConfig {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, not " + port);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate (--tls-cert) and a key (--tls-key)");
        }
        if (!transport.equals("auto") && !transport.equals("epoll") && !transport.equals("nio")) {
            throw new IllegalArgumentException("transport is auto, epoll or nio, not " + transport);
        }
    }

    /**
     * When file bytes may leave by sendfile(2). Sendfile hands the kernel references to the page cache, so a
     * file rewritten in place (same inode, no truncation) after the server's last check can still reach the
     * client with new bytes; copying reads, checks, then sends, and cannot.
     */
    public enum Sendfile {
        /** For files at rest (unmodified for {@link #AT_REST}); files still being written are copied. */
        AUTO,
        ALWAYS,
        NEVER;

        /** How long a file must have been left alone before AUTO trusts it to stay so during a response. */
        public static final Duration AT_REST = Duration.ofMinutes(1);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    public Builder toBuilder() {
        Builder b = new Builder(root);
        b.stateDir = stateDir;
        b.host = host;
        b.port = port;
        b.followSymlinks = followSymlinks;
        b.serveHidden = serveHidden;
        b.listDirectories = listDirectories;
        b.cacheControl = cacheControl;
        b.tlsCert = tlsCert;
        b.tlsKey = tlsKey;
        b.http2 = http2;
        b.idleTimeout = idleTimeout;
        b.headerTimeout = headerTimeout;
        b.sendTimeout = sendTimeout;
        b.shutdownTimeout = shutdownTimeout;
        b.maxRequestLineLength = maxRequestLineLength;
        b.maxHeaderSize = maxHeaderSize;
        b.rangePolicy = rangePolicy;
        b.accessLog = accessLog;
        b.digests = digests;
        b.ioThreads = ioThreads;
        b.transport = transport;
        b.sendfile = sendfile;
        b.uploads = uploads;
        b.journal = journal;
        return b;
    }

    public static final class Builder {
        private final Path root;
        private Path stateDir;
        private String host = "127.0.0.1";
        private int port = 8080;
        private boolean followSymlinks;
        private boolean serveHidden;
        private boolean listDirectories = true;
        private String cacheControl;
        private Path tlsCert;
        private Path tlsKey;
        private boolean http2 = true;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration sendTimeout = Duration.ofSeconds(60);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private int maxRequestLineLength = 8192;
        private int maxHeaderSize = 16384;
        private RangePolicy rangePolicy = RangePolicy.DEFAULT;
        private String accessLog = "-";
        private boolean digests = true;
        private int ioThreads;
        private String transport = "auto";
        private Sendfile sendfile = Sendfile.AUTO;
        private UploadSettings uploads = UploadSettings.DEFAULT;
        private JournalSettings journal = JournalSettings.DEFAULT;

        private Builder(Path root) {
            this.root = Objects.requireNonNull(root);
        }

        public Builder stateDir(Path v) { stateDir = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder followSymlinks(boolean v) { followSymlinks = v; return this; }
        public Builder serveHidden(boolean v) { serveHidden = v; return this; }
        public Builder listDirectories(boolean v) { listDirectories = v; return this; }
        public Builder cacheControl(String v) { cacheControl = v; return this; }
        public Builder tls(Path cert, Path key) { tlsCert = cert; tlsKey = key; return this; }
        public Builder http2(boolean v) { http2 = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder headerTimeout(Duration v) { headerTimeout = v; return this; }
        public Builder sendTimeout(Duration v) { sendTimeout = v; return this; }
        public Builder shutdownTimeout(Duration v) { shutdownTimeout = v; return this; }
        public Builder maxRequestLineLength(int v) { maxRequestLineLength = v; return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = v; return this; }
        public Builder rangePolicy(RangePolicy v) { rangePolicy = v; return this; }
        public Builder accessLog(String v) { accessLog = v; return this; }
        public Builder digests(boolean v) { digests = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder transport(String v) { transport = v; return this; }
        public Builder sendfile(Sendfile v) { sendfile = v; return this; }
        /** Upload settings; null turns uploads off. */
        public Builder uploads(UploadSettings v) { uploads = v; return this; }
        /** Transfer journal settings; null turns the journal off. */
        public Builder journal(JournalSettings v) { journal = v; return this; }

        public ServerConfig build() {
            Path state = stateDir != null ? stateDir : root.resolve(".carryon");
            return new ServerConfig(root, state, host, port, followSymlinks, serveHidden, listDirectories,
                    cacheControl, tlsCert, tlsKey, http2, idleTimeout, headerTimeout, sendTimeout, shutdownTimeout,
                    maxRequestLineLength, maxHeaderSize, rangePolicy, accessLog, digests, ioThreads, transport,
                    sendfile, uploads, journal);
        }
    }
}
