package dev.carryon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a standard stream is a terminal: progress redraws one line there, and prints plain lines elsewhere. */
final class Terminal {

    private Terminal() {
    }

    /** Whether standard error (fd 2) is a terminal. */
    static boolean stderrIsTerminal() {
        if (System.getenv("CARRYON_FORCE_TTY") != null) {
            return true;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
