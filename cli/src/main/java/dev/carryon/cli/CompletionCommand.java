package dev.carryon.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Prints the shell completion script, made from the same command model that parses the options, so that it can
 * never list an option that does not exist or miss one that does.
 */
@Command(name = "completion",
        mixinStandardHelpOptions = true,
        header = "Print a bash (and zsh) completion script for carryon.",
        description = {
                "Install for bash: carryon completion > ~/.local/share/bash-completion/completions/carryon",
                "For zsh, in ~/.zshrc: autoload -U +X bashcompinit && bashcompinit; source <(carryon completion)"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.commandLine().getParent();
        root.getOut().print(AutoComplete.bash("carryon", root));
        root.getOut().flush();
        return ExitCode.OK.code;
    }
}
