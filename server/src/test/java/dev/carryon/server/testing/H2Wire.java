package dev.carryon.server.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/2 frames as bytes, for tests that speak HTTP/2 over a raw socket: a client side that writes well-formed
 * frames with Netty's own writer (its HPACK encoder keeps the dynamic table of one connection, so use one per
 * connection), raw frames of any length, type, flags and stream, and a reader of what the server sent back.
 * Netty's writer and reader want a channel context: an {@link EmbeddedChannel} provides one, nothing more.
 */
public final class H2Wire implements AutoCloseable {

    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
    // Headers are not checked against a size limit here: a test may send more than the server allows.
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter(Http2HeadersEncoder.NEVER_SENSITIVE, true);

    public byte[] settings(Http2Settings settings) {
        writer.writeSettings(ctx, settings, ctx.newPromise());
        return drain();
    }

    public byte[] settingsAck() {
        writer.writeSettingsAck(ctx, ctx.newPromise());
        return drain();
    }

    /** HEADERS (and CONTINUATIONs if the block exceeds 16 KiB), encoded with this connection's HPACK state. */
    public byte[] headers(int stream, Http2Headers headers, boolean endStream) {
        writer.writeHeaders(ctx, stream, headers, 0, endStream, ctx.newPromise());
        return drain();
    }

    public byte[] headers(int stream, Http2Headers headers, int padding, boolean endStream) {
        writer.writeHeaders(ctx, stream, headers, padding, endStream, ctx.newPromise());
        return drain();
    }

    public byte[] data(int stream, byte[] bytes, boolean endStream) {
        writer.writeData(ctx, stream, Unpooled.wrappedBuffer(bytes), 0, endStream, ctx.newPromise());
        return drain();
    }

    public byte[] rst(int stream, long errorCode) {
        writer.writeRstStream(ctx, stream, errorCode, ctx.newPromise());
        return drain();
    }

    public byte[] ping(boolean ack, long data) {
        writer.writePing(ctx, ack, data, ctx.newPromise());
        return drain();
    }

    public byte[] windowUpdate(int stream, int increment) {
        writer.writeWindowUpdate(ctx, stream, increment, ctx.newPromise());
        return drain();
    }

    public byte[] goAway(int lastStream, long errorCode) {
        writer.writeGoAway(ctx, lastStream, errorCode, Unpooled.EMPTY_BUFFER, ctx.newPromise());
        return drain();
    }

    public byte[] priority(int stream, int dependency, short weight, boolean exclusive) {
        writer.writePriority(ctx, stream, dependency, weight, exclusive, ctx.newPromise());
        return drain();
    }

    /** A frame exactly as given, whatever the rules: the length field is the payload's unless {@code length >= 0}. */
    public static byte[] frame(int length, int type, int flags, int stream, byte[] payload) {
        int declared = length >= 0 ? length : payload.length;
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (declared >>> 16);
        f[1] = (byte) (declared >>> 8);
        f[2] = (byte) declared;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    public static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return frame(-1, type, flags, stream, payload);
    }

    private byte[] drain() {
        channel.flush();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.writeBytes(bytes);
            } finally {
                b.release();
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        writer.close();
        channel.finishAndReleaseAll();
    }

    /** One frame the server sent, as much of it as the tests look at. */
    public record Frame(int type, int stream, int flags, Http2Headers headers, int dataLength, long errorCode,
                        int lastStream, int increment) {
        public boolean endStream() {
            return (type == DATA || type == HEADERS) && (flags & 0x1) != 0;
        }

        public int status() {
            CharSequence s = headers == null ? null : headers.status();
            return s == null ? -1 : Integer.parseInt(s.toString());
        }

        @Override
        public String toString() {
            return switch (type) {
                case DATA -> "DATA[" + stream + "] " + dataLength + (endStream() ? " END" : "");
                case HEADERS -> "HEADERS[" + stream + "] " + headers.status() + (endStream() ? " END" : "");
                case RST_STREAM -> "RST_STREAM[" + stream + "] " + errorCode;
                case SETTINGS -> (flags & 1) != 0 ? "SETTINGS ACK" : "SETTINGS";
                case PING -> (flags & 1) != 0 ? "PING ACK" : "PING";
                case GOAWAY -> "GOAWAY last " + lastStream + " error " + errorCode;
                case WINDOW_UPDATE -> "WINDOW_UPDATE[" + stream + "] " + increment;
                default -> "frame type " + type + "[" + stream + "]";
            };
        }
    }

