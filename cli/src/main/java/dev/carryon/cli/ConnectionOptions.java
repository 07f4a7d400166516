package dev.carryon.cli;

import dev.carryon.client.download.DownloadOptions;
import dev.carryon.client.http.ClientConfig;
import dev.carryon.client.http.ProxySpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** How the client commands connect: headers, credentials, proxies, TLS, timeouts. */
final class ConnectionOptions {

    @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "An extra request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "USER:PASSWORD",
            description = "Basic authentication, sent only to the URL's own host.")
    String user;

    @Option(names = "--proxy", paramLabel = "URL",
            description = "http://[user:pass@]host:port or socks5://host:port (default: http_proxy, https_proxy, all_proxy, no_proxy).")
    String proxy;

    @Option(names = "--no-proxy", description = "Ignore proxies, also those named in the environment.")
    boolean noProxy;

    @Option(names = {"-k", "--insecure"}, description = "Accept any TLS certificate and host name.")
    boolean insecure;

    @Option(names = "--cacert", paramLabel = "PEM", description = "Trust the certificates in this PEM file (one or several) instead of the system's.")
    Path cacert;

    @Option(names = "--no-http2", description = "Do not offer HTTP/2 (over TLS each connection speaks h2 when offered).")
    boolean noHttp2;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "For connecting, and for a response to begin (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The client configuration these options describe. */
    ClientConfig.Builder client() {
        ClientConfig.Builder b = ClientConfig.builder()
                .connectTimeout(timeout)
                .responseTimeout(timeout)
                .insecure(insecure)
                .caCertificates(cacert)
                .noProxy(noProxy)
                .http2(!noHttp2)
                .userAgent("carryon/" + Main.versionNumber());
        try {
            if (proxy != null) {
                b.proxy(ProxySpec.parse(proxy));
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        return b;
    }

    /** Adds the header fields and credentials to download options. */
    DownloadOptions.Builder apply(DownloadOptions.Builder options) {
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new CliException(ExitCode.USAGE, "a header is 'Name: value', not '" + h + "'");
            }
            options.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
        }
        return options.userPassword(user);
    }
}
