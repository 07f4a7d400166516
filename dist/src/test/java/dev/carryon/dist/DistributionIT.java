package dev.carryon.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The archive that {@code ./mvnw package} leaves, as someone without the source tree uses it: unpacked into a
 * directory of its own, run from elsewhere with nothing but a JDK, {@code bin/carryon} serves a file and fetches
 * it back. Also its man pages (rendered by groff, without warnings) and its completion script (loaded by bash).
 */
@Timeout(180)
class DistributionIT {

    @TempDir
    static Path unpacked;

    static Path home;
    static final String VERSION = System.getProperty("carryon.version");
    static final String JAVA_HOME = System.getProperty("java.home");

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("carryon.archive"));
        assertThat(archive).isRegularFile();
        Result r = run(List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()), unpacked, Map.of());
        assertThat(r.exitCode).as(r.stderr).isZero();
        home = unpacked.resolve("carryon-" + VERSION);
    }

    @Test
    void theArchiveHoldsTheLauncherTheJarsThePagesAndTheDocumentation() throws IOException {
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/carryon"))).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE);
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .contains("carryon-cli-" + VERSION + ".jar", "carryon-server-" + VERSION + ".jar",
                            "carryon-client-" + VERSION + ".jar", "carryon-core-" + VERSION + ".jar")
                    .anyMatch(n -> n.startsWith("picocli-"))
                    // the build's own tools stay out
                    .noneMatch(n -> n.startsWith("picocli-codegen") || n.startsWith("carryon-dist"));
        }
        for (String page : List.of("carryon", "carryon-serve", "carryon-get", "carryon-put", "carryon-probe")) {
            assertThat(home.resolve("man/man1/" + page + ".1")).isRegularFile();
        }
        assertThat(home.resolve("completion/carryon.bash")).isRegularFile();
        assertThat(home.resolve("completion/carryon.zsh")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("docs/running-as-a-service.md")).isRegularFile();
    }

    @Test
    void versionRunsFromAnyDirectoryWithJavaFromJavaHomeOrPath(@TempDir Path elsewhere) throws Exception {
        Result viaJavaHome = carryon(elsewhere, Map.of("JAVA_HOME", JAVA_HOME, "PATH", "/usr/bin:/bin"), "--version");
        assertThat(viaJavaHome.exitCode).as(viaJavaHome.stderr).isZero();
        assertThat(viaJavaHome.stdout).startsWith("carryon " + VERSION + "\n")
                .containsPattern("build: \\S+ \\(\\S+\\)")
                .contains("Java:  " + System.getProperty("java.version"));

        // java found on PATH, through a link to bin/carryon as one installs it in ~/.local/bin
        Path bin = Files.createDirectories(elsewhere.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(JAVA_HOME, "bin", "java"));
        Files.createSymbolicLink(bin.resolve("carryon"), home.resolve("bin/carryon"));
        Result viaPath = run(List.of(bin.resolve("carryon").toString(), "--version"), elsewhere,
                Map.of("PATH", bin + ":/usr/bin:/bin"));
        assertThat(viaPath.exitCode).as(viaPath.stderr).isZero();
        assertThat(viaPath.stdout).startsWith("carryon " + VERSION + "\n");
    }

    @Test
    void aJavaOlderThan17IsRefusedWithTheReason(@TempDir Path old) throws Exception {
        // A JDK's layout whose release file says 11; its java would never run, as the launcher reads the file first.
        Files.createDirectories(old.resolve("bin"));
        Files.createSymbolicLink(old.resolve("bin/java"), Path.of(JAVA_HOME, "bin", "java"));
        Files.writeString(old.resolve("release"), "JAVA_VERSION=\"11.0.22\"\n");
        Result r = carryon(old, Map.of("JAVA_HOME", old.toString(), "PATH", "/usr/bin:/bin"), "--version");
        assertThat(r.exitCode).isEqualTo(1);
        assertThat(r.stdout).isEmpty();
        assertThat(r.stderr).contains("is Java 11; carryon needs Java 17 or newer");

        Result none = carryon(old, Map.of("JAVA_HOME", old.resolve("nowhere").toString(), "PATH", "/usr/bin:/bin"),
                "--version");
        assertThat(none.exitCode).isEqualTo(1);
        assertThat(none.stderr).contains("JAVA_HOME is " + old.resolve("nowhere"));
    }

    @Test
    void serveAndGetMoveAFileIntact(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(16).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        Map<String, String> env = Map.of("JAVA_HOME", JAVA_HOME, "PATH", "/usr/bin:/bin");

        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/carryon").toString(), "serve", root.toString(),
                "--port", "0", "--access-log", "off", "--state", dir.resolve("state").toString())
                .directory(dir.toFile())
                .redirectError(dir.resolve("serve.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process serve = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(line).as("serve's stderr: %s", read(dir.resolve("serve.err"))).isNotNull();
            Matcher m = Pattern.compile("(http://\\S+)").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            URI url = URI.create(m.group(1)).resolve("data.bin");

            Result get = carryon(dir, env, "get", "-x", "4", "-q", url.toString(), "-o", dir.resolve("got.bin").toString());
            assertThat(get.exitCode).as(get.stderr).isZero();
            assertThat(Files.readAllBytes(dir.resolve("got.bin"))).isEqualTo(data);
        } finally {
            // the launcher execs java, so this is the server's own SIGTERM: a graceful stop, exit 0
            serve.destroy();
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(serve.exitValue()).isZero();
    }

    @Test
    void theManPagesRenderWithoutWarningsAndDescribeTheOptions() throws Exception {
        assumeThat(onPath("groff")).as("groff (Debian groff-base) is not installed: the pages are not rendered").isTrue();
        for (String page : List.of("carryon", "carryon-serve", "carryon-get", "carryon-put", "carryon-probe")) {
            Result r = run(List.of("groff", "-man", "-Tutf8", "-ww", home.resolve("man/man1/" + page + ".1").toString()),
                    home, Map.of("PATH", "/usr/bin:/bin"));
            assertThat(r.exitCode).as(r.stderr).isZero();
            assertThat(r.stderr).as(page).isEmpty();
            assertThat(plain(r.stdout)).as(page).contains("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS");
        }
        Result serve = run(List.of("groff", "-man", "-Tutf8", home.resolve("man/man1/carryon-serve.1").toString()),
                home, Map.of("PATH", "/usr/bin:/bin"));
        assertThat(plain(serve.stdout)).contains("carryon-serve", "--tls-cert", "--upload-token", "--journal-gap");
        Result put = run(List.of("groff", "-man", "-Tutf8", home.resolve("man/man1/carryon-put.1").toString()),
                home, Map.of("PATH", "/usr/bin:/bin"));
        assertThat(plain(put.stdout)).as("the synopsis ends with the positional parameters, unbroken")
                .containsPattern("\\[--metadata=KEY=VALUE\\]\\.\\.\\.\\s+FILE\\.\\.\\.\\s+URL");
        Result top = run(List.of("groff", "-man", "-Tutf8", home.resolve("man/man1/carryon.1").toString()),
                home, Map.of("PATH", "/usr/bin:/bin"));
        assertThat(plain(top.stdout)).contains("serve", "get", "put", "probe", "carryon " + VERSION);
    }

    @Test
    void theCompletionScriptCompletesTheCommandsOptions() throws Exception {
        Path script = home.resolve("completion/carryon.bash");
        assertThat(complete(script, "carryon pro")).contains("probe");
        assertThat(complete(script, "carryon serve --upload-t")).contains("--upload-token");
        assertThat(complete(script, "carryon get --cac")).contains("--cacert");
    }

    /** groff's terminal output without its overstrikes (bold is "X\bX", underline "_\bX"). */
    static String plain(String rendered) {
        return rendered.replaceAll(".\b", "");
    }

    /** Asks the completion function of a loaded script what it offers after {@code line}. */
    static String complete(Path script, String line) throws Exception {
        String bash = "source '" + script + "'; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; "
                + "COMP_WORDS=(" + line.strip() + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); "
                + "_complete_carryon 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Result r = run(List.of("bash", "-c", bash), script.getParent(), Map.of("PATH", "/usr/bin:/bin"));
        return r.stdout;
    }

    static boolean onPath(String command) {
        return Stream.of("/usr/bin", "/bin").anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    Result carryon(Path cwd, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/carryon").toString());
        cmd.addAll(List.of(args));
        return run(cmd, cwd, env);
    }

    /** Runs a command to its end, in {@code cwd}, with exactly the environment {@code env}. */
    static Result run(List<String> cmd, Path cwd, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("dist-it-", ".out");
        Path err = Files.createTempFile("dist-it-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(new HashMap<>(env));
            Process p = pb.start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + " did not end in 90 s");
            }
            return new Result(p.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    record Result(int exitCode, String stdout, String stderr) {
    }
}
