package dev.carryon.client.upload;

import dev.carryon.client.TransferException;
import dev.carryon.client.http.ClientConfig;
import dev.carryon.client.http.HttpClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Resumable uploads to any tus 1.0.0 server, carryon's first: rerunning the same upload resumes it, also after a
 * crash of either side; per-chunk checksums where the server offers them; parallel parts where it offers
 * concatenation.
 *
 * <pre>{@code
 * try (Uploader uploader = Uploader.builder()
 *         .options(UploadOptions.builder().token(System.getenv("CARRYON_TOKEN")).build())
 *         .listener(new UploadListener() {
 *             public void progress(Progress p) { System.out.printf("%d of %d%n", p.acknowledged(), p.length()); }
 *         })
 *         .build()) {
 *     URI where = uploader.upload(Path.of("backup.tar"), URI.create("http://127.0.0.1:8080/uploads/")).upload();
 * }
 * }</pre>
 */
public final class Uploader implements AutoCloseable {

    private final HttpClient client;
    private final UploadOptions options;
    private final UploadListener listener;
    private final ResumeStore store;

    private Uploader(HttpClient client, UploadOptions options, UploadListener listener) {
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.store = new ResumeStore(options.stateDir());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Uploads {@code file} to the tus creation endpoint {@code endpoint}, resuming an earlier attempt. */
    public UploadListener.Finished upload(Path file, URI endpoint) throws TransferException {
        String scheme = endpoint.getScheme();
        if (scheme == null || endpoint.getHost() == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new TransferException(TransferException.Kind.USAGE, "'" + endpoint + "' is not an http or https URL");
        }
        return new UploadJob(client, options, listener, store, file, endpoint).run();
    }

    @Override
    public void close() {
        client.close();
    }

    public static final class Builder {
        private ClientConfig client = ClientConfig.builder().build();
        private UploadOptions options = UploadOptions.builder().build();
        private UploadListener listener = new UploadListener() {
        };

        public Builder client(ClientConfig v) {
            client = v;
            return this;
        }

        public Builder options(UploadOptions v) {
            options = v;
            return this;
        }

        public Builder listener(UploadListener v) {
            listener = v;
            return this;
        }

        public Uploader build() throws IOException {
            ClientConfig c = options.limitRate() > 0 && client.writeLimit() == 0
                    ? new ClientConfig(client.connectTimeout(), client.responseTimeout(), client.stallTimeout(),
                    client.perHostConnections(), client.proxy(), client.noProxy(), client.environment(),
                    client.insecure(), client.caCertificates(), client.http2(), client.userAgent(), options.limitRate())
                    : client;
            return new Uploader(new HttpClient(c), options, listener);
        }
    }
}
