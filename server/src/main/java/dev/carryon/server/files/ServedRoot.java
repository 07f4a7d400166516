package dev.carryon.server.files;

import dev.carryon.core.path.RequestPath;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The directory being served, and the rules for what a request may reach in it: nothing outside it (also
 * not through a symbolic link, unless allowed), nothing in the state directory, nothing hidden unless allowed.
 */
public final class ServedRoot {

    /** The outcome of looking up a request path. */
    public sealed interface Lookup {
    }

    /** An existing file or directory, at a path that is safe to open. */
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
            // Resolved even when links may be followed: a link (or a link to a directory above it) must not
            // lead into the state directory either.
            Path real = candidate.toRealPath();
            if (!followSymlinks && !real.startsWith(realRoot)) {
                return new Forbidden("a symbolic link leads outside the served directory");
            }
            if (real.startsWith(realStateDir)) {
                return NOT_FOUND;
            }
            Path target = followSymlinks ? candidate : real;
            return new Found(target, Files.readAttributes(target, BasicFileAttributes.class));
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
        if (!Files.isSymbolicLink(entry)) {
            return true;
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
