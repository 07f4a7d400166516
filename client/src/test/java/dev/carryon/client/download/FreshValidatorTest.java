package dev.carryon.client.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.carryon.client.testing.Fixtures;
import dev.carryon.client.testing.Recorder;
import dev.carryon.client.testing.Served;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that, like Apache, does not trust the date of a file changed within the last second: it answers
 * every If-Range with the whole file, although carryon's one-second test (RFC 9110 section 8.8.2.2, on the
 * seconds of Date and Last-Modified) already calls the date strong. Apache with {@code FileETag None} (common
 * behind balancers) sends only that date. (With its default ETag, which is weak in that second, carryon sends
 * no date in If-Range at all: RFC 9110 section 13.1.5 forbids a date when an entity tag is known.) Starting
 * over on each such 200 made {@code get -x 8} restart dozens of times; the answer is a short wait.
 */
@Timeout(60)
class FreshValidatorTest {

    private static final int SIZE = 8 << 20;
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final byte[] data = Served.random(SIZE, 131);
    private final AtomicInteger wholeToRanges = new AtomicInteger();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /**
     * Apache's rule: the file's mtime is a millisecond before a whole second S, and the first request is
     * answered 50 ms after S (the server holds it until then). Until S + 999 ms the file is less than a second
     * old, so every If-Range is answered with the whole file, while Date (S) and
     * Last-Modified (S - 1) are a second apart, which RFC 9110's test on seconds calls strong. The clock starts
     * at the first request, so that a slow JVM start cannot let the window pass unseen.
     */
    private URI apacheLike() throws IOException {
        AtomicReference<Instant> mtime = new AtomicReference<>();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(12));
        server.createContext("/f.bin", exchange -> {
            try (exchange) {
                synchronized (mtime) {
                    if (mtime.get() == null) {
                        Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
                        pause(Duration.between(Instant.now(), second.plusMillis(50)).toMillis());
                        mtime.set(second.minusMillis(1));
                    }
                }
                Instant now = Instant.now();
                boolean fresh = Duration.between(mtime.get(), now).compareTo(Duration.ofSeconds(1)) < 0;
                answer(exchange, fresh, HTTP_DATE.format(mtime.get()), now);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/f.bin");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(HttpExchange exchange, boolean fresh, String lastModified, Instant now) throws IOException {
        var h = exchange.getResponseHeaders();
        h.set("Last-Modified", lastModified);
        h.set("Accept-Ranges", "bytes");
        h.set("Date", HTTP_DATE.format(now));
        String range = exchange.getRequestHeaders().getFirst("Range");
        String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        boolean ranged = m != null && m.matches()
                && (ifRange == null || !fresh && ifRange.equals(lastModified));
        if (m != null && m.matches() && !ranged) {
            wholeToRanges.incrementAndGet();
        }
        long first = ranged ? Long.parseLong(m.group(1)) : 0;
        long last = ranged && !m.group(2).isEmpty() ? Math.min(Long.parseLong(m.group(2)), SIZE - 1) : SIZE - 1;
        if (ranged) {
            h.set("Content-Range", "bytes " + first + "-" + last + "/" + SIZE);
        }
        exchange.sendResponseHeaders(ranged ? 206 : 200, last - first + 1);
        OutputStream out = exchange.getResponseBody();
        // about 4 MiB/s per connection, so that the transfer outlasts the server's distrust
        for (long at = first; at <= last; at += 64 << 10) {
            out.write(data, (int) at, (int) Math.min(64 << 10, last + 1 - at));
            try {
                Thread.sleep(15);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void aDeclinedIfRangeForAnUnchangedFileIsWaitedOutNotRestarted(@TempDir Path out) throws Exception {
        URI url = apacheLike();
        Recorder rec = new Recorder();
        DownloadOptions options = DownloadOptions.builder().connections(8).minSplit(256 << 10).build();
        try (Downloader d = Fixtures.downloader(rec, options)) {
            DownloadListener.Finished f = d.download(url, Destination.directory(out));
            assertThat(Served.sha256(f.file())).isEqualTo(Served.sha256(data));
        }
        assertThat(wholeToRanges.get()).as("the server declined ranged requests").isPositive();
        assertThat(rec.notices).noneMatch(n -> n.contains("starting over"));
        assertThat(rec.retries).isNotEmpty().allMatch(r -> r.reason().contains("does not trust the validator"));
        assertThat(rec.started.get(0).validator()).startsWith("strong Last-Modified");
    }
}
