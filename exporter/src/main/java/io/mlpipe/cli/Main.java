package io.mlpipe.cli;

import io.mlpipe.collector.CollectorCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine;

/** Entry point of {@code mlpipe}; with no subcommand it runs {@code serve}. */
public final class Main {

  private static final Set<String> TOP_LEVEL_FLAGS = Set.of("-h", "--help", "-V", "--version");

  /**
   * Short-lived clients: they never read a --collector flag, so the ~40 of them (and the collector
   * catalog behind them) are not built before the wrapped command starts.
   */
  private static final Set<String> CLIENTS = Set.of("run", "push", "flush", "status");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (2 for usage errors, as picocli and Go's flag do). */
  public static int run(String... args) {
    CommandLine cli = commandLine(args.length == 0 || !CLIENTS.contains(args[0]));
    return cli.execute(withDefaultSubcommand(cli, args));
  }

  static CommandLine commandLine() {
    return commandLine(true);
  }

  static CommandLine commandLine(boolean collectorFlags) {
    CommandLine cli = new CommandLine(new MlpipeCommand());
    // An empty path would mean the working directory (`--storage.path=` writing the WAL there):
    // for every PATH, FILE and DIR option, empty is a usage error instead.
    cli.registerConverter(
        Path.class,
        value -> {
          if (value.isBlank()) {
            throw new CommandLine.TypeConversionException("must not be empty");
          }
          return Path.of(value);
        });
    if (collectorFlags) {
      ServeCommand.addCollectorFlags(
          cli.getSubcommands().get("serve").getCommandSpec(), CollectorCatalog.standard());
    }
    // Everything after the command's name is the command's: mlpipe run ... python x.py --lr 1
    cli.getSubcommands().get("run").setStopAtPositional(true);
    cli.setParameterExceptionHandler(Main::usageError);
    return cli;
  }

  /**
   * A usage error is the problem and where to read more, as git and Go's tools print it, not the
   * whole usage (60 lines for serve) above the one line that matters.
   */
  static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(wording(ex.getMessage()));
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** picocli's messages with its doubled words ({@code option option}) said once. */
  static String wording(String message) {
    return message == null
        ? "invalid arguments"
        : message.replaceAll("\\b([A-Za-z]+) \\1\\b", "$1");
  }

  private static String[] withDefaultSubcommand(CommandLine cli, String[] args) {
    if (args.length > 0
        && (cli.getSubcommands().containsKey(args[0]) || TOP_LEVEL_FLAGS.contains(args[0]))) {
      return args;
    }
    String[] withServe = new String[args.length + 1];
    withServe[0] = "serve";
    System.arraycopy(args, 0, withServe, 1, args.length);
    return withServe;
  }
}
