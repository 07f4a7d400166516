package dev.carryon.server.transport;

import dev.carryon.server.testing.H2Wire;
import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes a client sends right behind an {@code Upgrade: h2c} request, before the 101 came back: its preface and
 * first frames in the same segment as the request (RFC 7540 section 3.2 lets a client send them as soon as it
 * has sent the request; curl and others do, to save a round trip), or after a request body. The HTTP/1.1 decoder
 * had read them along with the request, and when it left the pipeline for the upgrade it handed them to the next
 * handler, the HTTP/1.1 router, which dropped them: the connection then waited for a preface it had already
 * been sent, until its idle timeout.
 */
@Timeout(30)
class H2cUpgradeTest {

    static final byte[] SMALL = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        TestFiles.aged(server.file("small.txt", SMALL));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String UPGRADE = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n";

    static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority("x").path(path);
    }

    @Test
    void thePrefaceAndFramesInTheSameWriteAsTheUpgradeRequestAreRead() throws Exception {
        try (LogCapture log = LogCapture.start(); H2Wire wire = new H2Wire(); Socket s = connect()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("GET /small.txt HTTP/1.1\r\nHost: x\r\n" + UPGRADE + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(H2Wire.PREFACE);
            out.writeBytes(wire.settings(new Http2Settings()));
            out.writeBytes(wire.headers(3, get("/small.txt"), true));
            out.writeBytes(wire.ping(false, 42));
            s.getOutputStream().write(out.toByteArray());

            List<H2Wire.Frame> frames = readUntil(s, f -> answered(f, 1) && answered(f, 3) && has(f, H2Wire.PING, 1)
                    && has(f, H2Wire.SETTINGS, 1));
            assertThat(answered(frames, 1)).as("the upgraded request, stream 1: %s", frames).isTrue();
            assertThat(has(frames, H2Wire.SETTINGS, 1)).as("our SETTINGS acknowledged: %s", frames).isTrue();
            assertThat(answered(frames, 3)).as("the request sent behind the upgrade, stream 3: %s", frames).isTrue();
            assertThat(has(frames, H2Wire.PING, 1)).as("the PING answered: %s", frames).isTrue();
            assertThat(status(frames, 3)).isEqualTo(200);
            assertThat(log.trouble()).isEmpty();
        }
    }

    @Test
    void thePrefaceAfterTheBodyOfAnUpgradeRequestIsReadAndTheBodyArrives() throws Exception {
        byte[] body = "twelve bytes".getBytes(StandardCharsets.US_ASCII);
        try (LogCapture log = LogCapture.start(); H2Wire wire = new H2Wire(); Socket s = connect()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("POST /uploads/ HTTP/1.1\r\nHost: x\r\n" + UPGRADE + "Tus-Resumable: 1.0.0\r\n"
                    + "Upload-Length: " + body.length + "\r\nContent-Type: application/offset+octet-stream\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // The head alone first, the body and the preface together: the decoder holds the rest of a segment.
            s.getOutputStream().write(out.toByteArray());
            s.getOutputStream().flush();
            out.reset();
            out.writeBytes(body);
            out.writeBytes(H2Wire.PREFACE);
            out.writeBytes(wire.settings(new Http2Settings()));
            out.writeBytes(wire.headers(3, get("/small.txt"), true));
            s.getOutputStream().write(out.toByteArray());

            List<H2Wire.Frame> frames = readUntil(s, f -> answered(f, 1) && answered(f, 3));
            assertThat(status(frames, 1)).as("the creation with its body, stream 1: %s", frames).isEqualTo(201);
            H2Wire.Frame created = frames.stream().filter(f -> f.stream() == 1 && f.type() == H2Wire.HEADERS)
                    .findFirst().orElseThrow();
            assertThat(created.headers().get("upload-offset")).hasToString(Integer.toString(body.length));
            assertThat(answered(frames, 3)).as("the request sent behind the body, stream 3: %s", frames).isTrue();
            assertThat(log.trouble()).isEmpty();
        }
    }

    /**
     * curl (7.88) keeps 32 KiB for what follows a 101 and fails ("connection buffer size is too small") when more
     * arrives in one read, which the first 64 KiB window of the answer did: stream 1 is answered once the client's
     * preface has come, which it sends as soon as it has the 101.
     */
    @Test
    void theUpgradedRequestIsAnsweredOnceTheClientsPrefaceHasCome() throws Exception {
        try (LogCapture log = LogCapture.start(); H2Wire wire = new H2Wire(); Socket s = connect();
             H2Wire.Reader reader = new H2Wire.Reader()) {
            s.getOutputStream().write(("GET /small.txt HTTP/1.1\r\nHost: x\r\n" + UPGRADE + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("the 101's head, got %s", head).isNotNegative();
                head.write(b);
            }
            assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101");
            byte[] buf = new byte[65536];
            s.setSoTimeout(300);
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    reader.feed(buf, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                // what the server sends before the client's preface has all come
            }
            assertThat(reader.frames()).as("before the preface: our SETTINGS only").isNotEmpty()
                    .allSatisfy(f -> assertThat(f.stream()).isZero());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(H2Wire.PREFACE);
            out.writeBytes(wire.settings(new Http2Settings()));
            s.getOutputStream().write(out.toByteArray());
            s.setSoTimeout(5_000);
            while (!answered(reader.frames(), 1)) {
                int n = in.read(buf);
                assertThat(n).as("stream 1 answered: %s", reader.frames()).isPositive();
                reader.feed(buf, 0, n);
            }
            assertThat(status(reader.frames(), 1)).isEqualTo(200);
            assertThat(log.trouble()).isEmpty();
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(5_000);
        return s;
    }

    /** Reads the 101, then frames until {@code done} holds of them, the server closes, or it is silent for 5 s. */
    static List<H2Wire.Frame> readUntil(Socket s, Predicate<List<H2Wire.Frame>> done) throws Exception {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the 101's head, got %s", head).isNotNegative();
            head.write(b);
        }
        assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101");
        try (H2Wire.Reader reader = new H2Wire.Reader()) {
            byte[] buf = new byte[65536];
            while (!done.test(reader.frames())) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                reader.feed(buf, 0, n);
            }
            return new ArrayList<>(reader.frames());
        }
    }

    static boolean answered(List<H2Wire.Frame> frames, int stream) {
        return frames.stream().anyMatch(f -> f.stream() == stream && f.endStream());
    }

    static boolean has(List<H2Wire.Frame> frames, int type, int flags) {
        return frames.stream().anyMatch(f -> f.type() == type && f.flags() == flags);
    }

    static int status(List<H2Wire.Frame> frames, int stream) {
        return frames.stream().filter(f -> f.stream() == stream && f.type() == H2Wire.HEADERS).findFirst()
                .map(H2Wire.Frame::status).orElse(-1);
    }
}
