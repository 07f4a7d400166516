package dev.carryon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page's live transfers view, fed by the transfer journal: a segmented {@code carryon get -x 4} of one file,
 * held to a rate so that it runs for a while, shows as one download session whose coverage grows to 100%; a
 * {@code carryon put -x 4} shows as one upload, with its name, and its four parts under it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrowserTransfersTest {

    static final int SIZE = 24 * 1024 * 1024;

    @TempDir
    Path tmp;
    ServeProcess server;
    GetProcess get;
    Browser browser;

    @BeforeAll
    static void needsChromium() {
        Browser.assumeInstalled();
    }

    @AfterEach
    void stop() {
        if (get != null) {
            get.close();
        }
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** One observation of the view: the items for the file, in the in-progress and the finished lists. */
    record Seen(List<String> activeIds, List<Integer> activePercents, List<Integer> activeSegments,
                List<String> doneIds, List<Integer> donePercents) {
    }

    /**
     * Both lists as one render left them: read in the page by one script, since reading them element by element
     * over WebDriver can straddle a re-render (seen on a loaded machine: the same session active at 49% in the
     * old list and done at 100% in the new one).
     */
    @SuppressWarnings("unchecked")
    Seen look() {
        Map<String, List<Object>> lists = (Map<String, List<Object>>) browser.js("""
                const active = [...document.querySelectorAll("#t-downloads li[data-path='/big.bin']")];
                const done = [...document.querySelectorAll("#t-done li[data-path='/big.bin']")];
                return {
                  activeIds: active.map((li) => li.dataset.id),
                  activePercents: active.map((li) => li.dataset.percent),
                  activeSegments: active.map((li) => li.querySelectorAll('svg.bar rect.seg').length),
                  doneIds: done.map((li) => li.dataset.id),
                  donePercents: done.map((li) => li.dataset.percent),
                };""");
        return new Seen(strings(lists.get("activeIds")), ints(lists.get("activePercents")),
                ints(lists.get("activeSegments")), strings(lists.get("doneIds")), ints(lists.get("donePercents")));
    }

    static List<String> strings(List<Object> values) {
        return values.stream().map(String::valueOf).toList();
    }

    static List<Integer> ints(List<Object> values) {
        return values.stream().map(v -> Integer.parseInt(String.valueOf(v))).toList();
    }

    @Test
    void aSegmentedGetShowsAsOneSessionWhoseCoverageGrowsToAll() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        byte[] data = new byte[SIZE];
        new Random(9).nextBytes(data);
        Files.write(root.resolve("big.bin"), data);
        server = ServeProcess.start(root);
        String base = "http://127.0.0.1:" + server.port();
        browser = Browser.start(tmp, 1280, 1000);
        browser.driver.get(base + "/");
        WebElement section = browser.driver.findElement(By.id("transfers"));
        browser.await("the transfers view", Duration.ofSeconds(10), section::isDisplayed);
        browser.await("its first poll", Duration.ofSeconds(10),
                () -> browser.driver.findElement(By.id("transfers-status")).getText().startsWith("Updated at"));
        assertThat(browser.driver.findElement(By.id("t-downloads-note")).getText())
                .contains("the client's system has acknowledged", "until it catches up");

        // A probe's session, once quiet (idle), is no download in progress.
        Files.write(root.resolve("probed.bin"), new byte[16 << 20]);
        assertThat(ServeProcess.run("probe", base + "/probed.bin").exitCode()).isZero();
        // idle, or done where the kernel took the whole of the 200 that its If-Range check gets: no longer active
        browser.await("the probe's session quiet", Duration.ofSeconds(30), () -> (Boolean) browser.js(
                "return fetch('/-/api/transfers').then(r => r.json())"
                        + ".then(j => j.downloads.some(d => d.path === '/probed.bin' && d.state !== 'active'))"));
        String before = browser.driver.findElement(By.id("transfers-status")).getText();
        assertThat(before).as("the listing's clock: UTC, 24 hours").matches("Updated at \\d\\d:\\d\\d:\\d\\d UTC\\.");
        browser.await("the next render", Duration.ofSeconds(10),
                () -> !browser.driver.findElement(By.id("transfers-status")).getText().equals(before));
        assertThat(browser.js("return document.querySelectorAll(\"#t-downloads li[data-path='/probed.bin']\").length"))
                .as("the quiet probe in the in-progress list").isEqualTo(0L);

        Path out = Files.createDirectories(tmp.resolve("out"));
        // 24 MiB at 3 MiB/s: about 8 s, 4 connections
        get = GetProcess.start(tmp.resolve("logs"), "-x", "4", "--limit-rate", "3M", "-q", "-o",
                out.resolve("big.bin").toString(), base + "/big.bin");

        List<Seen> seen = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        boolean screenshot = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Seen s = look();
            seen.add(s);
            assertThat(s.activeIds().size() + s.doneIds().size()).as("one session for the file, seen %s", s)
                    .isLessThanOrEqualTo(1);
            ids.addAll(s.activeIds());
            ids.addAll(s.doneIds());
            if (!screenshot && !s.activePercents().isEmpty() && s.activePercents().get(0) >= 30) {
                browser.screenshot("transfers");
                screenshot = true;
                // the number says what it counts, and the page says what that means
                assertThat(String.valueOf(browser.js("const s = document.querySelector("
                        + "\"#t-downloads li[data-path='/big.bin'] .state\"); return s ? s.textContent : '';")))
                        .matches("(\\d+% sent · .*)?");
            }
            if (!s.donePercents().isEmpty() && s.donePercents().get(0) == 100) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(get.await(Duration.ofSeconds(30)).exitCode()).isZero();
        assertThat(Files.readAllBytes(out.resolve("big.bin"))).isEqualTo(data);

        assertThat(ids).as("one session from start to end").hasSize(1);
        List<Integer> percents = seen.stream().flatMap(s -> s.activePercents().stream()).toList();
        assertThat(percents).as("seen in progress").isNotEmpty();
        assertThat(percents).as("coverage only grows").isSortedAccordingTo(Integer::compare);
        assertThat(percents.get(0)).isLessThan(100);
        assertThat(seen.get(seen.size() - 1).donePercents()).as("finished, all of it covered").containsExactly(100);
        assertThat(screenshot).as("a screenshot in progress").isTrue();
        // four connections sent four pieces at once: the bar showed more than one segment on the way
        assertThat(seen.stream().flatMap(s -> s.activeSegments().stream()).mapToInt(Integer::intValue).max().orElse(0))
                .isGreaterThan(1);
        WebElement finished = browser.driver.findElement(By.cssSelector("#t-done li[data-path='/big.bin']"));
        assertThat(finished.getText()).contains("downloaded by 127.0.0.1");
        assertThat(browser.severe()).isEmpty();
    }

    /** The uploads in progress as one render left them: for each, its name, its parts' count and states. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> uploadsInProgress() {
        return (List<Map<String, Object>>) browser.js("""
                return [...document.querySelectorAll('#t-uploads > li[data-kind=upload]')].map((li) => ({
                  id: li.dataset.id,
                  name: li.querySelector(':scope > .fname').textContent,
                  offset: li.dataset.offset,
                  parts: [...li.querySelectorAll('ol.parts > li[data-kind=part]')].map((p) => p.querySelector('.fname').textContent),
                }));""");
    }

    @Test
    void anUploadInFourPartsShowsAsOneUploadWithItsNameAndItsPartsUnderIt() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        server = ServeProcess.start(root);
        String base = "http://127.0.0.1:" + server.port();
        browser = Browser.start(tmp, 1280, 1000);
        browser.driver.get(base + "/");
        browser.await("the transfers view's first poll", Duration.ofSeconds(10),
                () -> browser.driver.findElement(By.id("transfers-status")).getText().startsWith("Updated at"));

        Path local = Files.createDirectories(tmp.resolve("local"));
        // four parts of 8 MiB, the smallest put makes
        byte[] data = new byte[32 << 20];
        new Random(16).nextBytes(data);
        Files.write(local.resolve("film.mkv"), data);
        // 32 MiB at 4 MiB/s: about 8 s
        get = GetProcess.command(tmp.resolve("logs"), Map.of("XDG_STATE_HOME", tmp.resolve("xdg").toString()),
                List.of("put", "-x", "4", "--limit-rate", "4M", "-q", "--state", tmp.resolve("put-state").toString(),
                        local.resolve("film.mkv").toString(), base + "/uploads/"));

        List<List<Map<String, Object>>> seen = new ArrayList<>();
        boolean screenshot = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && get.process.isAlive()) {
            List<Map<String, Object>> now = uploadsInProgress();
            if (!now.isEmpty()) {
                seen.add(now);
                if (!screenshot && Long.parseLong(String.valueOf(now.get(0).get("offset"))) > 4 << 20) {
                    browser.screenshot("upload-parts");
                    screenshot = true;
                }
            }
            Thread.sleep(200);
        }
        assertThat(get.await(Duration.ofSeconds(30)).exitCode()).as("put: %s", GetProcess.read(get.stderr)).isZero();
        assertThat(Files.readAllBytes(root.resolve("film.mkv"))).isEqualTo(data);

        assertThat(seen).as("the upload seen in progress").isNotEmpty();
        for (List<Map<String, Object>> render : seen) {
            assertThat(render).as("one upload in progress, not four nameless ones").hasSize(1);
            assertThat(render.get(0).get("name")).isEqualTo("film.mkv");
            assertThat((List<Object>) render.get(0).get("parts"))
                    .containsExactly("part 1 of 4", "part 2 of 4", "part 3 of 4", "part 4 of 4");
        }
        browser.await("the upload in the finished list", Duration.ofSeconds(10), () -> browser.driver
                .findElements(By.cssSelector("#t-done li[data-kind=upload]")).stream()
                .anyMatch(li -> li.getText().contains("film.mkv") && li.getText().contains("in 4 parts")));
        assertThat(browser.driver.findElements(By.cssSelector("#t-done li[data-kind=upload]"))).hasSize(1);
        assertThat(browser.severe()).isEmpty();
    }
}
