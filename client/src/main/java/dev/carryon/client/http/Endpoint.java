package dev.carryon.client.http;

import java.net.URI;
import java.util.Locale;

/** Where a request goes: scheme, host and port, with the default port made explicit. */
public record Endpoint(String scheme, String host, int port) {

    public static Endpoint of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http and https URLs can be fetched, not " + uri);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the URL has no host: " + uri);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Endpoint(scheme, host.toLowerCase(Locale.ROOT), port);
    }

    public boolean tls() {
        return scheme.equals("https");
    }

    /** The Host header: the host, with the port unless it is the scheme's default. */
    public String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        boolean defaultPort = (tls() && port == 443) || (!tls() && port == 80);
        return defaultPort ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + authority();
    }
}
