package dev.carryon.core.download;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A response's status and header fields as the downloader's decisions see them: no body, no I/O. */
public final class ResponseHead {

    private final int status;
    private final Map<String, List<String>> fields;

    private ResponseHead(int status, Map<String, List<String>> fields) {
        this.status = status;
        this.fields = fields;
    }

    public static Builder status(int status) {
        return new Builder(status);
    }

    public int status() {
        return status;
    }

    /** The first value of a field, or null; names are case-insensitive. */
    public String first(String name) {
        List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value of a field, lines joined by ", " as RFC 9110 section 5.3 allows; null if absent. */
    public String joined(String name) {
        List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : String.join(", ", v);
    }

    public int count(String name) {
        List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
        return v == null ? 0 : v.size();
    }

    public Map<String, List<String>> fields() {
        return Collections.unmodifiableMap(fields);
    }

    @Override
    public String toString() {
        return "ResponseHead[" + status + " " + fields + "]";
    }

    public static final class Builder {
        private final int status;
        private final Map<String, List<String>> fields = new TreeMap<>();

        private Builder(int status) {
            this.status = status;
        }

        public Builder add(String name, String value) {
            fields.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
            return this;
        }

        public ResponseHead build() {
            Map<String, List<String>> copy = new TreeMap<>();
            fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return new ResponseHead(status, copy);
        }
    }
}
