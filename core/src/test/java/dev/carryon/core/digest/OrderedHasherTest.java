package dev.carryon.core.digest;

import dev.carryon.core.Props;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hashing a file written out of order (downloader spec, "Integrity": the digest of a multi-segment file without
 * a second full read where possible): the hash covers exactly the bytes from 0 in order, each once, whatever
 * order they were written in.
 */
class OrderedHasherTest {

    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
    /** SHA-256("abc"), FIPS 180-2 appendix B.1. */
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    private static OrderedHasher sha256() {
        return new OrderedHasher(List.of(DigestAlgorithm.SHA_256));
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] digest(DigestAlgorithm a, byte[] data) {
        MessageDigest d = a.newDigest();
        d.update(data);
        return d.digest();
    }

    @Test
    @DisplayName("bytes written at the end of the hashed prefix are hashed at once")
    void inOrderBytesAreHashed() {
        OrderedHasher h = sha256();
        assertThat(h.hashed()).isZero();
        assertThat(h.offer(0, bytes("a"))).isTrue();
        assertThat(h.offer(1, bytes("bc"))).isTrue();
        assertThat(h.hashed()).isEqualTo(3);
        assertThat(hex(h.finish().get(DigestAlgorithm.SHA_256))).isEqualTo(SHA256_ABC);
    }

    @Test
    @DisplayName("bytes past the prefix's end wait: not taken, the caller reads them back when the prefix reaches them")
    void bytesPastAGapAreNotTaken() {
        OrderedHasher h = sha256();
        assertThat(h.offer(1, bytes("bc"))).isFalse();
        assertThat(h.hashed()).isZero();
        h.offer(0, bytes("a"));
        assertThat(h.hashed()).isEqualTo(1);
        h.offer(h.hashed(), bytes("bc")); // the read-back
        assertThat(hex(h.finish().get(DigestAlgorithm.SHA_256))).isEqualTo(SHA256_ABC);
    }

    @Test
    @DisplayName("bytes already hashed are not hashed again: wholly before the prefix's end, not taken")
    void bytesAlreadyHashedAreNotTaken() {
        OrderedHasher h = sha256();
        h.offer(0, bytes("abc"));
        assertThat(h.offer(0, bytes("ab"))).isFalse();
        assertThat(h.offer(1, bytes("bc"))).isFalse();
        assertThat(hex(h.finish().get(DigestAlgorithm.SHA_256))).isEqualTo(SHA256_ABC);
    }

    @Test
    @DisplayName("bytes overlapping the prefix's end: only the part after it is hashed")
    void anOverlapIsHashedFromThePrefixEnd() {
        OrderedHasher h = sha256();
        h.offer(0, bytes("ab"));
        assertThat(h.offer(1, bytes("bc"))).isTrue();
        assertThat(h.hashed()).isEqualTo(3);
        assertThat(hex(h.finish().get(DigestAlgorithm.SHA_256))).isEqualTo(SHA256_ABC);
    }

    @Test
    @DisplayName("an empty buffer takes nothing")
    void anEmptyBuffer() {
        OrderedHasher h = sha256();
        assertThat(h.offer(0, ByteBuffer.allocate(0))).isFalse();
        assertThat(h.hashed()).isZero();
        assertThat(h.finish().get(DigestAlgorithm.SHA_256)).isEqualTo(digest(DigestAlgorithm.SHA_256, new byte[0]));
    }

    @Test
    @DisplayName("the buffer offered is left as it was: the same bytes go to the file")
    void theBufferIsNotConsumed() {
        ByteBuffer b = ByteBuffer.wrap("xxabcxx".getBytes(StandardCharsets.US_ASCII), 2, 3);
        OrderedHasher h = sha256();
        assertThat(h.offer(0, b)).isTrue();
        assertThat(b.position()).isEqualTo(2);
        assertThat(b.limit()).isEqualTo(5);
        assertThat(hex(h.finish().get(DigestAlgorithm.SHA_256))).isEqualTo(SHA256_ABC); // from the position on
    }

    @Test
    @DisplayName("every algorithm asked for is computed over the same bytes")
    void everyAlgorithm() {
        OrderedHasher h = new OrderedHasher(List.of(DigestAlgorithm.values()));
        assertThat(h.algorithms()).containsExactlyInAnyOrder(DigestAlgorithm.values());
        h.offer(0, ByteBuffer.wrap(ABC));
        Map<DigestAlgorithm, byte[]> out = h.finish();
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            assertThat(out.get(a)).as("%s", a).isEqualTo(digest(a, ABC));
        }
    }

    @Test
    @DisplayName("property: pieces written in any order, rewritten or not, then read back from hashed(), hash the file")
    void anyOrderHashesTheFile() {
        Props.forAll(300, g -> new long[] {g.intIn(0, 5000), g.longIn(0, Long.MAX_VALUE)}, c -> {
            SplittableRandom random = new SplittableRandom(c[1]);
            byte[] file = new byte[(int) c[0]];
            random.nextBytes(file);
            // cut the file into pieces, written in a shuffled order; some are written twice (a retry)
            List<int[]> pieces = new ArrayList<>();
            for (int at = 0; at < file.length; ) {
                int n = Math.min(file.length - at, 1 + random.nextInt(700));
                pieces.add(new int[] {at, n});
                if (random.nextInt(8) == 0) {
                    int from = random.nextInt(n);
                    pieces.add(new int[] {at + from, n - from});
                }
                at += n;
            }
            Collections.shuffle(pieces, new Random(c[1]));
            OrderedHasher h = new OrderedHasher(List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5));
            for (int[] p : pieces) {
                long before = h.hashed();
                boolean taken = h.offer(p[0], ByteBuffer.wrap(file, p[0], p[1]));
                assertThat(taken).isEqualTo(p[0] <= before && p[0] + p[1] > before);
                assertThat(h.hashed()).isEqualTo(taken ? p[0] + p[1] : before);
            }
            // the caller reads back what the prefix has not reached, in chunks, from hashed() on
            while (h.hashed() < file.length) {
                int at = (int) h.hashed();
                assertThat(h.offer(at, ByteBuffer.wrap(file, at, Math.min(file.length - at, 1 + random.nextInt(1000)))))
                        .isTrue();
            }
            Map<DigestAlgorithm, byte[]> out = h.finish();
            assertThat(out.get(DigestAlgorithm.SHA_256)).isEqualTo(digest(DigestAlgorithm.SHA_256, file));
            assertThat(out.get(DigestAlgorithm.MD5)).isEqualTo(digest(DigestAlgorithm.MD5, file));
        });
    }
}
