package dev.carryon.client.upload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to upload.
 *
 * @param chunkSize   bytes per PATCH; 0 sends the rest of the file in one (smaller chunks suit proxies with body limits)
 * @param limitRate   bytes per second, 0 for no limit
 * @param connections parallel parts (tus concatenation) when the server offers it
 * @param metadata    Upload-Metadata pairs besides {@code filename}
 * @param token       sent as {@code Authorization: Bearer TOKEN}, or null
 * @param checksums   send per-chunk checksums when the server offers the checksum extension
 * @param stateDir    where upload URLs are remembered for resuming
 */
public record UploadOptions(long chunkSize, long limitRate, int connections, Map<String, String> metadata,
                            List<String[]> headers, String token, int retries, boolean checksums, Path stateDir) {

    public UploadOptions {
        metadata = Map.copyOf(metadata);
        headers = List.copyOf(headers);
        if (connections < 1 || chunkSize < 0 || retries < 0) {
            throw new IllegalArgumentException("connections >= 1, chunk size >= 0, retries >= 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where upload URLs are kept by default: $XDG_STATE_HOME/carryon/put, else ~/.local/state/carryon/put. */
    public static Path defaultStateDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("carryon").resolve("put");
    }

    public static final class Builder {
        private long chunkSize;
        private long limitRate;
        private int connections = 1;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final List<String[]> headers = new ArrayList<>();
        private String token;
        private int retries = 10;
        private boolean checksums = true;
        private Path stateDir = defaultStateDir();

        public Builder chunkSize(long v) { chunkSize = v; return this; }
        public Builder limitRate(long v) { limitRate = v; return this; }
        public Builder connections(int v) { connections = v; return this; }
        public Builder metadata(String key, String value) { metadata.put(key, value); return this; }
        public Builder header(String name, String value) { headers.add(new String[] {name, value}); return this; }
        public Builder token(String v) { token = v; return this; }
        public Builder retries(int v) { retries = v; return this; }
        public Builder checksums(boolean v) { checksums = v; return this; }
        public Builder stateDir(Path v) { stateDir = v; return this; }

        public UploadOptions build() {
            return new UploadOptions(chunkSize, limitRate, connections, metadata, headers, token, retries, checksums,
                    stateDir);
        }
    }
}
