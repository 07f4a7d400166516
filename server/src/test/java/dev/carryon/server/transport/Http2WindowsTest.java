package dev.carryon.server.transport;

import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an HTTP/2 client may send carryon serve before waiting for a window update: read from the server's first
 * frames on a raw h2c connection. The defaults (64 KiB per stream and per connection) allow one window per round
 * trip, 1.3 MB/s for an upload from a browser 50 ms away.
 */
@Timeout(30)
class Http2WindowsTest {

    private static final int SETTINGS = 0x4;
    private static final int WINDOW_UPDATE = 0x8;

    @Test
    void uploadStreamsMayHaveAMebibyteInFlightAndTheConnectionFour() throws IOException {
        try (TestServer server = TestServer.start(); Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, SETTINGS, 0, 0, 0, 0, 0}); // our SETTINGS, empty
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            Map<Integer, Long> settings = new HashMap<>();
            long connectionIncrement = -1;
            for (int frames = 0; frames < 6 && (settings.isEmpty() || connectionIncrement < 0); frames++) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                if (type == SETTINGS && (flags & 1) == 0) {
                    for (int i = 0; i + 6 <= length; i += 6) {
                        int id = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
                        long value = ((payload[i + 2] & 0xffL) << 24) | ((payload[i + 3] & 0xffL) << 16)
                                | ((payload[i + 4] & 0xffL) << 8) | (payload[i + 5] & 0xffL);
                        settings.put(id, value);
                    }
                } else if (type == WINDOW_UPDATE && stream == 0) {
                    connectionIncrement = ((payload[0] & 0x7fL) << 24) | ((payload[1] & 0xffL) << 16)
                            | ((payload[2] & 0xffL) << 8) | (payload[3] & 0xffL);
                }
            }
            assertThat(settings).containsEntry(0x4, 1L << 20) // SETTINGS_INITIAL_WINDOW_SIZE
                    .containsEntry(0x5, 64L << 10);            // SETTINGS_MAX_FRAME_SIZE
            // Netty's flow controller opens about half of the 4 MiB at first and tops the window up as it is used;
            // what matters is that a whole stream window fits in it, where 64 KiB held not one.
            assertThat(connectionIncrement + 65_535).isGreaterThan(1L << 20);
        }
    }
}
