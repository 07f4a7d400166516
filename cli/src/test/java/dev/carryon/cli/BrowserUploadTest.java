package dev.carryon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 50 MiB upload through the page survives {@code kill -9} of the server: after a restart on the same root and
 * state, a reload and choosing the same file again, the page asks the server for its offset and goes on from
 * there; the file that lands in the root is the one chosen, byte for byte.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrowserUploadTest {

    static final int SIZE = 50 * 1024 * 1024;
    static final long MiB = 1024 * 1024;

    @TempDir
    Path tmp;
    ServeProcess server;
    ThrottleProxy proxy;
    Browser browser;
    final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    @BeforeAll
    static void needsChromium() {
        Browser.assumeInstalled();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    ServeProcess serve(Path root, Path state, Path accessLog, int port) {
        return ServeProcess.startCommand(List.of("serve", root.toString(), "--port", Integer.toString(port),
                "--state", state.toString(), "--access-log", accessLog.toString()));
    }

    @Test
    void anUploadCutByKill9ResumesAfterRestartAndReloadWhenTheSameFileIsChosen() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path local = tmp.resolve("local").resolve("big upload.bin");
        Files.createDirectories(local.getParent());
        byte[] data = new byte[SIZE];
        new Random(42).nextBytes(data);
        Files.write(local, data);

        server = serve(root, state, tmp.resolve("access-1.log"), 0);
        int port = server.port();
        // The browser reaches the server through a relay that holds its uploads to about 6 MiB/s, so that there
        // is a "half way" to stop at (on loopback 50 MiB take a fraction of a second).
        proxy = new ThrottleProxy(port, 6 * MiB);
        String base = "http://127.0.0.1:" + proxy.port();
        browser = Browser.start(tmp, 1280, 900);
        browser.driver.get(base + "/");
        browser.await("the upload UI", Duration.ofSeconds(10), () -> browser.driver.findElement(By.id("drop")).isDisplayed());
        browser.driver.findElement(By.id("file-input")).sendKeys(local.toString());

        // The page remembers the upload's URL under the file's fingerprint; the server's HEAD tells how far it is.
        browser.await("the upload's URL in localStorage", Duration.ofSeconds(20), () -> uploadUrl() != null);
        String url = uploadUrl();
        assertThat(url).startsWith(base + "/uploads/");
        browser.await("a third of the file on the server", Duration.ofSeconds(60), () -> serverOffset(url) >= SIZE / 3);
        browser.screenshot("upload-in-progress");
        WebElement row = browser.driver.findElement(By.cssSelector("#upload-list li"));
        assertThat(row.findElement(By.tagName("progress")).getAttribute("value")).isNotEqualTo("0");
        assertThat(row.getText()).contains("MiB of 50.0 MiB", "/s");
        List<String> severeBefore = browser.severe();
        assertThat(severeBefore).as("console before the kill").isEmpty();

        server.process.destroyForcibly(); // SIGKILL
        assertThat(server.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long cutAt = Long.parseLong(row.getAttribute("data-offset"));
        assertThat(cutAt).as("the page's offset at the kill").isLessThan(SIZE);
        // Leave the page (its script stops retrying), so that it is the reloaded page that resumes.
        browser.driver.get("about:blank");
        List<String> duringKill = new ArrayList<>();
        for (LogEntry e : browser.console()) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                duringKill.add(e.getMessage());
            }
        }
        assertThat(duringKill).as("only network errors while the server was gone")
                .allMatch(m -> m.contains("net::ERR_") || m.contains("Failed to fetch"));
        int consoleSeen = browser.console().size();

        Path secondLog = tmp.resolve("access-2.log");
        server = serve(root, state, secondLog, port);
        long kept = serverOffset(url);
        assertThat(kept).as("what the server kept through kill -9").isGreaterThan(0).isLessThan(SIZE);

        proxy.rate(0);
        browser.driver.get(base + "/");
        browser.await("the upload UI", Duration.ofSeconds(10), () -> browser.driver.findElement(By.id("drop")).isDisplayed());
        // The reloaded page lists the unfinished upload it remembers.
        assertThat(browser.driver.findElement(By.id("remembered-box")).getText()).contains("big upload.bin");
        browser.driver.findElement(By.id("file-input")).sendKeys(local.toString());
        browser.await("the upload done", Duration.ofSeconds(90), () -> {
            WebElement li = browser.driver.findElement(By.cssSelector("#upload-list li"));
            assertThat(li.getAttribute("data-state")).isNotEqualTo("failed");
            return "done".equals(li.getAttribute("data-state"));
        });
        WebElement done = browser.driver.findElement(By.cssSelector("#upload-list li"));
        assertThat(Long.parseLong(done.getAttribute("data-resumed-from"))).as("where the page resumed").isEqualTo(kept);
        assertThat(done.getText()).contains("resumed at");

        Path placed = root.resolve("big upload.bin");
        assertThat(placed).exists();
        assertThat(sha256(Files.readAllBytes(placed))).isEqualTo(sha256(data));
        assertThat(browser.js("return Object.keys(localStorage).filter(k => k.startsWith('carryon.upload:')).length"))
                .as("a finished upload is forgotten").isEqualTo(0L);
        // the listing refreshed itself
        browser.await("the file in the listing", Duration.ofSeconds(10), () -> browser.driver
                .findElements(By.cssSelector("#files tbody td.name a")).stream().anyMatch(a -> a.getText().equals("big upload.bin")));

        // What the restarted server saw: a HEAD of the upload, PATCHes of it, and no new creation; fewer
        // PATCHes than starting over would take (50 MiB in 8 MiB chunks is 7).
        String path = URI.create(url).getPath();
        List<String> lines = Files.readAllLines(secondLog);
        // (the test's own HEADs carry Java's user agent; the page's, chromium's)
        assertThat(lines).anyMatch(l -> l.contains("\"HEAD " + path + " ") && l.contains("\" 200 ") && l.contains("Chrome/"));
        long patches = lines.stream().filter(l -> l.contains("\"PATCH " + path + " ") && l.contains("\" 204 ")).count();
        assertThat(patches).isBetween(1L, (long) Math.ceil((SIZE - kept) / (8.0 * MiB)));
        assertThat(lines).noneMatch(l -> l.contains("\"POST /uploads/"));

        List<LogEntry> after = browser.console();
        assertThat(after.subList(consoleSeen, after.size()))
                .noneMatch(e -> e.getLevel().intValue() >= Level.SEVERE.intValue());
    }

    @Test
    void pauseResumeAndCancel() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path local = tmp.resolve("pause.bin");
        byte[] data = new byte[20 * 1024 * 1024];
        new Random(5).nextBytes(data);
        Files.write(local, data);
        server = serve(root, Files.createDirectories(tmp.resolve("state")), tmp.resolve("access.log"), 0);
        proxy = new ThrottleProxy(server.port(), 4 * MiB);
        String base = "http://127.0.0.1:" + proxy.port();
        browser = Browser.start(tmp, 1280, 900);
        browser.driver.get(base + "/");
        browser.await("the upload UI", Duration.ofSeconds(10), () -> browser.driver.findElement(By.id("drop")).isDisplayed());
        browser.driver.findElement(By.id("file-input")).sendKeys(local.toString());
        browser.await("the upload's URL", Duration.ofSeconds(20), () -> uploadUrl() != null);
        String url = uploadUrl();
        browser.await("some bytes on the server", Duration.ofSeconds(30), () -> serverOffset(url) > 0);

        WebElement li = browser.driver.findElement(By.cssSelector("#upload-list li"));
        WebElement pause = li.findElement(By.cssSelector("button.pause"));
        assertThat(pause.getText()).isEqualTo("Pause");
        pause.click();
        browser.await("paused", Duration.ofSeconds(5), () -> "paused".equals(li.getAttribute("data-state")));
        assertThat(pause.getText()).isEqualTo("Resume");
        Thread.sleep(1500); // the cut PATCH settles on the server
        long paused = serverOffset(url);
        Thread.sleep(1500);
        assertThat(serverOffset(url)).as("nothing sent while paused").isEqualTo(paused);

        proxy.rate(0);
        pause.click();
        browser.await("done", Duration.ofSeconds(60), () -> "done".equals(li.getAttribute("data-state")));
        assertThat(sha256(Files.readAllBytes(root.resolve("pause.bin")))).isEqualTo(sha256(data));

        // Cancel terminates the upload on the server (DELETE) and forgets it.
        Path second = tmp.resolve("cancel.bin");
        Files.write(second, data);
        proxy.rate(2 * MiB);
        browser.driver.findElement(By.id("file-input")).sendKeys(second.toString());
        WebElement cancelled = browser.driver.findElement(By.cssSelector("#upload-list li[data-name='cancel.bin']"));
        browser.await("the second upload's URL", Duration.ofSeconds(20), () -> uploadUrl() != null);
        String url2 = uploadUrl();
        browser.await("its first bytes", Duration.ofSeconds(30), () -> serverOffset(url2) > 0);
        cancelled.findElement(By.cssSelector("button.cancel")).click();
        browser.await("cancelled", Duration.ofSeconds(5), () -> "cancelled".equals(cancelled.getAttribute("data-state")));
        browser.await("gone from the server", Duration.ofSeconds(10), () -> headStatus(url2) == 404 || headStatus(url2) == 410);
        assertThat(uploadUrl()).isNull();
        assertThat(root.resolve("cancel.bin")).doesNotExist();
        assertThat(browser.severe()).allMatch(m -> m.contains("net::ERR_ABORTED") || m.contains("404") || m.contains("410"));
    }

    @Test
    void cutConnectionsAreRetriedAndTheUploadFinishesOnItsOwn() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path local = tmp.resolve("retried.bin");
        byte[] data = new byte[24 * 1024 * 1024];
        new Random(8).nextBytes(data);
        Files.write(local, data);
        server = serve(root, Files.createDirectories(tmp.resolve("state")), tmp.resolve("access.log"), 0);
        proxy = new ThrottleProxy(server.port(), 6 * MiB);
        String base = "http://127.0.0.1:" + proxy.port();
        browser = Browser.start(tmp, 1280, 900);
        browser.driver.get(base + "/");
        browser.await("the upload UI", Duration.ofSeconds(10), () -> browser.driver.findElement(By.id("drop")).isDisplayed());
        browser.driver.findElement(By.id("file-input")).sendKeys(local.toString());
        browser.await("the upload's URL", Duration.ofSeconds(20), () -> uploadUrl() != null);
        String url = uploadUrl();
        WebElement li = browser.driver.findElement(By.cssSelector("#upload-list li"));
        for (long at : new long[] {4 * MiB, 12 * MiB}) {
            browser.await("the server past " + at, Duration.ofSeconds(30), () -> serverOffset(url) >= at);
            // Down for a moment: cut, and refuse new connections (else chromium silently re-sends the request
            // on a fresh connection and the page never sees the cut).
            proxy.refuse(true);
            proxy.cutAll();
            browser.await("the page noticing", Duration.ofSeconds(10), () -> "waiting".equals(li.getAttribute("data-state")));
            assertThat(li.getText()).contains("retrying in");
            proxy.refuse(false);
        }
        browser.await("done", Duration.ofSeconds(60), () -> "done".equals(li.getAttribute("data-state")));
        assertThat(sha256(Files.readAllBytes(root.resolve("retried.bin")))).isEqualTo(sha256(data));
        List<String> lines = Files.readAllLines(tmp.resolve("access.log"));
        assertThat(lines.stream().filter(l -> l.contains("\"POST /uploads/")).count()).as("one creation").isEqualTo(1);
        assertThat(lines).anyMatch(l -> l.contains("\"HEAD " + URI.create(url).getPath() + " ") && l.contains("Chrome/"));
        assertThat(browser.severe()).allMatch(m -> m.contains("net::ERR_") || m.contains("Failed to fetch"));
    }

    /** The remembered upload URL (the only carryon.upload: entry), or null. */
    String uploadUrl() {
        Object v = browser.js("const k = Object.keys(localStorage).find(k => k.startsWith('carryon.upload:'));"
                + " return k ? JSON.parse(localStorage.getItem(k)).url : null;");
        return (String) v;
    }

    /** The upload's URL at the server itself, not through the relay. */
    URI direct(String url) {
        URI u = URI.create(url);
        return URI.create("http://127.0.0.1:" + server.port() + u.getRawPath());
    }

    long serverOffset(String url) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(direct(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Tus-Resumable", "1.0.0").timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? Long.parseLong(r.headers().firstValue("Upload-Offset").orElse("-1")) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int headStatus(String url) {
        try {
            return http.send(HttpRequest.newBuilder(direct(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Tus-Resumable", "1.0.0").build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
