package dev.carryon.cli;

import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The {@code carryon} command. */
@Command(name = "carryon",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Resumable transfer of large files over HTTP.",
        exitCodeListHeading = "%nExit codes:%n")
public final class Main {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("serve")
                && System.getProperty("org.slf4j.simpleLogger.showDateTime") == null) {
            // A server's log lines carry their date; a get's rare warnings go to a terminal without, since the
            // date format loads the locale data (40 ms). Before Netty, whose first class sets up logging.
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        }
        tuneNetty();
        System.exit(run(args));
    }

    /**
     * Netty's defaults that cost every run and help nobody outside a debugging session; a -D option on the command
     * line (CARRYON_JAVA_OPTS) wins over each. Not in {@link #run}: the tests run commands in-process and keep both.
     */
    static void tuneNetty() {
        // Registering Netty's buffer events with the flight recorder takes 150 ms before the first byte of a get.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        // Sampling buffers for leaks costs a stack trace now and then.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** Runs a command line and returns its exit code; never exits the JVM. */
    public static int run(String... args) {
        CommandLine cli = commandLine(args.length == 0 ? null : args[0]);
        return cli.execute(args);
    }

    /**
     * The whole command model, as {@code carryon --help} sees it: the distribution's build writes the man pages and
     * the completion scripts from it, so that they describe the options that the commands really parse.
     */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command line with every subcommand, or only {@code first} when it names one: picocli reads each
     * subcommand's options by reflection, and building serve's for a get took a tenth of a second.
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new Main());
        Map<String, Supplier<Object>> subcommands = new LinkedHashMap<>();
        subcommands.put("serve", ServeCommand::new);
        subcommands.put("get", GetCommand::new);
        subcommands.put("put", PutCommand::new);
        subcommands.put("probe", ProbeCommand::new);
        subcommands.put("completion", CompletionCommand::new);
        subcommands.put("help", CommandLine.HelpCommand::new);
        // help and completion describe every command, so they need them all
        Supplier<Object> only = first == null || first.equals("help") || first.equals("completion") ? null
                : subcommands.get(first);
        if (only != null) {
            cli.addSubcommand(first, only.get());
        } else {
            subcommands.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        // An option given twice takes the later value, as with curl: a command line can override what an argument
        // file (@serve.conf) says.
        cli.setOverwrittenOptionsAllowed(true);
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
        return Versions.number();
    }

    /** {@code --version}: see {@link Versions}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return Versions.lines();
        }
    }
}
