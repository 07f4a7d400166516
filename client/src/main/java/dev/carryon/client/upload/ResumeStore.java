package dev.carryon.client.upload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers which upload a local file is going to, so that rerunning the same command resumes it: one small text
 * file per (file, endpoint), holding the file's identity, size and modification time when the upload began and
 * the upload's URL (or its parts' URLs), and whether it completed. A file that changed since gets a new upload; a
 * completed one is not sent again.
 */
final class ResumeStore {

    /** What was recorded: the version of the file, where its bytes go, and whether they all arrived. */
    record Entry(String identity, long size, long mtimeNanos, String upload, List<String> parts, boolean complete) {
        boolean sameVersion(String identity, long size, long mtimeNanos) {
            return this.identity.equals(identity) && this.size == size && this.mtimeNanos == mtimeNanos;
        }
    }

    private final Path dir;

    ResumeStore(Path dir) {
        this.dir = dir;
    }

    Optional<Entry> find(Path file, String endpoint) {
        try {
            Map<String, String> v = new LinkedHashMap<>();
            for (String line : Files.readAllLines(path(file, endpoint), StandardCharsets.UTF_8)) {
                int sp = line.indexOf(' ');
                if (sp > 0) {
                    v.put(line.substring(0, sp), line.substring(sp + 1));
                }
            }
            List<String> parts = v.containsKey("parts") && !v.get("parts").isBlank()
                    ? List.of(v.get("parts").split(" ")) : List.of();
            return Optional.of(new Entry(v.getOrDefault("identity", ""), Long.parseLong(v.getOrDefault("size", "-1")),
                    Long.parseLong(v.getOrDefault("mtime-ns", "-1")), v.get("upload"), parts,
                    "yes".equals(v.get("complete"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: start afresh, which is always safe
        }
    }

    void save(Path file, String endpoint, Entry e) throws IOException {
        Files.createDirectories(dir);
        Path target = path(file, endpoint);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        List<String> lines = new ArrayList<>();
        lines.add("file " + file.toAbsolutePath());
        lines.add("endpoint " + endpoint);
        lines.add("identity " + e.identity());
        lines.add("size " + e.size());
        lines.add("mtime-ns " + e.mtimeNanos());
        if (e.upload() != null) {
            lines.add("upload " + e.upload());
        }
        if (!e.parts().isEmpty()) {
            lines.add("parts " + String.join(" ", e.parts()));
        }
        if (e.complete()) {
            lines.add("complete yes");
        }
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException x) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path path(Path file, String endpoint) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(
                    (file.toAbsolutePath().normalize() + "\n" + endpoint).getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(h, 0, 16) + ".upload");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
