package dev.carryon.client.download;

import dev.carryon.core.digest.DigestAlgorithm;

import java.util.HexFormat;
import java.util.Locale;

/** A digest the user expects the whole file to have: {@code --checksum sha-256=HEX} (also sha-512, sha-1, md5). */
public record Checksum(DigestAlgorithm algorithm, byte[] expected) {

    public static Checksum parse(String value) {
        int eq = value.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("a checksum is ALGORITHM=HEX, e.g. sha-256=9f86d0..., not '" + value + "'");
        }
        DigestAlgorithm alg = DigestAlgorithm.byAnyName(value.substring(0, eq).strip())
                .orElseThrow(() -> new IllegalArgumentException("unknown checksum algorithm '"
                        + value.substring(0, eq) + "'; use sha-256, sha-512, sha-1 or md5"));
        String hex = value.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the checksum '" + hex + "' is not hexadecimal");
        }
        int want = alg.newDigest().getDigestLength();
        if (bytes.length != want) {
            throw new IllegalArgumentException("a " + alg.httpName() + " checksum has " + want * 2
                    + " hex digits, not " + hex.length());
        }
        return new Checksum(alg, bytes);
    }

    public String hex() {
        return HexFormat.of().formatHex(expected);
    }
}
