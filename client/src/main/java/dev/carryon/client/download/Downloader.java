package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.http.ClientConfig;
import dev.carryon.client.http.HttpClient;

import java.io.IOException;
import java.net.URI;
import java.util.Objects;

/**
 * Downloads that resume after any break or crash and never end with bytes of two versions of a file.
 *
 * <pre>{@code
 * try (Downloader downloader = Downloader.builder()
 *         .options(DownloadOptions.builder().connections(8).build())
 *         .listener(new DownloadListener() {
 *             public void progress(Progress p) { System.out.printf("%d of %d%n", p.held(), p.length()); }
 *         })
 *         .build()) {
 *     downloader.download(URI.create("https://example.com/big.iso"), Destination.directory(Path.of(".")));
 * }
 * }</pre>
 *
 * One downloader shares its connections (and its rate limit) among the downloads it runs, also concurrently.
 */
public final class Downloader implements AutoCloseable {

    private final HttpClient client;
    private final DownloadOptions options;
    private final DownloadListener listener;
    private final RateLimiter limiter;

    private Downloader(HttpClient client, DownloadOptions options, DownloadListener listener) {
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.limiter = new RateLimiter(options.limitRate());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Downloads {@code url} to {@code destination}, resuming what an earlier run left there. Returns when the
     * file is complete, verified and in place; throws {@link TransferException} saying why not otherwise.
     */
    public DownloadListener.Finished download(URI url, Destination destination) throws TransferException {
        Objects.requireNonNull(url);
        try {
            dev.carryon.client.http.Endpoint.of(url);
        } catch (IllegalArgumentException e) {
            throw new TransferException(TransferException.Kind.USAGE, e.getMessage());
        }
        return new DownloadJob(client, options, listener, limiter, url, destination).run();
    }

    @Override
    public void close() {
        client.close();
    }

    public static final class Builder {
        private ClientConfig client = ClientConfig.builder().build();
        private DownloadOptions options = DownloadOptions.builder().build();
        private DownloadListener listener = new DownloadListener() {
        };

        public Builder client(ClientConfig v) {
            client = v;
            return this;
        }

        public Builder options(DownloadOptions v) {
            options = v;
            return this;
        }

        public Builder listener(DownloadListener v) {
            listener = v;
            return this;
        }

        public Downloader build() throws IOException {
            return new Downloader(new HttpClient(client), options, listener);
        }
    }
}
