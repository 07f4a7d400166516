package dev.carryon.client.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few megabytes mounted on a directory, to fill the disk for real; needs root (or CAP_SYS_ADMIN).
 * Tests that cannot mount one are skipped, saying why.
 */
public final class SmallFileSystem implements AutoCloseable {

    private final Path dir;

    private SmallFileSystem(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code megabytes} on {@code dir}, or skips the calling test. */
    public static SmallFileSystem mount(Path dir, int megabytes) throws IOException, InterruptedException {
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
        Assumptions.assumeTrue(out == null, () -> "cannot mount a small tmpfs to fill the disk (" + out
                + "): this test needs root or CAP_SYS_ADMIN, and is skipped");
        return new SmallFileSystem(dir);
    }

    /** Grows (or shrinks) the mounted file system; what is on it stays. */
    public void resize(int megabytes) throws IOException, InterruptedException {
        String out = run("mount", "-o", "remount,size=" + megabytes + "m", dir.toString());
        if (out != null) {
            throw new IOException("cannot resize the tmpfs on " + dir + ": " + out);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String out = run("umount", dir.toString());
        if (out != null) {
            out = run("umount", "-l", dir.toString());
            if (out != null) {
                throw new IOException("cannot unmount " + dir + ": " + out);
            }
        }
    }

    /** Null on success, else what the command said. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return cmd[0] + " did not end";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + text;
    }
}
