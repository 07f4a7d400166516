package dev.carryon.core.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * Hash algorithms by the names HTTP uses for them: the RFC 9530 registry names ({@code sha-256}), and the
 * names of tus checksums and of user checksums ({@code sha256}, {@code sha1}) which map to the same
 * algorithms.
 */
public enum DigestAlgorithm {
    SHA_256("sha-256", "SHA-256", true),
    SHA_512("sha-512", "SHA-512", true),
    SHA_1("sha", "SHA-1", false),
    MD5("md5", "MD5", false);

    private final String httpName;
    private final String jdkName;
    private final boolean secure;

    DigestAlgorithm(String httpName, String jdkName, boolean secure) {
        this.httpName = httpName;
        this.jdkName = jdkName;
        this.secure = secure;
    }

    /** The RFC 9530 Hash Algorithms registry key. */
    public String httpName() {
        return httpName;
    }

    /** Whether RFC 9530 lists it as active (collision-resistant), not deprecated. */
    public boolean secure() {
        return secure;
    }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jdkName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + jdkName, e);
        }
    }

    /** By RFC 9530 registry key: {@code sha-256}, {@code sha-512}, {@code sha}, {@code md5}. */
    public static Optional<DigestAlgorithm> byHttpName(String name) {
        for (DigestAlgorithm a : values()) {
            if (a.httpName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * By any common spelling, case-insensitive: {@code sha-256}, {@code sha256}, {@code SHA-1}, {@code sha1},
     * {@code md5}. For user input and tus's {@code Upload-Checksum}.
     */
    public static Optional<DigestAlgorithm> byAnyName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        switch (n) {
            case "sha256":
                return Optional.of(SHA_256);
            case "sha512":
                return Optional.of(SHA_512);
            case "sha", "sha1":
                return Optional.of(SHA_1);
            case "md5":
                return Optional.of(MD5);
            default:
                return Optional.empty();
        }
    }
}
