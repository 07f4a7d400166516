package dev.carryon.server.content;

import java.util.List;

/**
 * One page of a directory listing, in the store's order, which is the same for every page of one listing.
 *
 * @param entries what a request could reach, nothing else (no hidden entries unless served, no state)
 * @param next    the cursor that continues after this page; null after the last page
 */
public record ContentPage(List<ContentEntry> entries, String next) {

    public ContentPage {
        entries = List.copyOf(entries);
    }
}
