package dev.carryon.server.store;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadMetadata;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link UploadStore} must do, whatever keeps the records: run against each implementation (the
 * embedded database now; a shared database for several nodes next) by a subclass that says how to make one.
 * Offsets are compare-and-set, leases expire and fence a writer whose lease was taken over, the sweeper claims
 * expired uploads in batches, and a final is found by the partials it names.
 */
public abstract class UploadStoreContract {

    /** The wall clock: a commit renews its lease from the store's own clock. */
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    static final Duration TTL = Duration.ofMinutes(1);

    /** A store with no records. */
    protected abstract UploadStore store();

    static Upload upload(String id, long length, Instant expires) {
        return new Upload(id, length, 0, UploadMetadata.EMPTY, TusFields.Concat.NONE, null,
                NOW.truncatedTo(ChronoUnit.MILLIS), expires, Upload.State.ACTIVE, null, null);
    }

    static String id(char c) {
        return String.valueOf(c).repeat(26);
    }

    @Test
    void aRecordIsFoundAsCreatedAndIsGoneOnceDeleted() {
        UploadStore s = store();
        Upload u = upload(id('a'), 10, NOW.plusSeconds(60));
        s.create(u);
        assertThat(s.find(u.id())).hasValueSatisfying(f -> {
            assertThat(f.length()).isEqualTo(10);
            assertThat(f.offset()).isZero();
            assertThat(f.state()).isEqualTo(Upload.State.ACTIVE);
        });
        s.delete(u.id());
        assertThat(s.find(u.id())).isEmpty();
        assertThat(s.update(u.withOffset(1), 0, -1)).as("no record to update").isFalse();
    }

    @Test
    void anUpdateIsACompareAndSetOnTheOffset() {
        UploadStore s = store();
        Upload u = upload(id('b'), 10, null);
        s.create(u);
        assertThat(s.update(u.withOffset(4), 0, -1)).isTrue();
        assertThat(s.find(u.id()).orElseThrow().offset()).isEqualTo(4);
        assertThat(s.update(u.withOffset(7), 0, -1)).as("it expects an offset the record no longer has").isFalse();
        assertThat(s.find(u.id()).orElseThrow().offset()).as("nothing changed").isEqualTo(4);
        assertThat(s.update(u.withOffset(7), 4, -1)).isTrue();
        assertThat(s.find(u.id()).orElseThrow().offset()).isEqualTo(7);
    }

    @Test
    void aLeaseIsOneHoldersUntilItExpiresAndEachGrantIsANewEpoch() {
        UploadStore s = store();
        Upload u = upload(id('c'), 10, null);
        s.create(u);
        UploadStore.Lease first = s.acquire(u.id(), "node-1", NOW, TTL).orElseThrow();
        assertThat(s.acquire(u.id(), "node-2", NOW.plusSeconds(30), TTL)).as("still node-1's").isEmpty();
        UploadStore.Lease again = s.acquire(u.id(), "node-1", NOW.plusSeconds(30), TTL).orElseThrow();
        assertThat(again.epoch()).as("a new writer of the same holder").isGreaterThan(first.epoch());
        UploadStore.Lease taken = s.acquire(u.id(), "node-2", NOW.plusSeconds(91), TTL).orElseThrow();
        assertThat(taken.epoch()).as("taken over once expired").isGreaterThan(again.epoch());
        assertThat(s.acquire("z".repeat(26), "node-1", NOW, TTL)).as("no such upload").isEmpty();
    }

    @Test
    void aWriterWhoseLeaseWasTakenOverIsFenced() {
        UploadStore s = store();
        Upload u = upload(id('d'), 10, null);
        s.create(u);
        UploadStore.Lease old = s.acquire(u.id(), "node-1", NOW, TTL).orElseThrow();
        assertThat(s.update(u.withOffset(3), 0, old.epoch())).isTrue();
        // Past the old lease, renewed by that commit (from the store's clock, a moment after NOW).
        Instant later = NOW.plus(TTL).plusSeconds(30);
        UploadStore.Lease taken = s.acquire(u.id(), "node-2", later, TTL).orElseThrow();
        assertThat(s.update(u.withOffset(5), 3, old.epoch())).as("the old writer's commit").isFalse();
        assertThat(s.find(u.id()).orElseThrow().offset()).isEqualTo(3);
        assertThat(s.update(u.withOffset(5), 3, taken.epoch())).isTrue();
        s.release(u.id(), "node-1", old.epoch());
        assertThat(s.acquire(u.id(), "node-3", later.plusSeconds(1), TTL))
                .as("a release of a lease taken over frees nothing").isEmpty();
        s.release(u.id(), "node-2", taken.epoch());
        assertThat(s.acquire(u.id(), "node-3", later.plusSeconds(1), TTL)).as("released").isPresent();
    }

    @Test
    void theSweeperClaimsExpiredUploadsInBatchesButNotOneWhoseLeaseIsHeld() {
        UploadStore s = store();
        for (char c = 'e'; c <= 'i'; c++) {
            s.create(upload(id(c), 10, NOW.minusSeconds(10)));
        }
        s.create(upload(id('j'), 10, NOW.plusSeconds(3600)));
        s.acquire(id('e'), "writer", NOW, TTL).orElseThrow();

        List<UploadStore.Lease> batch = s.claimExpired(NOW, 3, "sweeper", TTL);
        assertThat(batch).hasSize(3).allSatisfy(l -> assertThat(l.holder()).isEqualTo("sweeper"));
        assertThat(batch).extracting(UploadStore.Lease::id).doesNotContain(id('e'), id('j'));
        List<UploadStore.Lease> rest = s.claimExpired(NOW, 3, "sweeper", TTL);
        assertThat(rest).extracting(UploadStore.Lease::id).as("the claimed are not claimed again").hasSize(1)
                .doesNotContainAnyElementsOf(batch.stream().map(UploadStore.Lease::id).toList());
        assertThat(s.claimExpired(NOW.plus(TTL).plusSeconds(1), 10, "sweeper", TTL))
                .extracting(UploadStore.Lease::id).as("once their leases expire").contains(id('e'));
    }

    @Test
    void aFinalIsFoundByEachPartialItNames() {
        UploadStore s = store();
        Upload fin = new Upload(id('k'), -1, 0, UploadMetadata.EMPTY,
                new TusFields.Concat(TusFields.Concat.Kind.FINAL, List.of(id('l'), id('m'))), null, NOW, null,
                Upload.State.ACTIVE, null, null);
        s.create(fin);
        s.create(upload(id('n'), 5, null));
        assertThat(s.finalsNaming(id('l'))).extracting(Upload::id).containsExactly(id('k'));
        assertThat(s.finalsNaming(id('m'))).extracting(Upload::id).containsExactly(id('k'));
        assertThat(s.finalsNaming(id('n'))).isEmpty();
    }

    @Test
    void aSweptRecordIsPurgedAfterItsTime() {
        UploadStore s = store();
        Upload u = upload(id('o'), 10, NOW.minusSeconds(10));
        s.create(u);
        assertThat(s.update(u.expired(), 0, -1)).isTrue();
        assertThat(s.purgeExpired(NOW.minusSeconds(20))).isZero();
        assertThat(s.purgeExpired(NOW)).isEqualTo(1);
        assertThat(s.find(u.id())).isEqualTo(Optional.empty());
    }
}
