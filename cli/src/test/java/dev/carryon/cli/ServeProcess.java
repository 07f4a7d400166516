package dev.carryon.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code carryon serve} as a real process (same class path as the tests), for signals and exit codes. */
final class ServeProcess implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("(https?://\\S+)");

    final Process process;
    final URI url;
    /** The line the command printed first, the one with the URL. */
    final String firstLine;
    final List<String> stderr = new ArrayList<>();

    private ServeProcess(Process process, URI url, String firstLine) {
        this.process = process;
        this.url = url;
        this.firstLine = firstLine;
    }

    /** Starts the command; waits for its URL line. */
    static ServeProcess start(Path root, String... options) {
        List<String> args = new ArrayList<>(List.of("serve", root.toString(), "--port", "0", "--access-log", "off"));
        args.addAll(List.of(options));
        return startCommand(args);
    }

    /** Starts {@code carryon ARGS} exactly as given (port, access log and all); waits for its URL line. */
    static ServeProcess startCommand(List<String> args) {
        return startCommand(args, ProcessBuilder.Redirect.INHERIT);
    }

    /** {@link #startCommand(List)} with standard error going to {@code stderr} (e.g. appended to a file). */
    static ServeProcess startCommand(List<String> args, ProcessBuilder.Redirect stderr) {
        List<String> cmd = command(args.toArray(String[]::new));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(stderr).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null) {
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("carryon serve exited (" + p.exitValue() + ") without a URL line");
            }
            Matcher m = URL.matcher(line);
            if (!m.find()) {
                p.destroyForcibly();
                throw new IllegalStateException("no URL in the first line: " + line);
            }
            return new ServeProcess(p, URI.create(m.group(1)), line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code java -cp <the tests' class path> dev.carryon.cli.Main ARGS}. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs a carryon command to its end: exit code, stdout, stderr. */
    static Result run(String... args) {
        try {
            Process p = new ProcessBuilder(command(args)).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("carryon " + String.join(" ", args) + " did not end");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    int port() {
        return url.getPort();
    }

    /** SIGTERM. */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
