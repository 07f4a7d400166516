package dev.carryon.core.journal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Groups download events into sessions. Downloads are stateless range requests; two events belong to one session
 * when they are for the same version of the same file (path and ETag), from the same client (the token it
 * presented, or else its address and User-Agent; a weak and a strong ETag of the same value are the same
 * version), and close in time: the new request began no later than
 * {@code gap} after the session's last activity. The parallel connections of a segmented download therefore make
 * one session, and a download resumed after a pause shorter than the gap continues its session.
 *
 * <p>No clock: every time comes with the events. Not thread-safe: one thread owns it.
 */
public final class SessionGrouper {

    private final long gapMillis;
    private final Supplier<String> ids;
    /** The latest session of each (path, etag, client). */
    private final Map<String, DownloadSession> latest = new HashMap<>();
    private final Map<String, DownloadSession> byId = new LinkedHashMap<>();

    public SessionGrouper(long gapMillis, Supplier<String> ids) {
        if (gapMillis < 0) {
            throw new IllegalArgumentException("gap " + gapMillis);
        }
        this.gapMillis = gapMillis;
        this.ids = ids;
    }

    /** Who a client is, for grouping. */
    public static String clientKey(String credential, String remote, String userAgent) {
        return credential != null ? "token " + credential
                : "addr " + remote + " " + (userAgent == null ? "" : userAgent);
    }

    /**
     * A file's ETag is weak while it was modified within the last second and strong after, for the same version:
     * the weakness is not part of which version it is.
     */
    private static String key(String path, String etag, String clientKey) {
        String version = etag.startsWith("W/") ? etag.substring(2) : etag;
        return path + '\u0000' + version + '\u0000' + clientKey;
    }

    /** Adds an event to its session, opening a new one when none is close enough; returns that session. */
    public DownloadSession record(DownloadEvent e) {
        String clientKey = clientKey(e.credential(), e.remote(), e.userAgent());
        String key = key(e.path(), e.etag(), clientKey);
        DownloadSession s = latest.get(key);
        if (s == null || e.startMillis() > s.lastActivity() + gapMillis
                || e.endMillis() < s.firstActivity() - gapMillis) {
            s = new DownloadSession(ids.get(), e.path(), e.etag(), e.size(), clientKey, e.remote(), e.userAgent(),
                    e.startMillis());
            byId.put(s.id(), s);
            DownloadSession previous = latest.get(key);
            if (previous == null || previous.lastActivity() <= s.lastActivity()) {
                latest.put(key, s);
            }
        }
        s.apply(e);
        return s;
    }

    /** Puts back a session read from storage (after a restart); later events may continue it. */
    public DownloadSession restore(DownloadRecord r) {
        DownloadSession s = DownloadSession.restore(r);
        byId.put(s.id(), s);
        String key = key(r.path(), r.etag(), r.clientKey());
        DownloadSession current = latest.get(key);
        if (current == null || current.lastActivity() < s.lastActivity()) {
            latest.put(key, s);
        }
        return s;
    }

    public Collection<DownloadSession> sessions() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public DownloadSession find(String id) {
        return byId.get(id);
    }

    /**
     * Forgets sessions whose last activity is before {@code olderThanMillis}, then the oldest beyond {@code cap};
     * returns the ids forgotten.
     */
    public List<String> prune(long olderThanMillis, int cap) {
        List<String> gone = new ArrayList<>();
        List<DownloadSession> kept = new ArrayList<>(byId.size());
        for (DownloadSession s : byId.values()) {
            if (s.lastActivity() < olderThanMillis) {
                gone.add(s.id());
            } else {
                kept.add(s);
            }
        }
        if (kept.size() > cap) {
            kept.sort(Comparator.comparingLong(DownloadSession::lastActivity));
            for (DownloadSession s : kept.subList(0, kept.size() - cap)) {
                gone.add(s.id());
            }
        }
        for (String id : gone) {
            DownloadSession s = byId.remove(id);
            String key = key(s.path(), s.etag(), s.clientKey());
            if (latest.get(key) == s) {
                latest.remove(key);
            }
        }
        return gone;
    }
}
