package dev.carryon.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where serve keeps its state when it cannot keep it beside what it serves. */
final class StateDirs {

    private StateDirs() {
    }

    /**
     * {@code $XDG_STATE_HOME/carryon/serve/NAME-HASH} (else {@code ~/.local/state/...}): named after the root so
     * that a person can tell which is which, and hashed on its whole path so that two roots of the same name
     * (two mounted images, say) never share a database.
     */
    static Path forReadOnlyRoot(Path root) {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        String name = root.getFileName() == null ? "root" : root.getFileName().toString();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(root.toString().getBytes(StandardCharsets.UTF_8));
            return base.resolve("carryon").resolve("serve").resolve(name + "-" + HexFormat.of().formatHex(hash, 0, 4));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
