package dev.carryon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code carryon serve DIR} on a directory it cannot write (a mounted image, a read-only share): it serves, keeps
 * its state in the user's state directory named after the root, says where, and takes no uploads (they could never
 * be placed in the root). As root, whom permissions do not stop, the directory is a read-only tmpfs.
 */
@Timeout(60)
class ReadOnlyRootTest {

    @TempDir
    Path dir;
    Path mounted;
    Process serve;

    @AfterEach
    void cleanUp() throws Exception {
        if (serve != null) {
            serve.destroy();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } else if (Files.exists(dir.resolve("ro"))) {
            Files.setPosixFilePermissions(dir.resolve("ro"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** A directory holding hello.txt that this process cannot write. */
    Path readOnlyRoot() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        if ("root".equals(System.getProperty("user.name"))) {
            Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", ro.toString()) == 0,
                    "cannot mount a tmpfs here, so this test is skipped");
            mounted = ro;
            Files.writeString(ro.resolve("hello.txt"), "read-only hello");
            assertThat(run("mount", "-o", "remount,ro", ro.toString())).isZero();
        } else {
            Files.writeString(ro.resolve("hello.txt"), "read-only hello");
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        assertThat(Files.isWritable(ro)).isFalse();
        return ro;
    }

    @Test
    void aReadOnlyRootIsServedWithItsStateInTheUsersStateDirectory() throws Exception {
        Path ro = readOnlyRoot();
        Path xdg = dir.resolve("xdg");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(ServeProcess.command("serve", ro.toString(), "--port", "0",
                "--access-log", "off")).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("XDG_STATE_HOME", xdg.toString());
        serve = pb.start();
        String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(line).as("the URL line; stderr: %s", GetProcess.read(err)).isNotNull();
        Matcher m = Pattern.compile("(http://\\S+)").matcher(line);
        assertThat(m.find()).isTrue();
        URI url = URI.create(m.group(1));

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> got = http.send(HttpRequest.newBuilder(url.resolve("hello.txt")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo("read-only hello");

        List<Path> states;
        try (var s = Files.list(xdg.resolve("carryon").resolve("serve"))) {
            states = s.toList();
        }
        assertThat(states).singleElement().satisfies(p -> assertThat(p.getFileName().toString()).matches("ro-[0-9a-f]{8}"));
        assertThat(GetProcess.read(err)).contains(ro + " is read-only: state in " + states.get(0), "uploads are off");

        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(url.resolve("uploads/"))
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", "5")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as("no upload endpoint").isNotEqualTo(201).isBetween(400, 499);
    }
}
