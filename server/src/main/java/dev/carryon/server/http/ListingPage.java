package dev.carryon.server.http;

import dev.carryon.core.path.RequestPath;
import dev.carryon.server.upload.UploadSettings;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The HTML listing, which is also the browser page: server-rendered so that browsing works without JavaScript
 * (names, sizes, dates, download links, a {@code carryon get} command per file), then enhanced by
 * {@code /-/ui/app.js} (uploads with resume, live transfers, copy buttons). The page holds no inline script or
 * style: its Content-Security-Policy allows only the server's own. What the script needs to know about the
 * server comes in {@code data-} attributes of the body.
 */
final class ListingPage {

    /** Scripts and styles only from this server; the page talks only to it; nothing may frame it. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final DateTimeFormatter DISPLAY_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter EXACT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** A Host header fit to go into a URL: a name or address and a port, nothing else. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    /**
     * What the page says about the server.
     *
     * @param origin  {@code http://host:port} as the browser reached the server, for the absolute URLs of the
     *                {@code carryon get} commands
     * @param uploads the upload settings, or null when uploads are off
     * @param journal whether the transfer journal (and its API) is on
     */
    record Settings(String origin, UploadSettings uploads, boolean journal) {
    }

    private ListingPage() {
    }

    /** The origin from the request's Host, or {@code fallbackHost} when it is missing or not a plain host. */
    static String origin(boolean tls, String hostHeader, String fallbackHost) {
        String host = hostHeader != null && HOST.matcher(hostHeader.strip()).matches() ? hostHeader.strip() : fallbackHost;
        return (tls ? "https" : "http") + "://" + host;
    }

