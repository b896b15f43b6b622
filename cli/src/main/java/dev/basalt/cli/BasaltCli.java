package dev.basalt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code basalt} command. Each capability adds its subcommand here. Failures print one line
 * ({@code basalt: error: ...}); {@code --debug} adds the stack trace.
 */
@Command(name = "basalt",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Self-hosted generative AI that speaks the Amazon Bedrock and OpenAI APIs.",
        subcommands = {ServeCommand.class, ChatCommand.class, ModelsCommand.class, BenchCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class BasaltCli {
    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    /** Where interactive commands (chat) read their input. */
    java.io.InputStream in = System.in;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (separate from {@link #main} for tests). */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams (tests capture them). */
    static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return run(System.in, out, err, args);
    }

    /** Runs the command line with the given input and output streams (tests feed and capture them). */
    static int run(java.io.InputStream in, java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        BasaltCli root = new BasaltCli();
        root.in = in;
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (root.debug) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().println("basalt: error: " + oneLine(e));
            return 1;
        });
        return cli.execute(args);
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.replace('\n', ' ');
    }
}
