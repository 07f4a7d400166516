package dev.carryon.server.upload;

import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures that are the server's, not the request's: each is answered (never a request left hanging) and
 * explained in the log, so that a 500 always has a cause someone can read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadFailuresTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPatchWhoseDataIsGoneIsAnswered500AndTheCauseIsLogged() throws Exception {
        server = TestServer.start(b -> b.uploads(UploadSettings.DEFAULT));
        HttpResponse<String> c = HTTP.send(HttpRequest.newBuilder(server.uri("/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", "10").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(c.statusCode()).isEqualTo(201);
        String location = c.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        // The local store keeps an unfinished upload's bytes in STATE/uploads/ID; someone removed it.
        Path data = server.state().resolve("uploads").resolve(id);
        assertThat(data).exists();
        Files.delete(data);

        try (LogCapture log = LogCapture.start()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.uri("/").toString()
                            .replaceAll("/$", "") + location))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("0123456789"))
                    .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
                    .header("Content-Type", "application/offset+octet-stream").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("cannot be opened");
            assertThat(log.trouble()).as("the 500 is explained in the log")
                    .anySatisfy(l -> assertThat(l).contains("WARN").contains(id));
        }
    }
}
