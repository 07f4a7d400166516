package dev.carryon.cli;

import dev.carryon.server.CarryonServer;
import dev.carryon.server.ServerConfig;
import dev.carryon.server.upload.UploadSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The training run of the launcher's class archive: a {@code carryon serve} on loopback, and a get, a probe and a
 * put against it, so that the JVM that runs this with {@code -XX:ArchiveClassesAtExit} records every class those
 * commands load. Later runs map the archive instead of finding, reading and verifying each class in the jar
 * (the start of a get halves). Everything happens in a temporary directory, which is deleted; exit 0 when all
 * four worked.
 */
public final class Training {

    private Training() {
    }

    public static void main(String[] args) throws Exception {
        Main.tuneNetty();
        PrintStream out = System.out;
        PrintStream err = System.err;
        Path dir = Files.createTempDirectory("carryon-training-");
        int failed;
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            System.setOut(quiet);
            System.setErr(quiet);
            failed = train(dir);
        } finally {
            System.setOut(out);
            System.setErr(err);
            deleteTree(dir);
        }
        if (failed != 0) {
            err.println("carryon training: " + failed + " of the four commands failed");
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    /** How many of serve, get, probe and put failed. */
    static int train(Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        byte[] data = new byte[4 << 20];
        new Random(1).nextBytes(data);
        Files.write(root.resolve("sample.bin"), data);
        Path upload = Files.write(dir.resolve("upload.bin"), data);
        ServerConfig config = ServerConfig.builder(root).stateDir(dir.resolve("state")).host("127.0.0.1").port(0)
                .uploads(UploadSettings.DEFAULT).build();
        int failed = 0;
        try (CarryonServer server = CarryonServer.start(config)) {
            String url = server.url();
            failed += Main.run("get", "-q", "-x", "4", "-o", dir.resolve("got.bin").toString(), url + "sample.bin")
                    == 0 ? 0 : 1;
            failed += Main.run("probe", url + "sample.bin") == 0 ? 0 : 1;
            failed += Main.run("put", "-q", "--state", dir.resolve("put-state").toString(), upload.toString(),
                    url + "uploads/") == 0 ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            return 4;
        }
        return failed;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
