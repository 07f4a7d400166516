package dev.carryon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The browser page over plain HTTP (no browser needed): its headers, its assets' route, the JSON listing. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PageHttpTest {

    @TempDir
    Path tmp;
    ServeProcess server;
    final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    @BeforeEach
    void start() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("hello.txt"), "hello\n");
        server = ServeProcess.start(root);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void pageHasItsSecurityHeadersAndAssetsOnlyFromTheAllowList() throws Exception {
        HttpResponse<byte[]> page = get(base() + "/");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self'", "style-src 'self'", "default-src 'none'");
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).doesNotContain("<script>", "<style", "style=\"");
        HttpResponse<byte[]> js = get(base() + "/-/ui/app.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        String etag = js.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = http.send(HttpRequest.newBuilder(URI.create(base() + "/-/ui/app.js"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get(base() + "/-/ui/app.css").headers().firstValue("Cache-Control")).hasValue("no-cache");
        for (String other : List.of("/-/ui/", "/-/ui/App.js", "/-/ui/app.js.map", "/-/ui/../ui/app.js",
                "/-/ui/%2e%2e/metrics", "/-/ui/dev/carryon/server/ui/app.js", "/-/ui/ListingPage.class")) {
            assertThat(get(base() + other).statusCode()).as(other).isEqualTo(404);
        }
        // the JSON listing is what it was
        HttpResponse<byte[]> json = http.send(HttpRequest.newBuilder(URI.create(base() + "/"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json.headers().firstValue("Content-Security-Policy")).isEmpty();
        assertThat(new String(json.body(), StandardCharsets.UTF_8)).startsWith("{\"path\":\"/\",\"entries\":[");
    }

    @Test
    void theHostHeaderGoesIntoCommandsOnlyWhenItIsAPlainHost() throws Exception {
        String page = new String(get(base() + "/").body(), StandardCharsets.UTF_8);
        assertThat(page).contains("carryon get " + base() + "/hello.txt");
        // java.net.http does not let a caller set Host; a raw socket does
        for (String host : List.of("evil.example\"><script>x</script>", "a b", "")) {
            String raw = rawGet("/", host);
            assertThat(raw).startsWith("HTTP/1.1 ").doesNotContain("<script>x");
            if (raw.startsWith("HTTP/1.1 200")) {
                assertThat(raw).contains("carryon get " + base() + "/hello.txt");
            }
        }
        assertThat(rawGet("/", "files.example:8443")).contains("carryon get http://files.example:8443/hello.txt");
    }

    String rawGet(String target, String host) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
