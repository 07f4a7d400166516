package dev.carryon.server.transport;

import dev.carryon.server.testing.H2Socket;
import dev.carryon.server.testing.H2Wire;
import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's connection error is answered with a GOAWAY that names it (RFC 9113 section 5.4.1), then a close.
 * Found by Http2FuzzTest: every GOAWAY the server sent said NO_ERROR, because the pipeline's last handler closed
 * the connection, gracefully, before the codec sent its own.
 */
@Timeout(30)
class Http2GoAwayTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "a PING of 7 bytes,                          00000706000000000000000000000000, 6",
        "a window update past 2^31-1,                000004080000000000" + "7fffffff, 3",
        "SETTINGS on a stream,                       000000040000000001, 1",
        "a frame past the max frame size,            01117000000000000100, 6",
        "a header block that is not HPACK,           00000401050000000" + "1ffffffff, 9",
    })
    void aConnectionErrorIsAnsweredWithAGoAwayThatNamesIt(String what, String frame, long code) {
        try (LogCapture log = LogCapture.start(); H2Socket h2 = new H2Socket(server.port(), 1 << 20)) {
            h2.send(HexFormat.of().parseHex(frame));
            List<H2Wire.Frame> frames = h2.until(f -> false); // to the close
            assertThat(h2.closedByServer()).as("closed: %s", frames).isTrue();
            H2Wire.Frame goAway = frames.stream().filter(f -> f.type() == H2Wire.GOAWAY).findFirst().orElseThrow(
                    () -> new AssertionError("no GOAWAY: " + frames));
            assertThat(goAway.errorCode()).as("%s", goAway).isEqualTo(code);
            assertThat(log.trouble()).isEmpty();
        }
    }
}
