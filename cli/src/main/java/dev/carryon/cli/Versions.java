package dev.carryon.cli;

import dev.carryon.client.http.TlsEngine;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What {@code carryon --version} reports: the version, the build (the git commit and date that the cli module's
 * pom records in {@code build.properties} at build time), the Java runtime and the TLS provider. A bug report
 * needs all four.
 */
final class Versions {

    private Versions() {
    }

    /** The TLS implementation the commands use: OpenSSL (BoringSSL) where its native library loads, else the JDK's. */
    static String tlsProvider() {
        return TlsEngine.describe();
    }

    /** The version number from the jar's manifest, or "dev" when run from classes. */
    static String number() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** "4d7c85c1a2b3 (2026-12-04T19:40:00Z)", or "unknown" parts when not built from a git checkout. */
    static String build() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // reported as unknown below
        }
        return known(p.getProperty("commit")) + " (" + known(p.getProperty("date")) + ")";
    }

    /** A value the build recorded, or "unknown" for none (or an unexpanded placeholder). */
    private static String known(String v) {
        return v == null || v.isBlank() || v.contains("${") ? "unknown" : v.strip();
    }

    static String java() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")";
    }

    static String[] lines() {
        List<String> out = new ArrayList<>();
        out.add("carryon " + number());
        out.add("build: " + build());
        out.add("Java:  " + java());
        out.add("TLS:   " + tlsProvider());
        return out.toArray(String[]::new);
    }
}
