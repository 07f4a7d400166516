package dev.carryon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The small Node programs of the interop tests (under src/test/node/NAME, pinned by their package-lock.json):
 * copied into target/NAME and installed there with {@code npm ci} once. A test that needs one is skipped, saying
 * why, when node or npm is missing or the install fails.
 */
final class NodeApps {

    private NodeApps() {
    }

    /** The installed app directory; {@code files} are copied from the source, {@code modules} must be installed. */
    static Path install(String name, List<String> files, String... modules) throws Exception {
        Optional<Path> node = Programs.which("node");
        Optional<Path> npm = Programs.which("npm");
        assumeTrue(node.isPresent() && npm.isPresent(),
                "node and npm are not installed (Debian: nodejs npm): the " + name + " interop tests are skipped");
        Path source = Path.of("src/test/node", name).toAbsolutePath();
        Path app = Path.of("target", name).toAbsolutePath();
        Files.createDirectories(app);
        for (String f : files) {
            Files.copy(source.resolve(f), app.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        boolean installed = true;
        for (String m : modules) {
            installed &= Files.isDirectory(app.resolve("node_modules").resolve(m));
        }
        if (!installed) {
            Process p = new ProcessBuilder(npm.get().toString(), "ci", "--ignore-scripts", "--no-audit", "--no-fund")
                    .directory(app.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            boolean ended = p.waitFor(100, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String said = out.getNow("");
            assumeTrue(ended && p.exitValue() == 0, () -> "npm ci of " + name + " failed (" + (ended ? "exit "
                    + p.exitValue() : "timed out") + "): its interop tests are skipped\n" + said);
        }
        return app;
    }
}
