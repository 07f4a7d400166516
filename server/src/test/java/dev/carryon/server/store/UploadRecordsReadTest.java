package dev.carryon.server.store;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The transfer journal's read of the upload records, through the upload store. */
class UploadRecordsReadTest {

    @TempDir
    Path dir;
    StateStore state;

    @BeforeEach
    void open() throws Exception {
        state = StateStore.open(dir);
    }

    @AfterEach
    void close() {
        state.close();
    }

    static Upload upload(String id, long offset, Instant created) {
        return new Upload(id, 100, offset, UploadMetadata.EMPTY, TusFields.Concat.NONE, null, created, null,
                Upload.State.ACTIVE, null, null);
    }

    @Test
    void theMostRecentlyChangedComeFirstWithWhenTheyChanged() throws Exception {
        Instant t = Instant.now().minusSeconds(60);
        UploadStore uploads = state.uploads();
        uploads.create(upload("a", 0, t));
        uploads.create(upload("b", 0, t));
        uploads.create(upload("c", 0, t));
        long before = System.currentTimeMillis();
        uploads.update(upload("a", 40, t), 0, -1);

        List<UploadStore.RecentUpload> recent = uploads.recent(2);
        assertThat(recent).hasSize(2);
        assertThat(recent.get(0).upload().id()).isEqualTo("a");
        assertThat(recent.get(0).upload().offset()).isEqualTo(40);
        assertThat(recent.get(0).updatedMillis()).isGreaterThanOrEqualTo(before);
        assertThat(uploads.recent(10)).extracting(r -> r.upload().id()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void readingNeverWaitsForTheWriter() throws Exception {
        UploadStore uploads = state.uploads();
        uploads.create(upload("a", 0, Instant.now()));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            synchronized (uploads) { // what a commit holds while it writes
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        writer.start();
        try {
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            List<UploadStore.RecentUpload> read = CompletableFuture.supplyAsync(() -> uploads.recent(10))
                    .get(10, TimeUnit.SECONDS);
            assertThat(read).hasSize(1);
        } finally {
            release.countDown();
            writer.join(10_000);
        }
    }
}
