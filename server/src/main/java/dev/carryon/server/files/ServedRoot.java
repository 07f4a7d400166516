package dev.carryon.server.files;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.carryon.core.path.RequestPath;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/**
 * The directory being served, and the rules for what a request may reach in it: nothing outside it (also
 * not through a symbolic link, unless allowed), nothing in the state directory, nothing hidden unless allowed.
 */
public final class ServedRoot {

    /** The outcome of looking up a request path. */
    public sealed interface Lookup {
    }

    /** An existing file or directory, at a path that is safe to open, with its attributes as looked up. */
    public record Found(Path path, BasicFileAttributes attributes) implements Lookup {
        public boolean isDirectory() {
            return attributes.isDirectory();
        }
    }

    /** 404, with the reason for the body. */
    public record NotFound(String reason) implements Lookup {
    }

    /** 403, with the reason for the body. */
    public record Forbidden(String reason) implements Lookup {
    }

    private static final NotFound NOT_FOUND = new NotFound("no such file or directory");

    private final Path root;
    private final Path realRoot;
    private final Path stateDir;
    private final Path realStateDir;
    private final boolean followSymlinks;
    private final boolean serveHidden;
    private final Cache<Path, Boolean> verifiedDirectories = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(1)).maximumSize(10_000).build();

    /**
     * @param stateDir must exist, so that its real path is known
     */
    public ServedRoot(Path root, Path stateDir, boolean followSymlinks, boolean serveHidden) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.realRoot = root.toRealPath();
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.realStateDir = stateDir.toRealPath();
        this.followSymlinks = followSymlinks;
        this.serveHidden = serveHidden;
    }

    public Path root() {
        return realRoot;
    }

    public Lookup lookup(RequestPath.Parsed request) {
        Path candidate = root;
        for (String segment : request.segments()) {
            if (!serveHidden && segment.startsWith(".")) {
                return NOT_FOUND;
            }
            candidate = candidate.resolve(segment);
        }
        if (candidate.startsWith(stateDir)) {
            return NOT_FOUND;
        }
        try {
            if (followSymlinks) {
                // Links may lead anywhere but into the state directory.
                if (candidate.toRealPath().startsWith(realStateDir)) {
                    return NOT_FOUND;
                }
                return new Found(candidate, Files.readAttributes(candidate, BasicFileAttributes.class));
            }
            // The common case costs one lstat: the name itself is no link, and its directory is known to lie
            // inside the root and outside the state directory (checked at most once a second per directory).
            BasicFileAttributes own = Files.readAttributes(candidate, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!own.isSymbolicLink() && (candidate.equals(root) || directoryIsInside(candidate.getParent()))) {
                return new Found(candidate, own);
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(realRoot)) {
                return new Forbidden("a symbolic link leads outside the served directory");
            }
            if (real.startsWith(realStateDir)) {
                return NOT_FOUND;
            }
            return new Found(real, Files.readAttributes(real, BasicFileAttributes.class));
        } catch (NoSuchFileException | NotDirectoryException e) {
            return NOT_FOUND;
        } catch (AccessDeniedException e) {
            return new Forbidden("permission denied");
        } catch (FileSystemException e) {
            // ENOTDIR, ELOOP, ENAMETOOLONG and the like: the name does not lead to a file.
            return NOT_FOUND;
        } catch (IOException e) {
            return new NotFound("cannot be read: " + e.getMessage());
        }
    }

    /**
     * Whether a directory under the root, reached by name, really lies inside the root and outside the state
     * directory, whatever links its path holds. Remembered for a second: a link swapped in meanwhile is seen
     * within that second (someone who can do that can write files into the root anyway).
     */
    private boolean directoryIsInside(Path dir) throws IOException {
        Boolean known = verifiedDirectories.getIfPresent(dir);
        if (known != null) {
            return known;
        }
        Path real = dir.toRealPath();
        boolean inside = real.startsWith(realRoot) && !real.startsWith(realStateDir);
        verifiedDirectories.put(dir, inside);
        return inside;
    }

    /**
     * Whether a directory entry may be shown in a listing: what {@link #lookup} would serve, judged from the
     * entry itself.
     */
    public boolean listable(Path entry) {
        String name = entry.getFileName().toString();
        if (!serveHidden && name.startsWith(".")) {
            return false;
        }
        Path normal = entry.toAbsolutePath().normalize();
        if (normal.startsWith(stateDir) || normal.startsWith(realStateDir)) {
            return false;
        }
        if (!followSymlinks && !Files.isSymbolicLink(entry)) {
            return true; // the listed directory is a real path then, so the checks above saw the real one
        }
        try {
            Path real = entry.toRealPath();
            return (followSymlinks || real.startsWith(realRoot)) && !real.startsWith(realStateDir);
        } catch (IOException e) {
            return false;
        }
    }

    /** Attributes of an entry for a listing, following links as a request would. */
    public static BasicFileAttributes attributes(Path entry) throws IOException {
        return Files.readAttributes(entry, BasicFileAttributes.class);
    }
}
