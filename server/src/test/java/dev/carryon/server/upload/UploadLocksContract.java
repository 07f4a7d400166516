package dev.carryon.server.upload;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link UploadLocks} must do: one writer per upload, and a takeover that asks the writer to let go
 * through its {@link Writer} (on the writer's own thread), completing only once it has. Run against each
 * implementation by a subclass.
 */
public abstract class UploadLocksContract {

    protected abstract UploadLocks locks();

    static final String ID = "a".repeat(26);

    /** A writer on a thread of its own, that records what it was asked. */
    static final class FakeWriter implements UploadLocks.Holder, Writer {
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        final List<String> asked = new ArrayList<>();
        volatile boolean connected = true;
        volatile boolean ended;
        volatile long lastByte = System.nanoTime();
        volatile Thread abortedOn;
        final CompletableFuture<Void> committed = new CompletableFuture<>();

        @Override
        public Writer writer() {
            return this;
        }

        @Override
        public CompletableFuture<Void> abort(String why) {
            asked.add(why);
            abortedOn = Thread.currentThread();
            return committed;
        }

        @Override
        public long lastByteNanos() {
            return lastByte;
        }

        @Override
        public boolean connected() {
            return connected;
        }

        @Override
        public void execute(Runnable task) {
            ((Executor) thread).execute(task);
        }

        @Override
        public void end() {
            ended = true;
        }
    }

    @Test
    void anUploadHasOneWriterAtATime() {
        UploadLocks l = locks();
        FakeWriter a = new FakeWriter();
        FakeWriter b = new FakeWriter();
        assertThat(l.claim(ID, a)).isTrue();
        assertThat(l.claim(ID, b)).isFalse();
        assertThat(l.writer(ID)).isSameAs(a);
        l.release(ID, b);
        assertThat(l.writer(ID)).as("only the writer releases its hold").isSameAs(a);
        l.release(ID, a);
        assertThat(l.writer(ID)).isNull();
        assertThat(l.claim(ID, b)).isTrue();
    }

    @Test
    void aTakeoverAsksTheWriterOnItsOwnThreadAndWaitsUntilItHasCommitted() throws Exception {
        UploadLocks l = locks();
        FakeWriter a = new FakeWriter();
        l.claim(ID, a);
        CompletableFuture<Void> taken = l.takeOver(ID, "a newer request");
        assertThat(a.thread.submit(() -> { }).get(5, TimeUnit.SECONDS)).isNull();
        assertThat(a.asked).containsExactly("a newer request");
        assertThat(a.abortedOn).isNotSameAs(Thread.currentThread());
        assertThat(a.ended).as("its request was ended").isTrue();
        assertThat(taken).as("not before its bytes are committed").isNotDone();
        a.committed.complete(null);
        taken.get(5, TimeUnit.SECONDS);
        assertThat(l.takeOver("b".repeat(26), "nobody writes").isDone()).isTrue();
        a.thread.shutdown();
    }

    @Test
    void aWriterStillReceivingIsLeftAloneAndAStalledOneIsTakenOver() throws Exception {
        UploadLocks l = locks();
        FakeWriter a = new FakeWriter();
        l.claim(ID, a);
        assertThat(l.takeOverIfStalled(ID, Duration.ofSeconds(60)).isDone()).isTrue();
        assertThat(a.asked).isEmpty();
        a.lastByte = System.nanoTime() - Duration.ofSeconds(61).toNanos();
        a.committed.complete(null);
        l.takeOverIfStalled(ID, Duration.ofSeconds(60)).get(5, TimeUnit.SECONDS);
        assertThat(a.asked).containsExactly("it stalled");

        FakeWriter b = new FakeWriter();
        l.release(ID, a);
        l.claim(ID, b);
        b.connected = false;
        b.committed.complete(null);
        l.takeOverIfStalled(ID, Duration.ofSeconds(60)).get(5, TimeUnit.SECONDS);
        assertThat(b.asked).containsExactly("its connection is gone");
        a.thread.shutdown();
        b.thread.shutdown();
    }
}
