package dev.carryon.server.upload;

import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.core.upload.UploadRules;
import dev.carryon.server.metrics.ServerMetrics;
import dev.carryon.server.store.UploadData;
import dev.carryon.server.store.UploadStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * What happens once every byte of an upload is there, and the rules of concatenation: a partial is marked
 * complete (and the finals waiting for it assembled), anything else is hashed if its digest did not run while
 * receiving, then published into the served content. Hashing and assembly run on the hashing thread, the records
 * are changed on the commit thread, and a session being finished says so ({@code finishing}), so that no request
 * sees it half done.
 */
final class Completion {

    private static final Logger log = LoggerFactory.getLogger(Completion.class);

    private final UploadService service;
    private final UploadStore store;
    private final UploadData data;
    private final UploadSettings settings;
    private final ServerMetrics metrics;
    private final Executor commits;
    private final Executor hashing;

    Completion(UploadService service, UploadStore store, UploadData data, UploadSettings settings,
               ServerMetrics metrics, Executor commits, Executor hashing) {
        this.service = service;
        this.store = store;
        this.data = data;
        this.settings = settings;
        this.metrics = metrics;
        this.commits = commits;
        this.hashing = hashing;
    }

    /**
     * A final's parts, checked: each named once, each a partial upload here that the requester may touch and that
     * no other final has taken (a partial belongs to the first final that names it: its data becomes that final's).
     * Returns the final's length, -1 while a part's is unknown, held to the maximum either way.
     */
    long finalLength(UploadService.Creation c, Instant now) {
        UploadRules.finalParts(c.parts());
        List<Long> lengths = new ArrayList<>();
        for (String partId : c.parts()) {
            Upload part = service.load(partId).orElseThrow(() -> new UploadException(UploadException.Reason.CONCAT_INVALID,
                    "Upload-Concat names " + partId + ", which is not an upload here"));
            UploadRules.access(part, c.owner(), now);
            if (!part.isPartial()) {
                throw new UploadException(UploadException.Reason.CONCAT_INVALID, "Upload-Concat names " + partId
                        + ", which is not a partial upload");
            }
            for (Upload other : store.finalsNaming(partId)) {
                if (other.state() != Upload.State.EXPIRED) {
                    throw new UploadException(UploadException.Reason.CONCAT_INVALID, "the partial upload " + partId
                            + " is part of the final upload " + other.id() + " already; a partial is the part of"
                            + " one final");
                }
            }
            lengths.add(part.length());
        }
        return UploadRules.finalLength(lengths, settings.maxSize());
    }

    // ---- completion ----

    /** After a writer's last commit: finishes the upload when every byte is there. On the commit thread. */
    CompletableFuture<Upload> finishIfFull(UploadService.Session s) {
        Upload u;
        synchronized (s) {
            u = s.upload;
            if (s.gone) {
                return CompletableFuture.completedFuture(u);
            }
            if (s.finishing != null) {
                return s.finishing;
            }
        }
        return u.full() && u.state() == Upload.State.ACTIVE ? finish(s) : CompletableFuture.completedFuture(u);
    }

    /**
     * Every byte is there: a partial stays for its final (which is assembled if it was waiting for this part);
     * anything else is hashed (unless its digest ran while receiving), then published into the served root.
     */
    CompletableFuture<Upload> finish(UploadService.Session s) {
        CompletableFuture<Upload> done = new CompletableFuture<>();
        Upload u;
        MessageDigest running;
        synchronized (s) {
            if (s.finishing != null) {
                return s.finishing;
            }
            s.finishing = done;
            u = s.upload;
            running = s.sha256 != null && s.hashed == u.length() ? s.sha256 : null;
        }
        CompletableFuture<Upload> work;
        if (u.isPartial()) {
            work = CompletableFuture.supplyAsync(() -> {
                Upload complete = u.completed(null, null);
                service.record(complete, u.offset(), -1);
                synchronized (s) {
                    s.upload = complete;
                }
                metrics.uploadCompleted();
                return complete;
            }, commits).thenCompose(complete -> {
                // A final waiting for this part is assembled now; this part's last request answers once it is.
                List<CompletableFuture<Void>> finals = new ArrayList<>();
                for (Upload f : store.finalsNaming(u.id())) {
                    if (f.state() == Upload.State.ACTIVE) {
                        finals.add(assembleIfReady(service.sessionOf(f)));
                    }
                }
                return CompletableFuture.allOf(finals.toArray(CompletableFuture[]::new)).thenApply(v -> complete);
            });
        } else {
            CompletableFuture<byte[]> sha256 = running != null
                    ? CompletableFuture.completedFuture(running.digest())
                    : CompletableFuture.supplyAsync(() -> service.hashRange(u.id(), 0, u.length(), DigestAlgorithm.SHA_256),
                    hashing);
            work = sha256.thenApplyAsync(digest -> publish(s, u, digest), commits);
        }
        work.whenComplete((v, e) -> {
            synchronized (s) {
                s.finishing = null;
                if (e == null) {
                    s.sha256 = null;
                }
            }
            if (e != null) {
                done.completeExceptionally(e instanceof CompletionException && e.getCause() != null
                        ? e.getCause() : e);
            } else {
                done.complete(v);
            }
        });
        return done;
    }

