package dev.carryon.server.http;

import dev.carryon.server.testing.RawHttp;
import dev.carryon.server.testing.TestFiles;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServeSmokeTest {

    static TestServer server;
    static byte[] content = TestFiles.random(100_000, 1);

    @BeforeAll
    static void start() {
        server = TestServer.start();
        TestFiles.aged(server.file("data.bin", content));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void wholeFileOverOneKeepAliveConnectionTwice() {
        try (RawHttp http = server.raw()) {
            for (int i = 0; i < 2; i++) {
                RawHttp.Response r = http.get("/data.bin").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Content-Length")).isEqualTo("100000");
                assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
                assertThat(r.header("ETag")).matches("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"");
                assertThat(r.body()).isEqualTo(content);
            }
        }
    }

    @Test
    void singleRange() {
        RawHttp.Response r = RawHttp.exchange(server.port(),
                "GET /data.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.header("Content-Range")).isEqualTo("bytes 10-19/100000");
        assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 10, 20));
    }
}
