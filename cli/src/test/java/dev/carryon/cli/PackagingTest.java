package dev.carryon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What installing carryon as a tool and a service relies on: a completion script that a shell loads and that
 * completes real options, and a configuration file for serve (picocli's argument file: one long option a line,
 * comments with #) whose options the command line can still override.
 */
@Timeout(60)
class PackagingTest {

    /** Asks the completion function of a loaded script what it offers after {@code line}. */
    static String complete(Path script, String line) throws Exception {
        String words = line.strip();
        String bash = "source '" + script + "'; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; "
                + "COMP_WORDS=(" + words + (line.endsWith(" ") ? " ''" : "") + "); "
                + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _complete_carryon 2>/dev/null; "
                + "printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", bash).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void theCompletionScriptLoadsAndCompletesCommandsAndOptions(@TempDir Path dir) throws Exception {
        ServeProcess.Result r = ServeProcess.run("completion");
        assertThat(r.exitCode()).isZero();
        Path script = Files.writeString(dir.resolve("carryon.bash"), r.stdout());
        assertThat(complete(script, "carryon pro")).contains("probe");
        assertThat(complete(script, "carryon serve --tls-c")).contains("--tls-cert");
        assertThat(complete(script, "carryon get --cac")).contains("--cacert");
        assertThat(complete(script, "carryon get --no-such-opt")).doesNotContain("--no-such-opt");
    }

    @Test
    void serveTakesItsOptionsFromAFileAndTheCommandLineOverridesThem(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve(".hidden.txt"), "shown because the file says --hidden");
        Path conf = Files.writeString(dir.resolve("serve.conf"), String.join("\n",
                "# carryon serve options, one a line, as on the command line",
                "--port=8",          // overridden below: the command line comes after the file
                "--access-log=off",
                "--hidden",
                "--state=" + dir.resolve("state"),
                "") + "");
        Process serve = new ProcessBuilder(ServeProcess.command("serve", root.toString(), "@" + conf, "--port", "0"))
                .redirectError(dir.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(line).as("stderr: %s", GetProcess.read(dir.resolve("err.txt"))).isNotNull();
            Matcher m = Pattern.compile("(http://\\S+)").matcher(line);
            assertThat(m.find()).isTrue();
            URI url = URI.create(m.group(1));
            assertThat(url.getPort()).isNotEqualTo(8);
            HttpResponse<String> got = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(url.resolve(".hidden.txt")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo("shown because the file says --hidden");
            assertThat(dir.resolve("state")).isDirectory();
        } finally {
            serve.destroy();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnknownOptionInTheFileIsAUsageError(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("serve.conf"), "--no-such-option=1\n");
        ServeProcess.Result r = ServeProcess.run("serve", dir.toString(), "@" + conf);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--no-such-option");
    }
}
