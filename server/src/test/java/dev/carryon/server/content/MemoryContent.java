package dev.carryon.server.content;

import dev.carryon.core.media.MediaTypes;
import dev.carryon.core.path.RequestPath;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Served content held in memory, the way an object store holds it: keys without directories of their own (a
 * directory is a prefix), a new version token for every write, a file pinned when it is opened (a conditional
 * read of that version) and no sendfile. For tests of the seam: it shows that nothing above it needs a file.
 */
public final class MemoryContent implements ServedContent {

    private record Stored(byte[] bytes, ContentVersion version) {
    }

    private final NavigableMap<String, Stored> objects;
    private final AtomicLong writes;
    private final Instant created = Instant.now().minusSeconds(60);

    public MemoryContent() {
        this(new ConcurrentSkipListMap<>(), new AtomicLong());
    }

    private MemoryContent(NavigableMap<String, Stored> objects, AtomicLong writes) {
        this.objects = objects;
        this.writes = writes;
    }

    /** Another view of the same objects, as another node would have. */
    public MemoryContent view() {
        return new MemoryContent(objects, writes);
    }

    /** Writes a new version of {@code key} ({@code a/b.txt}). */
    public void put(String key, byte[] bytes, Instant modified) {
        objects.put(key, new Stored(bytes.clone(), new ContentVersion(bytes.length, modified,
                "m" + writes.incrementAndGet())));
    }

    public void delete(String key) {
        objects.remove(key);
    }

    /** A directory is a prefix of some key; an empty one is kept as a marker ending in "/", as object stores do. */
    public void mkdir(String key) {
        objects.put(key + "/", new Stored(new byte[0], new ContentVersion(0, created, "dir")));
    }

    @Override
    public ContentLookup lookup(RequestPath.Parsed path) {
        for (String segment : path.segments()) {
            if (segment.startsWith(".")) {
                return new ContentLookup.NotFound("no such file or directory");
            }
        }
        ContentEntry e = entry(String.join("/", path.segments()));
        return e == null ? new ContentLookup.NotFound("no such file or directory") : new ContentLookup.Found(e);
    }

    private ContentEntry entry(String key) {
        Stored s = objects.get(key);
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (s != null && !key.endsWith("/")) {
            return new ContentEntry(key, name, ContentEntry.Kind.FILE, s.version(), MediaTypes.forFileName(name));
        }
        String prefix = key.isEmpty() ? "" : key + "/";
        Map.Entry<String, Stored> below = objects.ceilingEntry(prefix);
        if (key.isEmpty() || (below != null && below.getKey().startsWith(prefix))) {
            return new ContentEntry(key, name, ContentEntry.Kind.DIRECTORY, new ContentVersion(0, created, "dir"), null);
        }
        return null;
    }

    @Override
    public ContentEntry reload(ContentEntry entry) throws IOException {
        ContentEntry now = entry(entry.key());
        if (now == null) {
            throw new NoSuchFileException(entry.key());
        }
        return now;
    }

    @Override
    public PinnedContent open(ContentEntry file) throws IOException {
        Stored s = objects.get(file.key());
        if (s == null) {
            throw new NoSuchFileException(file.key());
        }
        if (!s.version().equals(file.version())) {
            throw new ContentChangedException(file.key() + " is no longer the version looked up");
        }
        return new Pinned(file.key(), s);
    }

    @Override
    public ContentPage list(ContentEntry directory, String cursor, int limit) {
        String prefix = directory.key().isEmpty() ? "" : directory.key() + "/";
        List<ContentEntry> page = new ArrayList<>();
        String from = cursor == null ? prefix : prefix + cursor;
        String last = null;
        for (String key : objects.tailMap(from, cursor == null).keySet()) {
            if (!key.startsWith(prefix)) {
                break;
            }
            String rest = key.substring(prefix.length());
            int slash = rest.indexOf('/');
            String name = slash < 0 ? rest : rest.substring(0, slash);
            if (name.isEmpty() || name.equals(last) || name.startsWith(".") || (cursor != null && name.compareTo(cursor) <= 0)) {
                continue;
            }
            if (page.size() == limit) {
                return new ContentPage(page, last);
            }
            last = name;
            page.add(entry(prefix + name));
        }
        return new ContentPage(page, null);
    }

    private static final class Pinned extends AbstractReferenceCounted implements PinnedContent {
        private final String key;
        private final Stored stored;

        Pinned(String key, Stored stored) {
            this.key = key;
            this.stored = stored;
        }

        @Override
        public ContentVersion version() {
            return stored.version();
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            byte[] b = stored.bytes();
            if (position >= b.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), b.length - position);
            dst.put(b, (int) position, n);
            return n;
        }

        @Override
        public void confirm() {
            // Pinned when opened: these bytes are the version's, whatever was written since.
        }

        @Override
        public void verifyUnchanged() {
        }

        @Override
        public String describe() {
            return key;
        }

        @Override
        protected void deallocate() {
        }

        @Override
        public ReferenceCounted touch(Object hint) {
            return this;
        }
    }
}
