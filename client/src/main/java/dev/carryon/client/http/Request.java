package dev.carryon.client.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A request without a body: a method, a URL and header fields (added to the client's defaults). */
public record Request(String method, URI uri, List<String[]> headers) {

    public Request {
        Objects.requireNonNull(method);
        Objects.requireNonNull(uri);
        headers = List.copyOf(headers);
    }

    public static Request get(URI uri) {
        return new Request("GET", uri, List.of());
    }

    public static Request head(URI uri) {
        return new Request("HEAD", uri, List.of());
    }

    /** A copy with one more header field. */
    public Request with(String name, String value) {
        List<String[]> h = new ArrayList<>(headers);
        h.add(new String[] {name, value});
        return new Request(method, uri, h);
    }

    /** A copy with all these header fields added. */
    public Request with(List<String[]> more) {
        List<String[]> h = new ArrayList<>(headers);
        h.addAll(more);
        return new Request(method, uri, h);
    }

    public Request at(URI other) {
        return new Request(method, other, headers);
    }

    /** A copy without the fields of this name (case-insensitive). */
    public Request without(String name) {
        List<String[]> h = new ArrayList<>();
        for (String[] f : headers) {
            if (!f[0].equalsIgnoreCase(name)) {
                h.add(f);
            }
        }
        return new Request(method, uri, h);
    }
}
