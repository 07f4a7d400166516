package dev.carryon.client.http;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * A request body that is a slice of a file. Sent with sendfile(2) where nothing needs to see the bytes; read
 * through the JVM when something does ({@code tap}: a hash computed while sending; {@code trailers}: fields sent
 * after the body, which needs chunked coding) or when TLS, HTTP/2 or a rate limit is in the way.
 *
 * @param tap      sees every byte as it is sent, or null
 * @param trailers computed once the body is sent (e.g. a checksum of it), or null for none
 * @param trailerNames the names of the trailer fields, announced in the head's {@code Trailer} field
 * @param sent     told how many more bytes left, as they leave, or null
 */
public record FileSlice(Path file, long offset, long length, Consumer<ByteBuffer> tap,
                        Supplier<List<String[]>> trailers, List<String> trailerNames, LongConsumer sent) {

    public FileSlice {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("slice " + offset + "+" + length);
        }
        trailerNames = trailerNames == null ? List.of() : List.copyOf(trailerNames);
        if (trailers != null && trailerNames.isEmpty()) {
            throw new IllegalArgumentException("trailers without the names to announce them by");
        }
    }

    public static FileSlice of(Path file, long offset, long length) {
        return new FileSlice(file, offset, length, null, null, null, null);
    }

    /** Whether the bytes must pass through the JVM. */
    boolean needsCopy() {
        return tap != null || trailers != null;
    }
}
