package dev.carryon.server;

import dev.carryon.server.digest.DigestService;
import dev.carryon.server.files.LocalDirectory;
import dev.carryon.server.http.ServerContext;
import dev.carryon.server.journal.TransferJournal;
import dev.carryon.server.log.AccessLog;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.LocalStorage;
import dev.carryon.server.store.LocalUploadData;
import dev.carryon.server.store.Storage;
import dev.carryon.server.store.StorageFactory;
import dev.carryon.server.store.UploadData;
import dev.carryon.server.transport.ConnectionTracker;
import dev.carryon.server.transport.ServerInitializer;
import dev.carryon.server.transport.TlsEngine;
import dev.carryon.server.transport.TlsKeys;
import dev.carryon.server.transport.Transport;
import dev.carryon.server.upload.UploadEndpoint;
import dev.carryon.server.upload.UploadService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code carryon serve}: an HTTP server for one directory. {@link #start} binds and returns at once;
 * {@link #close} stops accepting, lets responses in flight finish for up to the shutdown timeout, then cuts
 * what remains.
 *
 * <pre>{@code
 * try (CarryonServer server = CarryonServer.start(ServerConfig.builder(Path.of("/srv/files")).port(0).build())) {
 *     System.out.println(server.url());
 *     ...
 * }
 * }</pre>
 */
public final class CarryonServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CarryonServer.class);

    private final ServerConfig config;
    private final ServerContext context;
    private final ConnectionTracker tracker;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final Storage store;
    private final DigestService digests;
    private final Transport transport;
    private boolean closed;

    private CarryonServer(ServerConfig config, ServerContext context, ConnectionTracker tracker, EventLoopGroup boss,
                          EventLoopGroup workers, Channel serverChannel, Storage store, DigestService digests,
                          Transport transport) {
        this.config = config;
        this.context = context;
        this.tracker = tracker;
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.store = store;
        this.digests = digests;
        this.transport = transport;
    }

    /**
     * Starts serving. Fails with {@link IllegalArgumentException} for a configuration that cannot work (the root
     * is not a directory) and with {@link IOException} when the environment refuses (the port is taken, the
     * state directory cannot be created); the message says what to change.
     */
    public static CarryonServer start(ServerConfig config) throws IOException {
        return start(config, StorageFactory.forConfig(config));
    }

    /**
     * Starts serving from the storage {@code storage} opens (see {@link #start(ServerConfig)}); the server
     * closes it when it stops. Uploads need content in a local directory for now.
     */
    public static CarryonServer start(ServerConfig config, StorageFactory storage) throws IOException {
        if (!Files.isDirectory(config.root())) {
            throw new IllegalArgumentException(config.root() + " is not a directory; give the directory to serve");
        }
        Storage store = storage.open(config);
        ServerMetrics metrics = new ServerMetrics();
        DigestService digests = null;
        AccessLog accessLog = null;
        UploadService uploads = null;
        TransferJournal journal = null;
        EventLoopGroup boss = null;
        EventLoopGroup workers = null;
        try {
            digests = config.digests() ? new DigestService(store.digests(), store.content(), metrics) : null;
            accessLog = AccessLog.open(config.accessLog(), metrics);
            SslContext ssl = config.tls() ? ssl(config) : null;
            uploads = config.uploads() == null ? null : new UploadService(store.uploads(),
                    uploadData(store, config, digests), config.uploads(), metrics);
            journal = config.journal() == null ? null : TransferJournal.start(store.transfers(),
                    uploads == null ? null : store.uploads(), metrics, config.journal());
            ServerContext context = new ServerContext(config, store.content(), digests, metrics, accessLog,
                    uploads == null ? null : new UploadEndpoint(uploads), journal);
            ConnectionTracker tracker = new ConnectionTracker(metrics);
            Transport transport = Transport.choose(config.transport());
            boss = transport.newGroup(1, "carryon-accept");
            workers = transport.newGroup(config.ioThreads(), "carryon-io");
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ServerInitializer(context, tracker, ssl));
            Channel channel;
            try {
                channel = bootstrap.bind(config.host(), config.port()).sync().channel();
            } catch (Exception e) {
                if (e instanceof BindException || e.getCause() instanceof BindException
                        || String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw new IOException("cannot listen on " + config.host() + ":" + config.port()
                            + ": the address is in use; choose another with --port, or stop what holds it", e);
                }
                throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
            }
            return new CarryonServer(config, context, tracker, boss, workers, channel, store, digests, transport);
        } catch (IOException | RuntimeException e) {
            if (workers != null) {
                workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
            if (boss != null) {
                boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
            if (uploads != null) {
                uploads.close();
            }
            if (journal != null) {
                journal.close();
            }
            if (digests != null) {
                digests.close();
            }
            if (accessLog != null) {
                accessLog.close();
            }
            store.close();
            metrics.close();
            throw e;
        }
    }

    /** Where finished uploads are placed: the served directory, which uploads need to be local (for now). */
    /** Where upload bytes go: beside the local state, published into the local served directory. */
    private static UploadData uploadData(Storage store, ServerConfig config, DigestService digests) {
        Path root = uploadRoot(store);
        if (store instanceof LocalStorage local) {
            return new LocalUploadData(local.uploadDataDir(), root, config.uploads().overwrite(), digests);
        }
        throw new IllegalArgumentException("uploads need the served content to be a local directory, with the"
                + " local state beside it");
    }

    private static Path uploadRoot(Storage store) {
        if (store.content() instanceof LocalDirectory local) {
            return local.root();
        }
        throw new IllegalArgumentException("uploads need the served content to be a local directory");
    }

    private static SslContext ssl(ServerConfig config) throws IOException {
        TlsKeys.checkKey(config.tlsKey());
        try {
            SslContextBuilder b = SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile())
                    .sslProvider(TlsEngine.provider());
            if (config.http2()) {
                b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(
                                ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot use the TLS certificate " + config.tlsCert() + " and key " + config.tlsKey()
                    + ": " + e.getMessage() + " (both must be PEM files: the certificate, optionally followed by"
                    + " its chain; the key unencrypted PKCS#8)", e);
        }
    }

    /** Which TLS implementation serves HTTPS, e.g. {@code OpenSSL (BoringSSL)}; null without TLS. */
    public String tlsEngine() {
        return config.tls() ? TlsEngine.describe() : null;
    }

    /** The address the server listens on; with port 0, the port that was picked. */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The URL of the served root, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        InetSocketAddress a = address();
        String host = config.host();
        if (NetUtil.isValidIpV6Address(host)) {
            host = "[" + host + "]";
        }
        return (config.tls() ? "https" : "http") + "://" + host + ":" + a.getPort() + "/";
    }

    public ServerMetrics metrics() {
        return context.metrics();
    }

    /** The upload engine, or null when uploads are off. */
    public UploadService uploads() {
        return context.uploads() == null ? null : context.uploads().service();
    }

    public ServerConfig config() {
        return config;
    }

    /** Which I/O transport is in use: {@code epoll} or {@code nio}. */
    public String transport() {
        return transport.name();
    }

    /** Waits until every queued digest has been computed; for tests. */
    public boolean awaitDigests(long timeoutMillis) throws InterruptedException {
        return digests == null || digests.awaitIdle(timeoutMillis);
    }

    /**
     * Stops gracefully: no new connections; idle connections close now; responses in flight finish, within the
     * shutdown timeout; then everything left is cut and the state is closed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.startShutdown();
        serverChannel.close().syncUninterruptibly();
        for (Channel c : tracker.connections()) {
            c.eventLoop().execute(() -> {
                boolean http2 = c.pipeline().get(Http2FrameCodec.class) != null;
                if (http2 || ConnectionTracker.isIdle(c)) {
                    c.close(); // HTTP/2: GOAWAY, then close when its streams are done
                }
            });
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while (!tracker.connections().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!tracker.connections().isEmpty()) {
            log.info("cutting {} connection(s) still busy after the shutdown timeout", tracker.connections().size());
        }
        tracker.connections().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (context.uploads() != null) {
            context.uploads().service().close();
        }
        if (context.journal() != null) {
            context.journal().close();
        }
        if (digests != null) {
            digests.close();
        }
        if (context.accessLog() != null) {
            context.accessLog().close();
        }
        store.close();
        context.metrics().close();
    }

    /** The transfer journal, or null when it is off. */
    public TransferJournal journal() {
        return context.journal();
    }
}
