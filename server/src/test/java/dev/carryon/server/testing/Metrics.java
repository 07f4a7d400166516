package dev.carryon.server.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads series out of the Prometheus text that {@code /-/metrics} answers. */
public final class Metrics {

    private Metrics() {
    }

    /** The text of {@code /-/metrics}, fetched on a connection of its own. */
    public static String scrape(int port) {
        RawHttp.Response r = RawHttp.once(port, "GET", "/-/metrics");
        if (r.status() != 200) {
            throw new AssertionError("/-/metrics answered " + r.statusLine());
        }
        return r.bodyText();
    }

    /**
     * The value of one series, e.g. {@code carryon_range_requests_total{kind="single"}} (labels exactly as
     * exposed, in the exposition's order), or NaN when the text has no such series.
     */
    public static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([^ \\n]+)").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Like {@link #value(String, String)} but 0 for a series that does not exist yet. */
    public static double valueOrZero(String scrape, String series) {
        double v = value(scrape, series);
        return Double.isNaN(v) ? 0 : v;
    }
}
