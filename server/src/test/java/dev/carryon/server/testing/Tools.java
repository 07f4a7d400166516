package dev.carryon.server.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** External programs the interop tests drive; a test that needs an absent one is skipped, saying so. */
public final class Tools {

    private Tools() {
    }

    /** The program's path; skips the calling test when it is not installed. */
    public static Path require(String program) {
        Optional<Path> found = find(program);
        Assumptions.assumeTrue(found.isPresent(),
                () -> program + " is not installed, so this test is skipped; .ci/run installs it (Debian package)");
        return found.get();
    }

    public static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
