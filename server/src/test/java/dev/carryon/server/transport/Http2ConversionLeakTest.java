package dev.carryon.server.transport;

import dev.carryon.server.testing.H2Socket;
import dev.carryon.server.testing.H2Wire;
import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.Poll;
import dev.carryon.server.testing.TestServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bodiless HTTP/2 request whose head cannot become an HTTP/1 request line is reset (PROTOCOL_ERROR) and leaks
 * nothing. Found by Http2FuzzTest: Netty's conversion allocated the full request's buffer before checking the
 * head, and lost it when the check threw; Netty's leak detector (here at paranoid, so that every buffer is
 * tracked) reported it once the buffer was collected.
 */
@Timeout(60)
class Http2ConversionLeakTest {

    @Test
    void malformedBodilessRequestsAreResetAndLeakNothing() {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try (LogCapture log = LogCapture.start(); TestServer server = TestServer.start();
             H2Socket h2 = new H2Socket(server.port(), 1 << 20)) {
            List<Http2Headers> heads = List.of(
                    new DefaultHttp2Headers(false).method("GET").scheme("http").authority("x").path("/a b"),
                    new DefaultHttp2Headers(false).method("GET").scheme("http").authority("x").path("/a\u0001"),
                    new DefaultHttp2Headers(false).method("G T").scheme("http").authority("x").path("/"),
                    new DefaultHttp2Headers(false).method("GET").scheme("http").authority("x"),
                    new DefaultHttp2Headers(false).scheme("http").authority("x").path("/").status("200"));
            int stream = 1;
            for (int round = 0; round < 4; round++) {
                for (Http2Headers head : heads) {
                    int s = stream;
                    h2.send(h2.wire().headers(s, head, true));
                    List<H2Wire.Frame> frames = h2.until(f -> H2Socket.ended(f, s));
                    assertThat(H2Socket.reset(frames, s)).as("stream %d (%s): %s", s, head, frames).isEqualTo(1);
                    stream += 2;
                }
            }
            // The detector reports a buffer once it has been collected, when a buffer is next allocated.
            Poll.until(Duration.ofSeconds(3), () -> {
                System.gc();
                ByteBufAllocator.DEFAULT.directBuffer(16).release();
                return log.lines().stream().anyMatch(l -> l.contains("LEAK"));
            }, leaked -> leaked);
            assertThat(log.trouble()).isEmpty();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }
}
