package dev.carryon.dist;

import dev.carryon.cli.Main;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes, at build time, what the distribution ships besides the jars: one AsciiDoc man page per command (which
 * Asciidoctor's manpage backend then turns into roff) and the shell completion scripts. Both come from
 * {@link Main#commandLine()}, the model that parses the options, so neither can describe an option that the
 * commands do not take. picocli's own generators start from an annotated class; carryon adds its subcommands in
 * code, so they would see a command without any.
 *
 * <p>Arguments: the directory for the {@code .adoc} pages, the directory for the completion scripts.
 */
public final class Docs {

    /** The commands that get a page: the help command is picocli's and says nothing a page would not. */
    static final List<String> PAGES = List.of("serve", "get", "put", "probe", "completion");

    private Docs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Docs ADOC_DIR COMPLETION_DIR");
        }
        CommandLine cli = Main.commandLine();
        // picocli wraps the synopsis at the usage width, and a wrap inside a label ("FILE... URL") leaves stray
        // emphasis marks in the AsciiDoc; roff wraps the lines itself.
        cli.setUsageHelpWidth(10_000);
        List<String> written = new ArrayList<>();
        Path adoc = Files.createDirectories(Path.of(args[0]));
        written.add(page(adoc, cli.getCommandSpec()));
        for (String name : PAGES) {
            CommandLine sub = cli.getSubcommands().get(name);
            if (sub == null) {
                throw new IllegalStateException("no subcommand " + name + " in the command model");
            }
            written.add(page(adoc, sub.getCommandSpec()));
        }

        Path completion = Files.createDirectories(Path.of(args[1]));
        String bash = AutoComplete.bash("carryon", cli);
        Files.writeString(completion.resolve("carryon.bash"), bash, StandardCharsets.UTF_8);
        // zsh runs the same script through its bash emulation; the prelude turns that on, so that one line in
        // ~/.zshrc (source .../carryon.zsh) is the whole installation.
        Files.writeString(completion.resolve("carryon.zsh"),
                "# carryon completion for zsh: source this file from ~/.zshrc.\n"
                        + "autoload -U +X compinit && compinit\n"
                        + "autoload -U +X bashcompinit && bashcompinit\n"
                        + bash, StandardCharsets.UTF_8);
        written.add("carryon.bash");
        written.add("carryon.zsh");
        System.out.println("docs: wrote " + String.join(", ", written));
    }

    /** Writes {@code carryon-NAME.adoc} (or {@code carryon.adoc}) and returns its file name. */
    private static String page(Path dir, CommandSpec spec) throws IOException {
        String file = spec.qualifiedName("-") + ".adoc";
        try (Writer w = Files.newBufferedWriter(dir.resolve(file), StandardCharsets.UTF_8);
             PrintWriter out = new PrintWriter(w)) {
            ManPageGenerator.writeSingleManPage(out, spec);
        }
        return file;
    }
}
