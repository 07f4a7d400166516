package dev.carryon.client.download;

import dev.carryon.client.TransferException;
import dev.carryon.client.http.Call;
import dev.carryon.client.http.HttpClient;
import dev.carryon.client.http.Request;
import dev.carryon.core.download.ResponseHead;
import dev.carryon.core.download.ResponseJudge;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Sends the downloader's requests: adds its header fields, follows redirects (remembering where the bytes really
 * are, so later requests go straight there), keeps credentials to the host they were given for, and reads the
 * reason out of an error body.
 */
final class Fetcher {

    /** A response whose head has arrived. */
    record Response(Call call, ResponseHead head, URI at) {
    }

    private final HttpClient client;
    private final DownloadOptions options;
    private final URI origin;
    private volatile URI source;

    Fetcher(HttpClient client, DownloadOptions options, URI origin) {
        this.client = client;
        this.options = options;
        this.origin = origin;
        this.source = origin;
    }

    /** Where requests go now: the origin URL, or the final URL of the first redirect chain. */
    URI source() {
        return source;
    }

    void source(URI at) {
        source = at;
    }

    /** Goes back to the URL the user gave, e.g. when a redirect's target stopped working. */
    boolean backToOrigin() {
        if (source.equals(origin)) {
            return false;
        }
        source = origin;
        return true;
    }

    /** GET with these extra fields, following redirects; the call must be closed. */
    Response get(List<String[]> fields) throws IOException, TransferException {
        URI at = source;
        for (int hop = 0; ; hop++) {
            Request request = new Request("GET", at, List.of()).with(options.headers()).with(fields);
            if (options.userPassword() != null && sameHost(at, origin)) {
                request = request.with("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        options.userPassword().getBytes(StandardCharsets.UTF_8)));
            }
            Call call = client.send(request);
            ResponseHead head;
            try {
                head = call.head();
            } catch (IOException | RuntimeException e) {
                call.close();
                throw e;
            }
            String location = head.first("location");
            if (isRedirect(head.status()) && location != null) {
                call.close();
                if (hop >= options.maxRedirects()) {
                    throw new TransferException(TransferException.Kind.HTTP, "more than " + options.maxRedirects()
                            + " redirects from " + origin + "; the last pointed to " + location);
                }
                try {
                    at = at.resolve(location.strip());
                } catch (IllegalArgumentException e) {
                    throw new TransferException(TransferException.Kind.HTTP,
                            "the server redirected to an invalid URL: " + location);
                }
                if (!"http".equalsIgnoreCase(at.getScheme()) && !"https".equalsIgnoreCase(at.getScheme())) {
                    throw new TransferException(TransferException.Kind.HTTP,
                            "the server redirected to a URL that is not HTTP: " + at);
                }
                continue;
            }
            if (hop > 0 && head.status() / 100 == 2) {
                source = at;
            }
            return new Response(call, head, at);
        }
    }

    /** The first line of an error body, to quote the server's reason; reads at most 2 KiB. */
    static String reason(Call call, ResponseHead head) {
        String type = head.first("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/")) {
            return "";
        }
        String text = call.text(2048).replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        // Error pages repeat the status line ("404 Not Found"); the message says it already.
        String status = Integer.toString(head.status());
        if (text.startsWith(status)) {
            String rest = text.substring(status.length()).strip();
            String phrase = ResponseJudge.reason(head.status());
            if (rest.regionMatches(true, 0, phrase, 0, phrase.length())) {
                rest = rest.substring(phrase.length()).strip();
            }
            text = rest;
        }
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort()
                && a.getScheme().equalsIgnoreCase(b.getScheme());
    }
}