    /**
     * Reads the server's frames as they come, with Netty's own reader (which validates them: what it refuses is
     * a malformed frame from the server) and an HPACK decoder that keeps the connection's table.
     */
    public static final class Reader implements AutoCloseable {
        private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
        private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(
                new DefaultHttp2HeadersDecoder(false, 1L << 20));
        private final ByteBuf pending = Unpooled.buffer();
        private final List<Frame> frames = new ArrayList<>();
        private final Listener listener = new Listener();

        public Reader() {
            try {
                reader.configuration().frameSizePolicy().maxFrameSize(Http2CodecUtil.MAX_FRAME_SIZE_UPPER_BOUND);
            } catch (Http2Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Adds bytes; returns the frames they completed. Throws the reader's error for a malformed frame. */
        public List<Frame> feed(byte[] bytes, int offset, int length) throws Http2Exception {
            pending.writeBytes(bytes, offset, length);
            int before = frames.size();
            reader.readFrame(ctx, pending, listener);
            pending.discardReadBytes();
            return List.copyOf(frames.subList(before, frames.size()));
        }

        public List<Frame> frames() {
            return frames;
        }

        @Override
        public void close() {
            reader.close();
            pending.release();
            channel.finishAndReleaseAll();
        }

        private final class Listener implements Http2FrameListener {
            @Override
            public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean endOfStream) {
                frames.add(new Frame(DATA, streamId, endOfStream ? 1 : 0, null, data.readableBytes(), 0, 0, 0));
                return data.readableBytes() + padding;
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
                                      boolean endOfStream) {
                frames.add(new Frame(HEADERS, streamId, endOfStream ? 1 : 0, headers, 0, 0, 0, 0));
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int streamDependency,
                                      short weight, boolean exclusive, int padding, boolean endOfStream) {
                onHeadersRead(c, streamId, headers, padding, endOfStream);
            }

            @Override
            public void onPriorityRead(ChannelHandlerContext c, int streamId, int streamDependency, short weight,
                                       boolean exclusive) {
                frames.add(new Frame(PRIORITY, streamId, 0, null, 0, 0, 0, 0));
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
                frames.add(new Frame(RST_STREAM, streamId, 0, null, 0, errorCode, 0, 0));
            }

            @Override
            public void onSettingsAckRead(ChannelHandlerContext c) {
                frames.add(new Frame(SETTINGS, 0, 1, null, 0, 0, 0, 0));
            }

            @Override
            public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
                frames.add(new Frame(SETTINGS, 0, 0, null, 0, 0, 0, 0));
            }

            @Override
            public void onPingRead(ChannelHandlerContext c, long data) {
                frames.add(new Frame(PING, 0, 0, null, 0, 0, 0, 0));
            }

            @Override
            public void onPingAckRead(ChannelHandlerContext c, long data) {
                frames.add(new Frame(PING, 0, 1, null, 0, 0, 0, 0));
            }

            @Override
            public void onPushPromiseRead(ChannelHandlerContext c, int streamId, int promisedStreamId,
                                          Http2Headers headers, int padding) {
                frames.add(new Frame(PUSH_PROMISE, streamId, 0, headers, 0, 0, promisedStreamId, 0));
            }

            @Override
            public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
                frames.add(new Frame(GOAWAY, 0, 0, null, 0, errorCode, lastStreamId, 0));
            }

            @Override
            public void onWindowUpdateRead(ChannelHandlerContext c, int streamId, int windowSizeIncrement) {
                frames.add(new Frame(WINDOW_UPDATE, streamId, 0, null, 0, 0, 0, windowSizeIncrement));
            }

            @Override
            public void onUnknownFrame(ChannelHandlerContext c, byte frameType, int streamId, Http2Flags flags,
                                       ByteBuf payload) {
                frames.add(new Frame(frameType & 0xff, streamId, flags.value(), null, payload.readableBytes(), 0, 0, 0));
            }
        }
    }
}
