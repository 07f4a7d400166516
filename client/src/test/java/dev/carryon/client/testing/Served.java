package dev.carryon.client.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;

/** Files to serve in tests: seeded random bytes, their hashes, and replacing a served file. */
public final class Served {

    private Served() {
    }

    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * Writes {@code data} to {@code dir/name} through a temporary file and a rename (a new inode, so a new
     * version for every server), dated {@code ageSeconds} in the past: servers call a file that has not changed
     * for a while strongly validated.
     */
    public static Path put(Path dir, String name, byte[] data, long ageSeconds) {
        try {
            Path tmp = Files.createTempFile(dir, ".tmp-", ".new");
            Files.write(tmp, data);
            Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(ageSeconds)));
            return Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #put} dated a minute ago. */
    public static Path put(Path dir, String name, byte[] data) {
        return put(dir, name, data, 60);
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
