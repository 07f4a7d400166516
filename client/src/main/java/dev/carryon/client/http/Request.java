package dev.carryon.client.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A request: a method, a URL, header fields (added to the client's defaults) and, for uploads, a body that is a
 * slice of a file (null for none).
 */
public record Request(String method, URI uri, List<String[]> headers, FileSlice body) {

    public Request {
        Objects.requireNonNull(method);
        Objects.requireNonNull(uri);
        headers = List.copyOf(headers);
    }

    public Request(String method, URI uri, List<String[]> headers) {
        this(method, uri, headers, null);
    }

    public Request withBody(FileSlice slice) {
        return new Request(method, uri, headers, slice);
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
        return new Request(method, uri, h, body);
    }

    /** A copy with all these header fields added. */
    public Request with(List<String[]> more) {
        List<String[]> h = new ArrayList<>(headers);
        h.addAll(more);
        return new Request(method, uri, h, body);
    }

    public Request at(URI other) {
        return new Request(method, other, headers, body);
    }

    /** A copy without the fields of this name (case-insensitive). */
    public Request without(String name) {
        List<String[]> h = new ArrayList<>();
        for (String[] f : headers) {
            if (!f[0].equalsIgnoreCase(name)) {
                h.add(f);
            }
        }
        return new Request(method, uri, h, body);
    }
}
