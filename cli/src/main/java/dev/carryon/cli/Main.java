package dev.carryon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code carryon} command. */
@Command(name = "carryon",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Resumable transfer of large files over HTTP.",
        subcommands = {ServeCommand.class, GetCommand.class, PutCommand.class, ProbeCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n")
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; never exits the JVM. */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // Descriptions are written as lines of about 100 characters; at picocli's default 80 each would wrap.
        cli.setUsageHelpWidth(110);
        cli.getCommandSpec().usageMessage().exitCodeList(ExitCode.helpList());
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList());
        }
        cli.setExitCodeExceptionMapper(e -> e instanceof CliException c ? c.exitCode().code : ExitCode.INTERNAL.code);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CliException c) {
                err.println("carryon: " + c.getMessage());
                err.flush();
                return c.exitCode().code;
            }
            err.println("carryon: internal error: " + e);
            e.printStackTrace(err);
            err.flush();
            return ExitCode.INTERNAL.code;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("carryon: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more.");
            err.flush();
            return ExitCode.USAGE.code;
        });
        return cli;
    }

    /** The version number from the jar's manifest, or "dev" when run from classes. */
    static String versionNumber() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"carryon " + (v == null ? "development" : v)};
        }
    }
}
