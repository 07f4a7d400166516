package dev.carryon.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.carryon.client.TransferException;
import dev.carryon.client.download.DownloadOptions;
import dev.carryon.client.download.ProbeReport;
import dev.carryon.client.download.Prober;
import dev.carryon.client.http.HttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.concurrent.Callable;

/** {@code carryon probe URL}. */
@Command(name = "probe",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Tell whether a server supports resumed downloads.",
        description = {
            "Tell whether and how well a server supports resumption, from real requests of a byte or two:",
            "a Range answer, validator strength, If-Range with the right and a wrong validator, multipart,",
            "Repr-Digest, the protocol. Exit 0 when downloads from it can resume, 7 when they cannot."
        })
final class ProbeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", description = "The URL to probe (http or https).")
    String target;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        URI url = Urls.parse(target);
        ProbeReport report;
        try (HttpClient client = new HttpClient(connection.client().build())) {
            report = new Prober(client, connection.apply(DownloadOptions.builder()).build()).probe(url);
        } catch (TransferException e) {
            throw new CliException(ExitCode.of(e.kind()), e.getMessage(), e);
        }
        if (json) {
            printJson(System.out, report);
        } else {
            printText(System.out, report);
        }
        return report.resumable() ? ExitCode.OK.code : ExitCode.NOT_RESUMABLE.code;
    }

    static void printText(PrintStream out, ProbeReport r) {
        row(out, "URL", r.url() + (r.finalUrl().equals(r.url()) ? "" : "  (redirected to " + r.finalUrl() + ")"));
        row(out, "Protocol", r.protocol());
        if (r.tls() != null) {
            row(out, "TLS", r.tls());
        }
        row(out, "Length", r.length() < 0 ? "unknown" : r.length() + " (" + SizeConverter.format(r.length()) + ")");
        row(out, "Accept-Ranges", r.acceptRanges() == null ? "(none)" : r.acceptRanges());
        row(out, "Range 0-0", r.rangeStatus() + (r.contentRange() == null ? "" : ", Content-Range: " + r.contentRange())
                + (r.rangeCorrect() ? "  (ranges work)" : "  (ranges do not work)"));
        row(out, "ETag", r.etag() == null ? "(none)" : r.etag() + (r.etagStrong() ? "  (strong)" : "  (weak)"));
        row(out, "Last-Modified", r.lastModified() == null ? "(none)"
                : r.lastModified() + (r.lastModifiedStrong() ? "  (strong)" : "  (weak: too recent)"));
        if (r.ifRangeMatchStatus() != 0) {
            row(out, "If-Range", "current validator: " + r.ifRangeMatchStatus() + (r.ifRangeMatchStatus() == 206 ? " (right)" : " (wrong)")
                    + ", another: " + r.ifRangeMismatchStatus() + (r.ifRangeMismatchStatus() == 200 ? " (right)" : " (wrong)"));
        }
        if (r.multipartStatus() != 0) {
            row(out, "Multi-range", r.multipartStatus() + (r.multipartType() == null ? "" : ", " + r.multipartType()));
        }
        row(out, "Repr-Digest", r.reprDigest() == null ? "(none)" : r.reprDigest());
        if (r.legacyDigest() != null) {
            row(out, "Digest", r.legacyDigest());
        }
        row(out, "Verdict", switch (r.verdict()) {
            case RESUMABLE -> "resumable";
            case RESUMABLE_WITH_CHECKS -> "resumable, with checks";
            case NOT_RESUMABLE -> "not resumable";
        });
        for (String reason : r.reasons()) {
            row(out, "", reason);
        }
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("%-15s%s%n", name, value);
    }

    static void printJson(PrintStream out, ProbeReport r) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("url", r.url().toString());
            g.writeStringField("finalUrl", r.finalUrl().toString());
            g.writeStringField("protocol", r.protocol());
            g.writeStringField("tls", r.tls());
            g.writeNumberField("length", r.length());
            g.writeStringField("acceptRanges", r.acceptRanges());
            g.writeNumberField("rangeStatus", r.rangeStatus());
            g.writeStringField("contentRange", r.contentRange());
            g.writeBooleanField("rangesWork", r.rangeCorrect());
            g.writeStringField("etag", r.etag());
            g.writeBooleanField("etagStrong", r.etagStrong());
            g.writeStringField("lastModified", r.lastModified());
            g.writeBooleanField("lastModifiedStrong", r.lastModifiedStrong());
            g.writeNumberField("ifRangeMatchStatus", r.ifRangeMatchStatus());
            g.writeNumberField("ifRangeMismatchStatus", r.ifRangeMismatchStatus());
            g.writeNumberField("multipartStatus", r.multipartStatus());
            g.writeStringField("multipartType", r.multipartType());
            g.writeStringField("reprDigest", r.reprDigest());
            g.writeStringField("digest", r.legacyDigest());
            g.writeStringField("verdict", r.verdict().name().toLowerCase(java.util.Locale.ROOT));
            g.writeBooleanField("resumable", r.resumable());
            g.writeArrayFieldStart("reasons");
            for (String reason : r.reasons()) {
                g.writeString(reason);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.println(w);
    }
}