    private Upload publish(UploadService.Session s, Upload u, byte[] sha256) {
        String suggested = u.metadata().text("filename").or(() -> u.metadata().text("name")).orElse(null);
        String path;
        try {
            path = data.publish(u.id(), u.length(), suggested, sha256);
        } catch (IOException e) {
            throw new UploadException(UploadException.Reason.NO_SPACE, "the completed upload cannot be moved into"
                    + " place: " + e.getMessage());
        }
        Upload done = u.completed(path, sha256);
        service.record(done, u.offset(), -1);
        synchronized (s) {
            s.upload = done;
        }
        metrics.uploadCompleted();
        return done;
    }


    // ---- concatenation ----

    /**
     * A partial whose length was deferred declares it: the finals already waiting for it were held to the maximum
     * only by the lengths known then, so they are held to it again with this one (413 to the declaring PATCH).
     */
    void holdWaitingFinals(String partId, long declared) {
        for (Upload fin : store.finalsNaming(partId)) {
            if (fin.state() != Upload.State.ACTIVE) {
                continue;
            }
            List<Long> lengths = new ArrayList<>();
            for (String id : fin.concat().parts()) {
                lengths.add(id.equals(partId) ? declared : service.load(id).map(Upload::length).orElse(-1L));
            }
            try {
                UploadRules.finalLength(lengths, settings.maxSize());
            } catch (UploadException e) {
                throw new UploadException(e.reason(), "a length of " + declared + " bytes for this partial upload"
                        + " is refused: it is part of the final upload " + fin.id() + ", and " + e.getMessage());
            }
        }
    }

    /**
     * Assembles a final upload once all its parts are complete: on the hashing thread (never the commit thread, so
     * that a large one holds up no other upload), in the data's own copy (never through the heap), then hashed and
     * published. Completes at once when a part is not complete yet (concatenation-unfinished).
     */
    CompletableFuture<Void> assembleIfReady(UploadService.Session f) {
        return CompletableFuture.supplyAsync(() -> {
            Upload fin = service.current(f);
            if (fin.state() != Upload.State.ACTIVE) {
                return null;
            }
            List<UploadData.Part> parts = new ArrayList<>();
            long length = 0;
            for (String id : fin.concat().parts()) {
                Optional<Upload> p = service.load(id);
                if (p.isEmpty() || p.get().state() != Upload.State.COMPLETE) {
                    return null; // assembled when the last part completes
                }
                parts.add(new UploadData.Part(id, p.get().length()));
                length += p.get().length();
            }
            if (settings.maxSize() > 0 && length > settings.maxSize()) {
                // Only a final recorded before finals were held to the maximum gets here: it is never published.
                log.warn("final upload {} is not assembled: its {} bytes exceed the maximum of {}", fin.id(), length,
                        settings.maxSize());
                return null;
            }
            synchronized (f) {
                if (f.finishing != null) {
                    return null; // being assembled already
                }
            }
            return new Assembly(fin, parts, length);
        }, commits).thenCompose(a -> a == null ? CompletableFuture.completedFuture(null) : assemble(f, a))
                .exceptionally(e -> {
                    log.warn("cannot assemble final upload {}: {}", f.id, e.getMessage());
                    return null;
                });
    }

    private record Assembly(Upload fin, List<UploadData.Part> parts, long length) {
    }

    private CompletableFuture<Void> assemble(UploadService.Session f, Assembly a) {
        CompletableFuture<Upload> done = new CompletableFuture<>();
        synchronized (f) {
            if (f.finishing != null) {
                return f.finishing.handle((u, e) -> null);
            }
            f.finishing = done;
        }
        CompletableFuture.supplyAsync(() -> {
            try {
                data.concatenate(a.fin().id(), a.parts());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
            return service.hashRange(a.fin().id(), 0, a.length(), DigestAlgorithm.SHA_256);
        }, hashing).thenApplyAsync(sha256 -> {
            Upload assembled = a.fin().withLength(a.length()).withOffset(a.length());
            service.record(assembled, a.fin().offset(), -1);
            synchronized (f) {
                f.upload = assembled;
            }
            Upload published = publish(f, assembled, sha256);
            for (UploadData.Part p : a.parts()) {
                try {
                    data.delete(p.id());
                } catch (IOException e) {
                    log.debug("cannot remove part {}: {}", p.id(), e.getMessage());
                }
            }
            return published;
        }, commits).whenComplete((u, e) -> {
            if (e != null) {
                log.warn("cannot assemble final upload {}: {}", a.fin().id(), e.getMessage());
            }
            synchronized (f) {
                f.finishing = null;
            }
            done.complete(u);
        });
        return done.thenApply(u -> null);
    }
}
