package dev.carryon.client.download;

import dev.carryon.core.digest.DigestAlgorithm;
import dev.carryon.core.digest.DigestFields;
import dev.carryon.core.digest.OrderedHasher;
import dev.carryon.core.download.ResponseHead;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The digests the whole file is promised to have, each with who promised it: the server's {@code Repr-Digest}
 * (RFC 9530), its legacy {@code Digest} (RFC 3230) or {@code Content-MD5} of a whole 200, and the user's
 * {@code --checksum}. Bytes are hashed in order as they are written where possible ({@link OrderedHasher}).
 */
final class ExpectedDigests {

    private record Promise(byte[] value, String from) {
    }

    private final Map<DigestAlgorithm, Promise> promised = new EnumMap<>(DigestAlgorithm.class);
    private final Checksum checksum;
    private OrderedHasher hasher;

    ExpectedDigests(Checksum checksum) {
        this.checksum = checksum;
        reset();
    }

    /** Forgets the server's promises (a new version); the user's checksum stays. */
    synchronized void reset() {
        promised.clear();
        if (checksum != null) {
            promised.put(checksum.algorithm(), new Promise(checksum.expected(), "--checksum"));
        }
        hasher = null;
    }

    /**
     * Takes the promises a response makes. Returns a reason when it contradicts an earlier promise of the
     * server for what should be the same version; null otherwise.
     */
    synchronized String take(ResponseHead head, boolean wholeBody) {
        Map<DigestAlgorithm, byte[]> offered = new EnumMap<>(DigestAlgorithm.class);
        Map<DigestAlgorithm, String> from = new EnumMap<>(DigestAlgorithm.class);
        String repr = head.joined("repr-digest");
        if (repr != null) {
            DigestFields.parse(repr).forEach((a, v) -> {
                offered.put(a, v);
                from.put(a, "the server's Repr-Digest");
            });
        }
        String legacy = head.joined("digest");
        if (legacy != null) {
            DigestFields.parseLegacy(legacy).forEach((a, v) -> {
                offered.putIfAbsent(a, v);
                from.putIfAbsent(a, "the server's Digest");
            });
        }
        String md5 = head.first("content-md5");
        if (md5 != null && wholeBody) {
            try {
                offered.putIfAbsent(DigestAlgorithm.MD5, Base64.getDecoder().decode(md5.strip()));
                from.putIfAbsent(DigestAlgorithm.MD5, "the server's Content-MD5");
            } catch (IllegalArgumentException e) {
                // not base64: ignored
            }
        }
        for (Map.Entry<DigestAlgorithm, byte[]> e : offered.entrySet()) {
            Promise before = promised.get(e.getKey());
            if (before == null) {
                promised.put(e.getKey(), new Promise(e.getValue(), from.get(e.getKey())));
            } else if (!before.from().equals("--checksum") && !java.util.Arrays.equals(before.value(), e.getValue())) {
                return "the server's " + e.getKey().httpName() + " digest changed between two responses";
            }
        }
        return null;
    }

    synchronized boolean any() {
        return !promised.isEmpty();
    }

    /** The Repr-Digest to remember in the control file for a later run, or null. */
    synchronized String reprDigestField() {
        Map<DigestAlgorithm, byte[]> secure = new LinkedHashMap<>();
        promised.forEach((a, p) -> {
            if (a.secure() && !p.from().equals("--checksum")) {
                secure.put(a, p.value());
            }
        });
        return secure.isEmpty() ? null : DigestFields.format(secure);
    }

    /** Restores what an earlier run's control file remembered. */
    synchronized void remember(String reprDigestField) {
        if (reprDigestField != null) {
            DigestFields.parse(reprDigestField).forEach((a, v) ->
                    promised.putIfAbsent(a, new Promise(v, "the server's Repr-Digest (remembered)")));
        }
    }

    /** Bytes just written at {@code position}, hashed now if they continue the hashed prefix. */
    void offer(long position, ByteBuffer bytes) {
        OrderedHasher h;
        synchronized (this) {
            if (promised.isEmpty()) {
                return;
            }
            if (hasher == null) {
                hasher = new OrderedHasher(new ArrayList<>(promised.keySet()));
            }
            h = hasher;
        }
        synchronized (h) {
            h.offer(position, bytes);
        }
    }

    /** The hasher with everything from its prefix on still to be read back; created if none. */
    synchronized OrderedHasher hasher() {
        if (hasher == null || !hasher.algorithms().containsAll(promised.keySet())) {
            hasher = new OrderedHasher(new ArrayList<>(promised.keySet()));
        }
        return hasher;
    }

    /**
     * Compares the finished hashes with every promise: null when all hold, else a message that says which
     * promise failed and what the bytes hash to.
     */
    synchronized String check(Map<DigestAlgorithm, byte[]> actual, Map<String, String> verifiedOut) {
        List<String> failures = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        promised.forEach((a, p) -> {
            byte[] got = actual.get(a);
            if (got == null) {
                return;
            }
            if (java.util.Arrays.equals(got, p.value())) {
                verifiedOut.put(a.httpName(), hex.formatHex(got));
            } else {
                failures.add(a.httpName() + " of the downloaded bytes is " + hex.formatHex(got) + ", but "
                        + p.from() + " says " + hex.formatHex(p.value()));
            }
        });
        return failures.isEmpty() ? null : String.join("; ", failures);
    }
}
