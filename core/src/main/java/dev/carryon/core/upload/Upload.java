package dev.carryon.core.upload;

import java.time.Instant;
import java.util.Objects;

/**
 * One upload as the store records it.
 *
 * @param length   the total length, or -1 while deferred (creation-defer-length)
 * @param offset   the bytes received, fsync'd and recorded: the only offset ever told to a client
 * @param owner    who may touch it (an upload token's identifier), or null when uploads are anonymous
 * @param expires  when an unfinished upload is swept, or null for never
 * @param path     where a completed upload was put in the served root (relative), or null
 * @param sha256   the digest of the completed upload's bytes, or null
 */
public record Upload(String id, long length, long offset, UploadMetadata metadata, TusFields.Concat concat,
                     String owner, Instant created, Instant expires, State state, String path, byte[] sha256) {

    public enum State {
        /** Receiving bytes. */
        ACTIVE,
        /** Every byte received and checked; moved into the served root (or kept as a part of a final). */
        COMPLETE,
        /** Swept after its expiry: its data is gone, requests get 410. */
        EXPIRED
    }

    public Upload {
        Objects.requireNonNull(id);
        Objects.requireNonNull(metadata);
        Objects.requireNonNull(concat);
        Objects.requireNonNull(created);
        Objects.requireNonNull(state);
        if (length < -1 || offset < 0 || (length >= 0 && offset > length)) {
            throw new IllegalArgumentException("offset " + offset + " of length " + length);
        }
    }

    public boolean lengthKnown() {
        return length >= 0;
    }

    public boolean isFinal() {
        return concat.kind() == TusFields.Concat.Kind.FINAL;
    }

    public boolean isPartial() {
        return concat.kind() == TusFields.Concat.Kind.PARTIAL;
    }

    /** Whether every byte has arrived (the state may still be ACTIVE until it is checked and moved). */
    public boolean full() {
        return lengthKnown() && offset == length;
    }

    public Upload withOffset(long newOffset) {
        return new Upload(id, length, newOffset, metadata, concat, owner, created, expires, state, path, sha256);
    }

    public Upload withLength(long newLength) {
        return new Upload(id, newLength, offset, metadata, concat, owner, created, expires, state, path, sha256);
    }

    public Upload completed(String finalPath, byte[] digest) {
        return new Upload(id, length, offset, metadata, concat, owner, created, null, State.COMPLETE, finalPath, digest);
    }

    public Upload expired() {
        return new Upload(id, length, offset, metadata, concat, owner, created, expires, State.EXPIRED, path, sha256);
    }
}
