package dev.carryon.cli;

import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tus-js-client (the client of most tus web applications, run here in Node) uploads to carryon serve in each of
 * its protocols: tus 1.0.0 and the IETF resumable-upload drafts it speaks (interop versions 5 and 6 on the wire).
 * The upload is aborted part way and resumed by a second Upload from its URL, as after a page reload; the file
 * must arrive byte for byte, and the resumed upload must not start over.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TusJsClientTest {

    static final int MIB = 1 << 20;
    static Path app;

    @TempDir
    Path dir;
    Path root;
    CarryonServer server;

    @BeforeAll
    static void install() throws Exception {
        app = NodeApps.install("tus-client", List.of("package.json", "package-lock.json", "upload.js"), "tus-js-client");
    }

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        server = GetProcess.server(root);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tus-v1", "ietf-draft-03", "ietf-draft-05"})
    void uploadsAbortsAndResumesWithoutStartingOver(String protocol) throws Exception {
        Path file = dir.resolve("js-" + protocol + ".bin");
        Files.write(file, GetProcess.random(8 * MIB, protocol.hashCode()));
        List<Map<String, Object>> events = run(protocol, file, 3L * MIB);

        assertThat(events).extracting(e -> e.get("event")).containsExactly("aborted", "done");
        long accepted = ((Number) events.get(0).get("accepted")).longValue();
        assertThat(accepted).isBetween(3L * MIB, 8L * MIB - 1);
        assertThat(events.get(1)).containsEntry("resumed", true).containsEntry("url", events.get(0).get("url"));
        assertThat(GetProcess.sha256(root.resolve(file.getFileName()))).isEqualTo(GetProcess.sha256(file));
        // every byte arrived about once: the resumed upload continued from the server's offset
        assertThat(PutCommandTest.metric(server, "carryon_upload_bytes_total"))
                .isGreaterThanOrEqualTo(8.0 * MIB).isLessThanOrEqualTo(9.0 * MIB);
    }

    List<Map<String, Object>> run(String protocol, Path file, long abortAt) throws Exception {
        String endpoint = server.url() + "uploads/";
        Path out = dir.resolve("node-out.txt");
        Path err = dir.resolve("node-err.txt");
        Process p = new ProcessBuilder(Programs.which("node").orElseThrow().toString(), "upload.js", endpoint,
                file.toString(), protocol, Long.toString(abortAt))
                .directory(app.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("tus-js-client finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            if (line.startsWith("{")) {
                events.add(GetProcess.parseObject(line));
            }
        }
        assertThat(p.exitValue()).as("tus-js-client (%s): %s %s", protocol, events, GetProcess.read(err)).isZero();
        return events;
    }
}
