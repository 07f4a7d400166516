package dev.carryon.server.transport;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS implementation the server uses: OpenSSL (BoringSSL, from netty-tcnative) wherever its native library
 * loads, since it moves bytes several times faster than the JDK's engine; the JDK's otherwise, or when
 * {@code -Dcarryon.tls=jdk} asks for it.
 */
public final class TlsEngine {

    private TlsEngine() {
    }

    /** The provider TLS contexts are built with. Loads the native library on first use (tens of milliseconds). */
    public static SslProvider provider() {
        return !"jdk".equalsIgnoreCase(System.getProperty("carryon.tls")) && OpenSsl.isAvailable()
                ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** What a user is told: {@code OpenSSL (BoringSSL)} or {@code JDK}. */
    public static String describe() {
        return provider() == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
    }
}
