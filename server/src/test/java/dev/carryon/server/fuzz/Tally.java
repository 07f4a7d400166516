package dev.carryon.server.fuzz;

import java.util.Map;
import java.util.TreeMap;

/** Counts of what came back, for the run's summary line: a fuzzer that reaches nothing shows it here. */
final class Tally {

    private final Map<String, Integer> statuses = new TreeMap<>();
    private final Map<String, Integer> kinds = new TreeMap<>();
    int connections;
    int answered;
    int closedUnanswered;
    int nudged;
    int resets;
    int responses;
    long slowestMillis;

    synchronized void add(FuzzCase c, CaseRunner.Outcome o) {
        connections++;
        ResponseStream s = o.responses();
        if (s.responses().isEmpty()) {
            closedUnanswered++;
        } else {
            answered++;
        }
        nudged += o.nudged() ? 1 : 0;
        resets += o.reset() ? 1 : 0;
        responses += s.responses().size();
        slowestMillis = Math.max(slowestMillis, o.millis());
        kinds.merge(c.kind(), 1, Integer::sum);
        for (ResponseStream.Head h : s.responses()) {
            statuses.merge(String.valueOf(h.status()), 1, Integer::sum);
        }
    }

    synchronized int status(int code) {
        return statuses.getOrDefault(String.valueOf(code), 0);
    }

    @Override
    public synchronized String toString() {
        return connections + " connections: " + answered + " answered, " + closedUnanswered + " closed unanswered, "
                + nudged + " silent until the client half-closed (read timeouts), " + resets + " reset; "
                + responses + " responses " + statuses + "; slowest " + slowestMillis + " ms; kinds " + kinds;
    }
}