    static byte[] render(RequestPath.Parsed path, List<DirectoryListing.Entry> entries, Settings s) {
        String dirHref = DirectoryListing.location(path);
        String title = escape(path.canonical());
        UploadSettings up = s.uploads();
        StringBuilder b = new StringBuilder(4096 + entries.size() * 400);
        b.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Index of ").append(title).append(" · carryon</title>\n")
                .append("<link rel=\"icon\" href=\"/-/ui/icon.svg\" type=\"image/svg+xml\">\n")
                .append("<link rel=\"stylesheet\" href=\"/-/ui/app.css\">\n")
                .append("<script type=\"module\" src=\"/-/ui/app.js\"></script>\n")
                .append("</head>\n<body data-dir=\"").append(escape(dirHref)).append('"')
                .append(" data-uploads=\"").append(up == null ? "off" : "on").append('"');
        if (up != null) {
            b.append(" data-upload-path=\"").append(escape(up.path())).append('"')
                    .append(" data-upload-token=\"").append(up.tokens().isEmpty() ? "none" : "required").append('"')
                    .append(" data-max-upload-size=\"").append(up.maxSize()).append('"');
        }
        b.append(" data-journal=\"").append(s.journal() ? "on" : "off").append("\">\n")
                .append("<a class=\"skip\" href=\"#files\">Skip to the files</a>\n")
                .append("<header class=\"top\">\n<p class=\"brand\">carryon</p>\n")
                .append("<nav aria-label=\"Breadcrumb\" class=\"crumbs\"><ol>");
        StringBuilder href = new StringBuilder("/");
        b.append("<li><a class=\"crumb\" href=\"/\"").append(path.isRoot() ? " aria-current=\"page\"" : "")
                .append(">/</a></li>");
        List<String> segments = path.segments();
        for (int i = 0; i < segments.size(); i++) {
            String seg = segments.get(i);
            href.append(i == 0 && seg.equals("-") ? "%2D" : RequestPath.encodeSegment(seg)).append('/');
            b.append("<li><a class=\"crumb\" href=\"").append(escape(href.toString())).append('"')
                    .append(i == segments.size() - 1 ? " aria-current=\"page\"" : "").append('>')
                    .append(escape(seg)).append("/</a></li>");
        }
        b.append("</ol></nav>\n</header>\n<main>\n<h1>Index of ").append(title).append("</h1>\n");
        if (up != null) {
            uploadSection(b, path);
        }
        b.append("<section id=\"files\" aria-labelledby=\"files-h\">\n")
                .append("<h2 id=\"files-h\" class=\"vh\">Files</h2>\n")
                .append("<table class=\"listing\">\n<thead><tr><th scope=\"col\">Name</th>")
                .append("<th scope=\"col\" class=\"n\">Size</th><th scope=\"col\">Modified</th>")
                .append("<th scope=\"col\">Download with carryon</th></tr></thead>\n<tbody>\n");
        if (!path.isRoot()) {
            b.append("<tr class=\"up\"><td class=\"name\"><a href=\"../\">../</a></td><td></td><td></td><td></td></tr>\n");
        }
        for (DirectoryListing.Entry e : entries) {
            String link = RequestPath.encodeSegment(e.name()) + (e.directory() ? "/" : "");
            if (path.isRoot() && e.name().equals("-")) {
                link = "%2D" + (e.directory() ? "/" : ""); // "/-/" is reserved for the server's own routes
            }
            b.append("<tr class=\"").append(e.directory() ? "dir" : "file").append("\"><td class=\"name\">")
                    .append("<a href=\"").append(escape(link)).append("\">").append(escape(e.name()))
                    .append(e.directory() ? "/" : "").append("</a></td>");
            if (e.directory()) {
                b.append("<td class=\"n\"><span class=\"vh\">folder</span></td>");
            } else {
                b.append("<td class=\"n\" data-label=\"Size\"><span class=\"size\" data-bytes=\"").append(e.size())
                        .append("\" title=\"").append(String.format(Locale.ROOT, "%,d", e.size()))
                        .append(" bytes\">").append(humanSize(e.size())).append("</span></td>");
            }
            b.append("<td class=\"date\" data-label=\"Modified\"><time datetime=\"").append(e.modified())
                    .append("\" title=\"").append(EXACT_TIME.format(e.modified())).append("\">")
                    .append(DISPLAY_TIME.format(e.modified())).append("</time></td><td class=\"get\">");
            if (!e.directory()) {
                String command = "carryon get " + shellWord(s.origin() + dirHref + link);
                b.append("<div class=\"cmd\"><code>").append(escape(command)).append("</code>")
                        .append("<button type=\"button\" class=\"copy\" hidden aria-label=\"Copy the carryon command for ")
                        .append(escape(e.name())).append("\">Copy</button></div>");
            }
            b.append("</td></tr>\n");
        }
        if (entries.isEmpty()) {
            b.append("<tr class=\"empty\"><td colspan=\"4\">This folder is empty.</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
        if (s.journal()) {
            b.append("<section id=\"transfers\" class=\"transfers\" aria-labelledby=\"transfers-h\" hidden>\n")
                    .append("<h2 id=\"transfers-h\">Transfers</h2>\n")
                    .append("<p id=\"transfers-status\" class=\"note\" role=\"status\"></p>\n")
                    .append("<h3>Downloads in progress</h3>\n")
                    // What the server can know is what the client's system acknowledged, not what it has written.
                    .append("<p id=\"t-downloads-note\" class=\"note\">Sent counts the bytes the client's ")
                    .append("system has acknowledged (elsewhere than on Linux: those handed to the network). A ")
                    .append("client that reads slower than the link may not have written the last of them yet, ")
                    .append("up to its receive buffer per connection, until it catches up.</p>\n")
                    .append("<ul id=\"t-downloads\" class=\"tlist\"></ul>\n")
                    .append("<h3>Uploads in progress</h3>\n<ul id=\"t-uploads\" class=\"tlist\"></ul>\n")
                    .append("<h3>Recently finished</h3>\n<ul id=\"t-done\" class=\"tlist\"></ul>\n")
                    .append("</section>\n");
        }
        b.append("</main>\n<footer class=\"foot\"><p>Served by carryon. Resume any download with ")
                .append("<code>carryon get URL</code>, or with curl -C -.</p></footer>\n</body>\n</html>\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void uploadSection(StringBuilder b, RequestPath.Parsed path) {
        // Hidden until the script shows it: uploading needs the script.
        b.append("<section id=\"upload\" class=\"upload\" aria-labelledby=\"upload-h\" hidden>\n")
                .append("<h2 id=\"upload-h\">Upload</h2>\n")
                .append("<p id=\"upload-where\" class=\"note\">")
                .append(path.isRoot() ? "Uploads are saved in this folder."
                        : "Uploads are saved in the top folder (/), not in this one: the server places every upload there.")
                .append(" An interrupted upload resumes when you choose the same file again, even after a reload.</p>\n")
                .append("<form id=\"token-form\" class=\"token\" hidden>\n")
                .append("<label for=\"token\">Upload token</label>\n")
                .append("<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required ")
                .append("aria-describedby=\"token-help\">\n")
                .append("<button type=\"submit\">Use this token</button>\n")
                .append("<p id=\"token-help\" class=\"note\">This server takes uploads only with a token. ")
                .append("It is kept in this tab only (session storage).</p>\n")
                .append("<p id=\"token-msg\" class=\"msg\" role=\"status\"></p>\n")
                .append("</form>\n")
                .append("<div id=\"upload-ui\" class=\"upload-ui\">\n")
                // The button below is the control; the input behind it is no second, invisible tab stop.
                .append("<input type=\"file\" id=\"file-input\" class=\"vh\" multiple tabindex=\"-1\" aria-label=\"Files to upload\">\n")
                .append("<button type=\"button\" id=\"drop\" class=\"drop\" aria-describedby=\"drop-help\">")
                .append("<span class=\"drop-main\">Choose files</span> ")
                .append("<span id=\"drop-help\" class=\"drop-sub\">or drop them here</span></button>\n")
                .append("<ul id=\"upload-list\" class=\"ulist\" aria-label=\"Uploads\"></ul>\n")
                .append("</div>\n</section>\n");
    }

    /** 1536 -> "1.5 KiB"; below 1 KiB, bytes. */
    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    /** A URL as one shell word: as it is when it holds only characters no shell treats specially, else quoted. */
    static String shellWord(String s) {
        if (s.matches("[A-Za-z0-9._~:/%@+,=\\-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static String escape(String s) {
        return DirectoryListing.escape(s);
    }
}
