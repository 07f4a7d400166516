package dev.carryon.server.fuzz;

import dev.carryon.core.Props;
import dev.carryon.server.testing.H2Wire;
import dev.carryon.server.testing.LogCapture;
import dev.carryon.server.testing.Memory;
import dev.carryon.server.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile HTTP/2 over raw sockets against a running server, h2c by prior knowledge and by upgrade: requests for
 * downloads and both upload protocols at three levels of hostility, and attacks on the framing layer (see
 * {@link H2Generator}). The invariants are the request fuzzer's: no 5xx, frames the server sends are well-formed,
 * every connection is answered or closed (a GOAWAY, or the idle timeout) within a bound, no warning, error or stack
 * trace in the log, and afterwards the server's connections, this process's descriptors and memory are back where
 * they were. Well-formed connections must get every request answered in full.
 *
 * <p>{@code -Dcarryon.fuzz.h2=N} sets the number of generated connections (default 1500),
 * {@code -Dcarryon.props.seed=N} draws other ones, {@code -Dcarryon.fuzz.connections=N} runs N at once (8).
 */
class Http2FuzzTest {

    static final int CASES = Integer.getInteger("carryon.fuzz.h2", 1500);
    /** Runs only this generated case (counted from 1), and prints what it sent and got: to look at one failure. */
    static final int ONLY = Integer.getInteger("carryon.fuzz.h2.only", 0);
    /** Runs only the cases whose kind names this (such as "upgrade" or "rapid-reset"). */
    static final String KIND = System.getProperty("carryon.fuzz.h2.kind");

    @Test
    void hostileFramesGetWellFormedAnswersOrAGoAwayAndLeakNothing() throws Exception {
        try (LogCapture log = LogCapture.start(); TestServer server = RequestFuzzTest.start()) {
            H2Generator generator = new H2Generator(List.of(RequestFuzzTest.createTus(server, "Upload-Length: 1000"),
                    RequestFuzzTest.createTus(server, "Upload-Defer-Length: 1"),
                    RequestFuzzTest.createTus(server, "Upload-Concat: partial\r\nUpload-Length: 10")),
                    List.of(RequestFuzzTest.createIetf(server), RequestFuzzTest.createIetf(server)),
                    RequestFuzzTest.MAX_HEADERS);
            List<H2Case> cases = new ArrayList<>();
            Props.forAll(CASES, generator::next, cases::add);
            ExecutorService writers = Executors.newCachedThreadPool();
            try {
                H2Runner runner = new H2Runner(server.port(), RequestFuzzTest.QUIET, RequestFuzzTest.BOUND, writers);
                for (H2Case c : cases.subList(0, 40)) {
                    runner.run(c); // what a first connection of each kind loads belongs in the baseline
                }
                RequestFuzzTest.warmUp(server, List.of());
                long fdsBefore = Resources.openFds();
                long memoryBefore = Memory.used();
                String seed = System.getProperty("carryon.props.seed", "the default");

                long t0 = System.nanoTime();
                H2Tally tally = new H2Tally();
                List<H2Case> run = ONLY > 0 ? List.of(cases.get(ONLY - 1)) : KIND == null ? cases
                        : cases.stream().filter(c -> c.kind().contains(KIND)).toList();
                List<String> failures = run(runner, run, tally);
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                System.out.printf("HTTP/2 frame fuzz (seed %s): %d connections in %d s; %s%n", seed, CASES, seconds,
                        tally);

                assertThat(failures).as("connections that broke an invariant (seed %s)", seed).isEmpty();
                assertThat(tally.answered).as("the cases reach the server's answers").isGreaterThan(run.size() / 2);
                assertThat(log.trouble()).as("warnings, errors and stack traces the server logged").isEmpty();
                RequestFuzzTest.assertNoServerErrorsCounted(server);
                RequestFuzzTest.assertResourcesBackToBaseline(server, fdsBefore, memoryBefore);
            } finally {
                writers.shutdownNow();
            }
        }
    }

