package dev.carryon.client.download;

import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Recorder;
import dev.carryon.client.testing.Served;
import dev.carryon.core.download.DownloadState;
import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control file while a rate-limited download runs: sampled every 50 ms, it must only ever claim bytes
 * that are in the part file and equal the served ones, and it must follow the transfer within about the
 * checkpoint interval.
 */
@Timeout(40)
class CheckpointTest {

    static final int SIZE = 8 << 20;
    static final long RATE = 2 << 20;
    static Path served;
    static CarryonServer server;
    static byte[] data;

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-checkpoint-");
        data = Served.random(SIZE, 71);
        Served.put(served, "c.bin", data);
        server = Fixtures.server(served, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Sample(long nanos, long claimed, long progress) {
    }

    List<Sample> sampled(Path out, Duration checkpoint) throws Exception {
        Path target = out.resolve("c.bin");
        List<Sample> samples = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        Recorder rec = new Recorder();
        long t0 = System.nanoTime();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                try {
                    DownloadListener.Progress p = rec.lastProgress;
                    Optional<DownloadState> s = Fixtures.state(target);
                    if (s.isPresent()) {
                        String wrong = Fixtures.claimsHold(s.get(), Fixtures.part(target), data);
                        if (wrong != null) {
                            problems.add(wrong);
                        }
                        samples.add(new Sample(System.nanoTime() - t0, s.get().held().size(),
                                p == null ? 0 : p.held()));
                    }
                    Thread.sleep(50);
                } catch (java.nio.file.NoSuchFileException e) {
                    // renamed away between two reads at the end
                } catch (Exception e) {
                    if (!done.get()) {
                        problems.add(e.toString());
                    }
                }
            }
        });
        sampler.start();
        try (Downloader d = Fixtures.downloader(rec, DownloadOptions.builder().minSplit(256 << 10).connections(4)
                .limitRate(RATE).checkpoint(checkpoint).build())) {
            DownloadListener.Finished f = d.download(URI.create(server.url() + "c.bin"), Destination.file(target));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        } finally {
            done.set(true);
            sampler.join();
        }
        assertThat(problems).isEmpty();
        return samples;
    }

    /** The longest time the claimed size stayed the same while the download ran. */
    static long longestStillNanos(List<Sample> samples) {
        long longest = 0;
        long since = samples.get(0).nanos();
        long last = samples.get(0).claimed();
        for (Sample s : samples) {
            if (s.claimed() != last) {
                longest = Math.max(longest, s.nanos() - since);
                since = s.nanos();
                last = s.claimed();
            }
        }
        return longest;
    }

    @Test
    void theControlFileClaimsOnlyWrittenBytesAndFollowsEverySecond(@TempDir Path out) throws Exception {
        List<Sample> samples = sampled(out, Duration.ofSeconds(1));
        assertThat(samples.size()).isGreaterThan(20);
        // the first control file within about a second of the start
        assertThat(samples.get(0).nanos()).isLessThan(Duration.ofMillis(1800).toNanos());
        List<Long> distinct = new ArrayList<>();
        samples.stream().map(Sample::claimed).distinct().forEach(distinct::add);
        assertThat(distinct.size()).isGreaterThanOrEqualTo(3);
        assertThat(longestStillNanos(samples)).isLessThan(Duration.ofMillis(1700).toNanos());
        // what the control file claims lags what was written by about a checkpoint interval at most
        for (Sample s : samples) {
            assertThat(s.progress() - s.claimed()).as("lag at %d ms", s.nanos() / 1_000_000)
                    .isLessThanOrEqualTo((long) (RATE * 1.7) + (512 << 10));
        }
    }

    @Test
    void aShorterCheckpointIntervalIsHonoured(@TempDir Path out) throws Exception {
        List<Sample> samples = sampled(out, Duration.ofMillis(200));
        assertThat(longestStillNanos(samples)).isLessThan(Duration.ofMillis(700).toNanos());
        assertThat(samples.stream().map(Sample::claimed).distinct().count()).isGreaterThanOrEqualTo(8);
    }
}
