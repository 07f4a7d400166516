package dev.carryon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser page of {@code carryon serve} in a real chromium: the listing, its links and commands, folders,
 * a narrow screen, the console, and the upload UI with and without tokens.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrowserBrowseTest {

    static final String ODD = "a&b's.txt";

    @TempDir
    Path tmp;
    Path root;
    byte[] data;
    ServeProcess server;
    Browser browser;
    final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    @BeforeAll
    static void needsChromium() {
        Browser.assumeInstalled();
    }

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        Files.writeString(root.resolve("hello.txt"), "hello, browser\n");
        Files.writeString(root.resolve(ODD), "odd name\n");
        Files.createDirectories(root.resolve("sub dir"));
        Files.writeString(root.resolve("sub dir").resolve("inner.txt"), "inner\n");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    WebElement row(String name) {
        for (WebElement r : browser.driver.findElements(By.cssSelector("#files tbody tr"))) {
            List<WebElement> links = r.findElements(By.cssSelector("td.name a"));
            if (!links.isEmpty() && links.get(0).getText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no row for " + name + " in " + browser.driver.findElement(By.id("files")).getText());
    }

    @Test
    void listingShowsSizesLinksDownloadTheBytesAndCommandsAreRight() throws Exception {
        server = ServeProcess.start(root);
        browser = Browser.start(tmp, 1280, 900);
        browser.driver.get(base() + "/");
        assertThat(browser.driver.getTitle()).contains("Index of /");
        // the script ran: copy buttons appear only with it
        browser.await("copy buttons", Duration.ofSeconds(10),
                () -> row("data.bin").findElement(By.cssSelector("button.copy")).isDisplayed());

        WebElement size = row("data.bin").findElement(By.cssSelector("span.size"));
        assertThat(size.getText()).isEqualTo("3.0 MiB");
        assertThat(size.getAttribute("title")).isEqualTo(String.format(java.util.Locale.ROOT, "%,d bytes", data.length));
        assertThat(row("hello.txt").findElement(By.cssSelector("span.size")).getText()).isEqualTo("15 B");
        assertThat(row("sub dir/").getText()).contains("sub dir/");
        assertThat(row("data.bin").findElement(By.cssSelector("time")).getAttribute("datetime")).endsWith("Z");

        // the links download the right bytes
        String href = row("data.bin").findElement(By.cssSelector("td.name a")).getAttribute("href");
        assertThat(href).isEqualTo(base() + "/data.bin");
        assertThat(get(href).body()).isEqualTo(data);
        String oddHref = row(ODD).findElement(By.cssSelector("td.name a")).getAttribute("href");
        assertThat(new String(get(oddHref).body(), StandardCharsets.UTF_8)).isEqualTo("odd name\n");

        // the commands name the absolute URL, quoted for a shell where needed ...
        String command = row("data.bin").findElement(By.cssSelector(".cmd code")).getText();
        assertThat(command).isEqualTo("carryon get " + base() + "/data.bin");
        String oddCommand = row(ODD).findElement(By.cssSelector(".cmd code")).getText();
        assertThat(oddCommand).isEqualTo("carryon get '" + base() + "/a&b'\\''s.txt'");
        // ... and run as they stand in a shell, they fetch the file
        Path out = Files.createDirectories(tmp.resolve("shell"));
        for (String c : List.of(command, oddCommand)) {
            ServeProcess.Result r = shell(out, c + " -q");
            assertThat(r.exitCode()).as("%s: %s", c, r.stderr()).isZero();
        }
        assertThat(Files.readAllBytes(out.resolve("data.bin"))).isEqualTo(data);
        assertThat(Files.readString(out.resolve(ODD))).isEqualTo("odd name\n");

        // the Copy button puts the command on the clipboard
        browser.driver.executeCdpCommand("Browser.grantPermissions", java.util.Map.of(
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite"), "origin", base()));
        WebElement copy = row("hello.txt").findElement(By.cssSelector("button.copy"));
        copy.click();
        browser.await("Copied", Duration.ofSeconds(5), () -> copy.getText().equals("Copied"));
        Object clip = browser.driver.executeAsyncScript(
                "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error ' + e));");
        assertThat(clip).isEqualTo("carryon get " + base() + "/hello.txt");

        browser.screenshot("browse");
        assertThat(browser.severe()).isEmpty();
    }

    @Test
    void foldersNavigateAndTheBreadcrumbLeadsBack() {
        server = ServeProcess.start(root);
        browser = Browser.start(tmp, 1280, 900);
        browser.driver.get(base() + "/");
        row("sub dir/").findElement(By.cssSelector("td.name a")).click();
        browser.await("the folder's page", Duration.ofSeconds(10),
                () -> browser.driver.getCurrentUrl().equals(base() + "/sub%20dir/"));
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Index of /sub dir/");
        assertThat(row("inner.txt").findElement(By.cssSelector(".cmd code")).getText())
                .isEqualTo("carryon get " + base() + "/sub%20dir/inner.txt");
        assertThat(row("../")).isNotNull();
        WebElement current = browser.driver.findElement(By.cssSelector("nav.crumbs a[aria-current=page]"));
        assertThat(current.getText()).isEqualTo("sub dir/");
        browser.driver.findElement(By.cssSelector("nav.crumbs a[href='/']")).click();
        browser.await("back at the root", Duration.ofSeconds(10), () -> browser.driver.getCurrentUrl().equals(base() + "/"));
        assertThat(row("data.bin")).isNotNull();
        assertThat(browser.severe()).isEmpty();
    }

    @Test
    void aNarrowScreenStillShowsEveryEntryWithoutScrollingSideways() {
        server = ServeProcess.start(root);
        browser = Browser.start(tmp, 400, 860);
        browser.driver.get(base() + "/");
        browser.await("copy buttons", Duration.ofSeconds(10),
                () -> row("data.bin").findElement(By.cssSelector("button.copy")).isDisplayed());
        long viewport = ((Number) browser.js("return document.documentElement.clientWidth")).longValue();
        assertThat(viewport).isLessThanOrEqualTo(400);
        assertThat(((Number) browser.js("return document.documentElement.scrollWidth")).longValue())
                .as("no horizontal scrolling").isLessThanOrEqualTo(viewport);
        for (String name : List.of("sub dir/", "data.bin", "hello.txt", ODD)) {
            WebElement link = row(name).findElement(By.cssSelector("td.name a"));
            assertThat(link.isDisplayed()).as(name).isTrue();
            assertThat(link.getRect().getX() + link.getRect().getWidth()).as(name).isLessThanOrEqualTo((int) viewport);
        }
        WebElement size = row("data.bin").findElement(By.cssSelector("span.size"));
        assertThat(size.isDisplayed()).isTrue();
        assertThat(size.getText()).isEqualTo("3.0 MiB");
        WebElement code = row("data.bin").findElement(By.cssSelector(".cmd code"));
        assertThat(code.getRect().getX() + code.getRect().getWidth()).isLessThanOrEqualTo((int) viewport);
        browser.screenshot("browse-narrow");
        assertThat(browser.severe()).isEmpty();
    }

    @Test
    void withUploadsOffThereIsNoUploadUi() {
        server = ServeProcess.start(root, "--no-uploads");
        browser = Browser.start(tmp, 1280, 900);
        browser.driver.get(base() + "/");
        browser.await("copy buttons", Duration.ofSeconds(10),
                () -> row("data.bin").findElement(By.cssSelector("button.copy")).isDisplayed());
        assertThat(browser.driver.findElements(By.id("upload"))).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("input[type=file]"))).isEmpty();
        assertThat(browser.severe()).isEmpty();
    }

    @Test
    void withoutTokensTheUploadUiAsksForNoneAndUploads() throws Exception {
        server = ServeProcess.start(root);
        browser = Browser.start(tmp, 1280, 900);
        browser.driver.get(base() + "/sub%20dir/");
        WebElement drop = browser.driver.findElement(By.id("drop"));
        browser.await("the upload UI", Duration.ofSeconds(10), drop::isDisplayed);
        assertThat(browser.driver.findElement(By.id("token-form")).isDisplayed()).isFalse();
        // the drop zone is a button reached with the keyboard, and focus on it is visible
        assertThat(drop.getTagName()).isEqualTo("button");
        List<String> order = new ArrayList<>();
        browser.driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        for (int i = 0; i < 10 && !"drop".equals(browser.driver.switchTo().activeElement().getAttribute("id")); i++) {
            WebElement at = browser.driver.switchTo().activeElement();
            order.add(at.getTagName() + " " + at.getText());
            at.sendKeys(Keys.TAB);
        }
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).as("Tab order %s", order).isEqualTo("drop");
        // skip link, the breadcrumb's two links, then the drop zone
        assertThat(order).hasSize(3);
        assertThat(browser.js("return getComputedStyle(document.activeElement).outlineStyle")).isEqualTo("solid");
        assertThat(browser.driver.findElement(By.id("file-input")).getAttribute("aria-label")).isEqualTo("Files to upload");
        // in a folder, the page says where uploads go
        assertThat(browser.driver.findElement(By.id("upload-where")).getText()).contains("top folder (/)");
        Path local = Files.write(tmp.resolve("note.txt"), "from the browser\n".getBytes(StandardCharsets.UTF_8));
        browser.driver.findElement(By.id("file-input")).sendKeys(local.toString());
        awaitUploaded("note.txt");
        assertThat(Files.readString(root.resolve("note.txt"))).isEqualTo("from the browser\n");
        assertThat(browser.severe()).isEmpty();
    }

    @Test
    void withATokenTheUploadUiAsksForItAndUploadsWithIt() throws Exception {
        server = ServeProcess.start(root, "--upload-token", "s3cret-token");
        browser = Browser.start(tmp, 1280, 900);
        browser.driver.get(base() + "/");
        WebElement form = browser.driver.findElement(By.id("token-form"));
        browser.await("the token form", Duration.ofSeconds(10), form::isDisplayed);
        WebElement field = browser.driver.findElement(By.id("token"));
        assertThat(field.getAttribute("type")).isEqualTo("password");
        assertThat(browser.driver.findElement(By.cssSelector("label[for=token]")).getText()).isEqualTo("Upload token");
        assertThat(browser.driver.findElement(By.id("drop")).isDisplayed()).isFalse();

        // a wrong token is refused and the form stays
        field.sendKeys("wrong");
        field.sendKeys(Keys.ENTER);
        browser.await("the refusal", Duration.ofSeconds(10),
                () -> browser.driver.findElement(By.id("token-msg")).getText().contains("refused"));
        assertThat(browser.driver.findElement(By.id("drop")).isDisplayed()).isFalse();
        browser.console(); // the 401 of the check is expected: drain it

        field.clear();
        field.sendKeys("s3cret-token");
        browser.driver.findElement(By.cssSelector("#token-form button[type=submit]")).click();
        browser.await("the upload UI", Duration.ofSeconds(10), () -> browser.driver.findElement(By.id("drop")).isDisplayed());
        assertThat(browser.js("return sessionStorage.getItem('carryon.token')")).isEqualTo("s3cret-token");
        assertThat(browser.js("return localStorage.getItem('carryon.token')")).isNull();
        int before = browser.console().size();

        byte[] bytes = new byte[1024 * 1024 + 5];
        new Random(3).nextBytes(bytes);
        Path local = Files.write(tmp.resolve("with-token.bin"), bytes);
        browser.driver.findElement(By.id("file-input")).sendKeys(local.toString());
        awaitUploaded("with-token.bin");
        assertThat(Files.readAllBytes(root.resolve("with-token.bin"))).isEqualTo(bytes);
        assertThat(browser.console().subList(before, browser.console().size()))
                .noneMatch(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue());

        // without the token the endpoint refuses, so it was the page that sent it
        HttpResponse<byte[]> anonymous = http.send(HttpRequest.newBuilder(URI.create(base() + "/uploads/"))
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", "1")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    /** Waits for the upload row to say done and the refreshed listing to show the file. */
    void awaitUploaded(String name) {
        browser.await(name + " uploaded", Duration.ofSeconds(30), () -> {
            WebElement li = browser.driver.findElement(By.cssSelector("#upload-list li[data-name=\"" + name + "\"]"));
            if ("failed".equals(li.getAttribute("data-state"))) {
                throw new AssertionError("the upload failed: " + li.getText());
            }
            return "done".equals(li.getAttribute("data-state"));
        });
        if (browser.driver.getCurrentUrl().equals(base() + "/")) {
            browser.await(name + " in the listing", Duration.ofSeconds(10), () -> row(name) != null);
        }
    }

    HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Runs {@code line} in bash in {@code dir}, with {@code carryon} a function running this build's CLI. */
    static ServeProcess.Result shell(Path dir, String line) throws IOException, InterruptedException {
        List<String> java = ServeProcess.command();
        StringBuilder fn = new StringBuilder("carryon() { ");
        for (String part : java) {
            fn.append('\'').append(part.replace("'", "'\\''")).append("' ");
        }
        fn.append("\"$@\"; }\n");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", fn + line));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the shell did not end: " + line);
            }
            return new ServeProcess.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }
}
