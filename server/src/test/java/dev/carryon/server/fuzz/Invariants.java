package dev.carryon.server.fuzz;

import java.util.ArrayList;
import java.util.List;

/** What must hold of every connection, however hostile its bytes; each broken rule is one line. */
final class Invariants {

    private Invariants() {
    }

    static List<String> check(FuzzCase c, CaseRunner.Outcome o) {
        List<String> broken = new ArrayList<>();
        if (o.hung()) {
            broken.add("the server neither answered nor closed the connection after the client's end of input");
        }
        if (o.capped()) {
            broken.add("more than " + CaseRunner.MAX_RECEIVED + " bytes came back");
        }
        ResponseStream s = o.responses();
        if (s.malformed() != null) {
            broken.add("malformed response: " + s.malformed());
        }
        for (ResponseStream.Head h : s.responses()) {
            if (h.status() >= 500 && !(h.status() == 503 && h.field("Retry-After") != null)) {
                // 503 with Retry-After is the documented answer of the upload concurrency cap, and only that.
                broken.add("a 5xx: " + h.statusLine());
            }
        }
        boolean answeredWhole = s.lastComplete() || s.switched();
        if (c.ending() == FuzzCase.Ending.CLOSE_REQUEST && !o.reset() && !answeredWhole) {
            broken.add("the last response was cut short although the client read everything");
        }
        return broken;
    }
}
