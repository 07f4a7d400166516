package dev.carryon.client.testing;

import dev.carryon.client.testing.FaultProxy.Fault;
import dev.carryon.server.CarryonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test proxy itself: it passes what it should, injects what it is told, and stops without leftovers. */
@Timeout(30)
class FaultProxyTest {

    static Path served;
    static CarryonServer server;
    static byte[] data;
    static final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void serve() throws Exception {
        served = Files.createTempDirectory("carryon-proxy-");
        data = Served.random(1 << 20, 141);
        Served.put(served, "p.bin", data);
        server = Fixtures.server(served, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> get(FaultProxy proxy, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(proxy.url() + "p.bin")).timeout(Duration.ofSeconds(10));
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void passesRequestsOnAKeptAliveConnectionAndInjectsScriptedFaults() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(server.address())) {
            proxy.script(Fault.pass(), Fault.pass().whole(), Fault.pass().corruptAt(10).dropValidators(),
                    Fault.unavailable(7), Fault.pass().contentRange(v -> "bytes 1-10/11"));
            HttpResponse<byte[]> plain = get(proxy, "bytes=0-99");
            assertThat(plain.statusCode()).isEqualTo(206);
            assertThat(plain.body()).isEqualTo(Arrays.copyOf(data, 100));

            HttpResponse<byte[]> whole = get(proxy, "bytes=0-99");
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(data);

            HttpResponse<byte[]> corrupt = get(proxy, null);
            assertThat(corrupt.headers().firstValue("etag")).isEmpty();
            assertThat(corrupt.headers().firstValue("last-modified")).isEmpty();
            assertThat(corrupt.body()[10]).isEqualTo((byte) ~data[10]);
            corrupt.body()[10] = data[10];
            assertThat(corrupt.body()).isEqualTo(data);

            HttpResponse<byte[]> busy = get(proxy, null);
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("retry-after")).contains("7");

            HttpResponse<byte[]> lie = get(proxy, "bytes=0-9");
            assertThat(lie.headers().firstValue("content-range")).contains("bytes 1-10/11");

            assertThat(proxy.exchanges()).extracting(FaultProxy.Exchange::status).containsExactly(206, 200, 200, 503, 206);
            assertThat(proxy.exchanges().get(1).request().header("Range")).isEqualTo("bytes=0-99");
            assertThat(proxy.count("GET")).isEqualTo(5);
        }
    }

    @Test
    void cutsAfterTheScriptedNumberOfBodyBytes() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(server.address())) {
            proxy.script(Fault.pass().cutAfter(1000));
            try (Socket s = new Socket("127.0.0.1", proxy.port())) {
                s.getOutputStream().write(("GET /p.bin HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] all = s.getInputStream().readAllBytes();
                String text = new String(all, StandardCharsets.ISO_8859_1);
                int body = text.indexOf("\r\n\r\n") + 4;
                assertThat(text).startsWith("HTTP/1.1 200");
                assertThat(all.length - body).isEqualTo(1000);
            }
            assertThat(proxy.exchanges().get(0).bodyBytes()).isEqualTo(1000);
        }
    }

    @Test
    void closeEndsStalledConnectionsAndEveryThread() throws Exception {
        FaultProxy proxy = FaultProxy.start(server.address());
        proxy.otherwise(r -> Fault.pass().stallAfter(100, Duration.ofMinutes(5)));
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.getOutputStream().write(("GET /p.bin HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        assertThat(in.read()).isEqualTo('H');
        long t0 = System.nanoTime();
        proxy.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("fault-proxy"));
        assertThatThrownBy(() -> {
            try (Socket again = new Socket("127.0.0.1", proxy.port())) {
                again.getInputStream().read();
            }
        }).isInstanceOf(IOException.class);
        s.close();
    }
}
