package dev.carryon.client.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A proxy: {@code http://[user:pass@]host:port} (CONNECT for https targets, absolute-form requests for http
 * ones) or {@code socks5://[user:pass@]host:port}. Chosen explicitly with {@code --proxy} or, as curl and wget
 * do, from {@code http_proxy}, {@code https_proxy}, {@code all_proxy} and {@code no_proxy}.
 */
public record ProxySpec(Kind kind, String host, int port, String user, String password) {

    public enum Kind { HTTP, SOCKS5 }

    public static ProxySpec parse(String value) {
        String v = value.strip();
        if (!v.contains("://")) {
            v = "http://" + v;
        }
        URI uri = URI.create(v);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        Kind kind = switch (scheme) {
            case "http" -> Kind.HTTP;
            case "socks5", "socks5h", "socks" -> Kind.SOCKS5;
            default -> throw new IllegalArgumentException("unsupported proxy scheme '" + scheme
                    + "'; use http://host:port or socks5://host:port");
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the proxy has no host: " + value);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : kind == Kind.HTTP ? 80 : 1080;
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
        }
        return new ProxySpec(kind, uri.getHost(), port, user, password);
    }

    /** The proxy the environment names for this endpoint, honouring no_proxy; lower-case names win. */
    public static Optional<ProxySpec> fromEnvironment(Map<String, String> env, Endpoint target) {
        String noProxy = first(env, "no_proxy", "NO_PROXY");
        if (noProxy != null && excluded(noProxy, target.host())) {
            return Optional.empty();
        }
        String value = target.tls() ? first(env, "https_proxy", "HTTPS_PROXY") : first(env, "http_proxy", null);
        if (value == null) {
            value = first(env, "all_proxy", "ALL_PROXY");
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(parse(value));
    }

    /** no_proxy: a comma list of host names or suffixes ({@code .example.com}, {@code example.com}), or *. */
    static boolean excluded(String noProxy, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String entry : noProxy.split(",")) {
            String e = entry.strip().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            if (e.equals("*")) {
                return true;
            }
            int colon = e.lastIndexOf(':');
            if (colon > 0 && e.indexOf(':') == colon) {
                e = e.substring(0, colon); // a port in no_proxy: match the host part
            }
            String bare = e.startsWith(".") ? e.substring(1) : e;
            if (h.equals(bare) || h.endsWith("." + bare)) {
                return true;
            }
        }
        return false;
    }

    private static String first(Map<String, String> env, String lower, String upper) {
        String v = env.get(lower);
        if ((v == null || v.isBlank()) && upper != null) {
            v = env.get(upper);
        }
        return v;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port;
    }
}
