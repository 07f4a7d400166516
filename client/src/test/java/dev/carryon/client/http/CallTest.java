package dev.carryon.client.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a call hands a body from the event loop to its reader: small pieces (HTTP/2 DATA frames) merged into
 * fewer, larger ones, large pieces passed on as they are, and never a byte out of order.
 */
class CallTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Call call = new Call(channel, Duration.ofSeconds(5), Duration.ofSeconds(5), false, (c, r) -> { });

    private List<Integer> readAll(ByteArrayOutputStream into) throws IOException {
        List<Integer> pieces = new ArrayList<>();
        BodyPiece b;
        while ((b = call.read()) != null) {
            pieces.add(b.remaining());
            byte[] bytes = new byte[b.remaining()];
            b.buffer().get(bytes);
            into.write(bytes);
            b.close();
        }
        return pieces;
    }

    @Test
    void smallPiecesOfOneReadBurstReachTheReaderAsOne() throws IOException {
        call.onHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        byte[] body = new byte[16 * 8192];
        new Random(1).nextBytes(body);
        for (int i = 0; i < 16; i++) {
            call.onContent(Unpooled.wrappedBuffer(body, i * 8192, 8192));
        }
        call.readComplete();
        call.onEnd();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertThat(readAll(got)).containsExactly(16 * 8192);
        assertThat(got.toByteArray()).isEqualTo(body);
    }

    @Test
    void piecesOfEverySizeKeepTheirOrder() throws IOException {
        call.onHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        Random random = new Random(7);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        int[] sizes = {100, 65536, 8192, 200_000, 16384, 16384, 70_000, 1, 262_144, 5, 262_143, 64 << 10, 3};
        for (int i = 0; i < sizes.length; i++) {
            byte[] piece = new byte[sizes[i]];
            random.nextBytes(piece);
            sent.writeBytes(piece);
            call.onContent(Unpooled.wrappedBuffer(piece));
            if (i % 4 == 3) {
                call.readComplete();
            }
        }
        call.onEnd();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        List<Integer> pieces = readAll(got);
        assertThat(got.toByteArray()).isEqualTo(sent.toByteArray());
        assertThat(pieces).hasSizeLessThan(sizes.length);
    }

    @Test
    void bytesMergedBeforeAFailureStillReachTheReader() throws IOException {
        call.onHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        call.onContent(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        call.onError(new IOException("cut"));
        BodyPiece b = call.read();
        assertThat(b.remaining()).isEqualTo(3);
        b.close();
        assertThatThrownBy(call::read).hasMessage("cut");
    }
}