    private static List<String> run(H2Runner runner, List<H2Case> cases, H2Tally tally) throws Exception {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(RequestFuzzTest.PARALLEL);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    H2Case c = cases.get(index);
                    H2Runner.Outcome o;
                    try {
                        o = runner.run(c);
                    } catch (Exception e) {
                        failures.add("case " + (index + 1) + ": " + e + "\n  " + c.describe());
                        return;
                    }
                    tally.add(c, o);
                    if (ONLY > 0) {
                        System.out.println("sent: " + c.describe() + "\ngot: " + o);
                    }
                    List<String> broken = check(c, o);
                    if (!broken.isEmpty() && failures.size() < 20) {
                        failures.add("case " + (index + 1) + ": " + broken + "\n  sent: " + c.describe()
                                + "\n  got: " + o.frames().subList(0, Math.min(40, o.frames().size())));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return failures;
    }

    /** What must hold of every connection, however hostile its frames; each broken rule is one line. */
    static List<String> check(H2Case c, H2Runner.Outcome o) {
        List<String> broken = new ArrayList<>();
        if (o.hung()) {
            broken.add("the server neither answered nor closed the connection after the client's end of input");
        }
        if (o.capped()) {
            broken.add("more than " + H2Runner.MAX_RECEIVED + " bytes came back");
        }
        if (o.malformed() != null) {
            broken.add("malformed: " + o.malformed());
        }
        if (c.upgrade() && !o.switched() && o.malformed() == null && !o.reset()) {
            broken.add("no 101 for a well-formed upgrade");
        }
        for (H2Wire.Frame f : o.frames()) {
            if (f.type() == H2Wire.HEADERS && f.status() >= 500
                    && !(f.status() == 503 && f.headers().contains("retry-after"))) {
                broken.add("a 5xx on stream " + f.stream() + ": " + f.headers());
            }
        }
        if (c.ending() == H2Case.Ending.FINAL && o.nudged()) {
            // Every server timeout is 1 s; the client was silent for 3 s, waiting for an answer or a close.
            broken.add("the last request was neither answered nor the connection closed or sent GOAWAY");
        }
        if (c.wellFormed() && c.ending() == H2Case.Ending.FINAL && !o.reset()) {
            for (int s : c.requests()) {
                if (!o.ended(s)) {
                    broken.add("well-formed request on stream " + s + " not answered in full");
                }
            }
            if (!o.ended(c.finalStream())) {
                broken.add("the last request, stream " + c.finalStream() + ", not answered in full");
            }
            o.frames().stream().filter(f -> f.type() == H2Wire.GOAWAY && f.errorCode() != 0).findFirst()
                    .ifPresent(f -> broken.add("a well-formed connection got " + f));
        }
        return broken;
    }

    /** Counts of what came back, for the run's summary line. */
    static final class H2Tally {
        private final Map<String, Integer> statuses = new TreeMap<>();
        private final Map<String, Integer> kinds = new TreeMap<>();
        private final Map<String, Integer> goAways = new TreeMap<>();
        private final Map<String, Integer> resets = new TreeMap<>();
        int connections;
        int answered;
        int closedWithoutGoAway;
        int nudged;
        int socketResets;
        long slowestMillis;

        synchronized void add(H2Case c, H2Runner.Outcome o) {
            connections++;
            boolean any = false;
            for (H2Wire.Frame f : o.frames()) {
                switch (f.type()) {
                    case H2Wire.HEADERS -> {
                        if (f.status() > 0) {
                            statuses.merge(String.valueOf(f.status()), 1, Integer::sum);
                            any = true;
                        }
                    }
                    case H2Wire.GOAWAY -> goAways.merge(String.valueOf(f.errorCode()), 1, Integer::sum);
                    case H2Wire.RST_STREAM -> resets.merge(String.valueOf(f.errorCode()), 1, Integer::sum);
                    default -> { }
                }
            }
            answered += any ? 1 : 0;
            closedWithoutGoAway += o.closedByServer() && !o.goAway() ? 1 : 0;
            nudged += o.nudged() ? 1 : 0;
            socketResets += o.reset() ? 1 : 0;
            slowestMillis = Math.max(slowestMillis, o.millis());
            for (String k : c.kind().split("\\+")) {
                kinds.merge(k.isEmpty() ? "none" : k, 1, Integer::sum);
            }
        }

        @Override
        public synchronized String toString() {
            return connections + " connections: " + answered + " answered, statuses " + statuses + "; GOAWAY by error "
                    + goAways + "; RST_STREAM by error " + resets + "; " + closedWithoutGoAway
                    + " closed by the server without GOAWAY, " + nudged + " silent until the client half-closed, "
                    + socketResets + " reset; slowest " + slowestMillis + " ms; kinds " + kinds;
        }
    }
}
