package dev.carryon.client.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the HTTP client connects.
 *
 * @param connectTimeout     TCP connect, proxy handshake and TLS handshake together
 * @param responseTimeout    from sending a request to its response head
 * @param stallTimeout       the longest silence within a body before the connection is dropped
 * @param perHostConnections the most connections (or HTTP/2 streams) to one host at once
 * @param proxy              an explicit proxy, or null to follow the environment (see {@link ProxySpec})
 * @param environment        where *_proxy variables are read from
 * @param insecure           accept any certificate and host name (curl's --insecure)
 * @param caCertificates     a PEM file of trusted certificates instead of the system's, or null
 * @param http2              offer h2 by ALPN on TLS connections
 * @param writeLimit         bytes per second for request bodies across all connections, 0 for no limit
 */
public record ClientConfig(Duration connectTimeout, Duration responseTimeout, Duration stallTimeout,
                           int perHostConnections, ProxySpec proxy, boolean noProxy, Map<String, String> environment,
                           boolean insecure, Path caCertificates, boolean http2, String userAgent, long writeLimit) {

    public ClientConfig {
        Objects.requireNonNull(connectTimeout);
        Objects.requireNonNull(responseTimeout);
        Objects.requireNonNull(stallTimeout);
        Objects.requireNonNull(environment);
        if (perHostConnections < 1) {
            throw new IllegalArgumentException("at least one connection per host");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private Duration stallTimeout = Duration.ofSeconds(30);
        private int perHostConnections = 16;
        private ProxySpec proxy;
        private boolean noProxy;
        private Map<String, String> environment = System.getenv();
        private boolean insecure;
        private Path caCertificates;
        private boolean http2 = true;
        private String userAgent = "carryon";
        private long writeLimit;

        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder responseTimeout(Duration v) { responseTimeout = v; return this; }
        public Builder stallTimeout(Duration v) { stallTimeout = v; return this; }
        public Builder perHostConnections(int v) { perHostConnections = v; return this; }
        public Builder proxy(ProxySpec v) { proxy = v; return this; }
        /** Ignore proxies, also those of the environment. */
        public Builder noProxy(boolean v) { noProxy = v; return this; }
        public Builder environment(Map<String, String> v) { environment = v; return this; }
        public Builder insecure(boolean v) { insecure = v; return this; }
        public Builder caCertificates(Path v) { caCertificates = v; return this; }
        public Builder http2(boolean v) { http2 = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }
        public Builder writeLimit(long v) { writeLimit = v; return this; }

        public ClientConfig build() {
            return new ClientConfig(connectTimeout, responseTimeout, stallTimeout, perHostConnections, proxy, noProxy,
                    environment, insecure, caCertificates, http2, userAgent, writeLimit);
        }
    }
}
