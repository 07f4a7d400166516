package dev.carryon.server.files;

import dev.carryon.core.media.MediaTypes;
import dev.carryon.core.path.RequestPath;
import dev.carryon.server.content.ContentEntry;
import dev.carryon.server.content.ContentLookup;
import dev.carryon.server.content.ContentPage;
import dev.carryon.server.content.PinnedContent;
import dev.carryon.server.content.ServedContent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Served content from a directory of the local file system: {@link ServedRoot}'s rules for what a request may
 * reach, versions named by size, modification time in nanoseconds and file identity (the ETags carryon has
 * always sent), and files opened as {@link OpenFile}s, which the transport may send with sendfile(2).
 *
 * <p>An entry's key is the path that is safe to open (a link inside the root already resolved).
 */
public final class LocalDirectory implements ServedContent {

    private static final Comparator<Path> BY_NAME = Comparator.comparing(p -> p.getFileName().toString());

    private final ServedRoot rules;

    public LocalDirectory(ServedRoot rules) {
        this.rules = rules;
    }

    /**
     * @param stateDir must exist, so that its real path is known; never served
     */
    public LocalDirectory(Path root, Path stateDir, boolean followSymlinks, boolean serveHidden) throws IOException {
        this(new ServedRoot(root, stateDir, followSymlinks, serveHidden));
    }

    /** The served directory's real path. */
    public Path root() {
        return rules.root();
    }

    @Override
    public ContentLookup lookup(RequestPath.Parsed path) {
        ServedRoot.Lookup found = rules.lookup(path);
        if (found instanceof ServedRoot.Found f) {
            return new ContentLookup.Found(entry(f.path(), f.attributes()));
        }
        if (found instanceof ServedRoot.Forbidden f) {
            return new ContentLookup.Forbidden(f.reason());
        }
        return new ContentLookup.NotFound(((ServedRoot.NotFound) found).reason());
    }

    @Override
    public ContentEntry reload(ContentEntry entry) throws IOException {
        Path path = Path.of(entry.key());
        return entry(path, Files.readAttributes(path, BasicFileAttributes.class));
    }

    @Override
    public PinnedContent open(ContentEntry file) throws IOException {
        return OpenFile.open(Path.of(file.key()), file.version());
    }

    /**
     * Pages in name order. The directory is read whole for each page (a local directory has no cursor to keep)
     * but only the entries of the page are looked at, so a listing read page by page stats each entry once.
     */
    @Override
    public ContentPage list(ContentEntry directory, String cursor, int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("a page of " + limit + " entries");
        }
        List<Path> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(Path.of(directory.key()))) {
            for (Path p : stream) {
                if (cursor == null || p.getFileName().toString().compareTo(cursor) > 0) {
                    names.add(p);
                }
            }
        }
        names.sort(BY_NAME);
        List<ContentEntry> page = new ArrayList<>(Math.min(limit, names.size()));
        for (int i = 0; i < names.size(); i++) {
            Path p = names.get(i);
            if (page.size() == limit) {
                return new ContentPage(page, page.get(page.size() - 1).name());
            }
            if (!rules.listable(p)) {
                continue;
            }
            BasicFileAttributes a;
            try {
                a = ServedRoot.attributes(p);
            } catch (IOException e) {
                continue; // vanished, or a dangling link: nothing a request could fetch
            }
            page.add(entry(p, a));
        }
        return new ContentPage(page, null);
    }

    static ContentEntry entry(Path path, BasicFileAttributes a) {
        Path fileName = path.getFileName();
        String name = fileName == null ? "" : fileName.toString();
        ContentEntry.Kind kind = a.isRegularFile() ? ContentEntry.Kind.FILE
                : a.isDirectory() ? ContentEntry.Kind.DIRECTORY : ContentEntry.Kind.OTHER;
        return new ContentEntry(path.toString(), name, kind, OpenFile.FileVersion.of(a).content(),
                kind == ContentEntry.Kind.FILE ? MediaTypes.forFileName(name) : null);
    }
}
