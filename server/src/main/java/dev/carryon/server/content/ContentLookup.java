package dev.carryon.server.content;

/** The outcome of looking up a request path in the served content. */
public sealed interface ContentLookup {

    /** An existing file or directory that the request may reach. */
    record Found(ContentEntry entry) implements ContentLookup {
    }

    /** 404, with the reason for the body. */
    record NotFound(String reason) implements ContentLookup {
    }

    /** 403, with the reason for the body. */
    record Forbidden(String reason) implements ContentLookup {
    }
}
