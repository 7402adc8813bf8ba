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
   * Short-lived clients: built alone ({@link #clientCommandLine}), without the other subcommands,
   * the ~40 --collector flags and the collector catalog, so that a wrapped command starts sooner.
   */
  private static final Set<String> CLIENTS = Set.of("run", "push", "flush", "status");

  private Main() {}

  public static void main(String[] args) {
    useExitSafeLogManager();
    System.exit(run(args));
  }

  /**
   * Chooses {@link ExitSafeLogManager} unless {@code -Djava.util.logging.manager} chose one. Here,
   * not in that class: calling a static method of it would initialise its superclass, the
   * LogManager, which reads the property once, before it is set.
   */
  private static void useExitSafeLogManager() {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", ExitSafeLogManager.class.getName());
    }
  }

  /** Runs the CLI and returns the exit code (2 for usage errors, as picocli and Go's flag do). */
  public static int run(String... args) {
    RunCommand plainRun = RunArgs.parse(args);
    if (plainRun != null) {
      return plainRun.callAsPicocliWould();
    }
    if (args.length > 0 && CLIENTS.contains(args[0])) {
      return clientCommandLine(args[0]).execute(args);
    }
    if (isServe(args)) {
      CommandLine serve = serveCommandLine();
      return serve.execute(withDefaultSubcommand(serve, args));
    }
    CommandLine cli = commandLine();
    return cli.execute(withDefaultSubcommand(cli, args));
  }

  /**
   * {@code mlpipe} with only the client subcommand {@code name} under it. picocli reflects over
   * every subcommand's options when it builds a command line (serve, report and demo alone load the
   * agent's, Jackson's and the report's classes for their option types): built whole, it was most
   * of what `mlpipe run` did before starting the wrapped command. Usage, errors and exit codes are
   * the same: the subcommand is still {@code mlpipe NAME} to picocli.
   */
  static CommandLine clientCommandLine(String name) {
    Object root =
        switch (name) {
          case "run" -> new RunOnly();
          case "push" -> new PushOnly();
          case "flush" -> new FlushOnly();
          case "status" -> new StatusOnly();
          default -> throw new IllegalArgumentException("not a client subcommand: " + name);
        };
    CommandLine cli = new CommandLine(root);
    return configure(cli);
  }

  // mlpipe with one client subcommand, declared as MlpipeCommand declares them all, so picocli
  // builds the subcommand the same way (push's model transformer included).
  @CommandLine.Command(name = "mlpipe", subcommands = RunCommand.class)
  static final class RunOnly {}

  @CommandLine.Command(name = "mlpipe", subcommands = PushCommand.class)
  static final class PushOnly {}

  @CommandLine.Command(name = "mlpipe", subcommands = FlushCommand.class)
  static final class FlushOnly {}

  @CommandLine.Command(name = "mlpipe", subcommands = StatusCommand.class)
  static final class StatusOnly {}

  /**
   * Whether {@code args} run the agent: no arguments, {@code serve ...}, or flags that are not the
   * top-level ones ({@code mlpipe --web.listen-address=:9478} is {@code mlpipe serve ...}). A word
   * that is not {@code serve} goes to the whole command line, which knows every subcommand and
   * suggests one for a typo.
   */
  static boolean isServe(String[] args) {
    return args.length == 0
        || args[0].equals("serve")
        || (args[0].startsWith("-") && !TOP_LEVEL_FLAGS.contains(args[0]));
  }

  /**
   * {@code mlpipe} with only {@code serve} under it, as {@link #clientCommandLine} is for clients:
   * built whole, picocli reflected over every other subcommand's options first (report's, demo's
   * and status' option and field types loaded Jackson, the report and the demo), ~1,000 classes and
   * their reflection data that the agent then held for its whole life (idle RSS, start-up).
   */
  static CommandLine serveCommandLine() {
    CommandLine cli = new CommandLine(new ServeOnly());
    ServeCommand.addCollectorFlags(
        cli.getSubcommands().get("serve").getCommandSpec(), CollectorCatalog.standard());
    return configure(cli);
  }

  @CommandLine.Command(
      name = "mlpipe",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      subcommands = ServeCommand.class)
  static final class ServeOnly {}

  /** The whole command line: every subcommand, serve with its --collector flags. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new MlpipeCommand());
    ServeCommand.addCollectorFlags(
        cli.getSubcommands().get("serve").getCommandSpec(), CollectorCatalog.standard());
    return configure(cli);
  }

  /** What every mlpipe command line gets, after its subcommands are added. */
  private static CommandLine configure(CommandLine cli) {
    // picocli replaces an argument @FILE by FILE's lines, even after "--": a wrapped command's own
    // arguments (curl -d @body.json) and values (push --error @home) must arrive as they are.
    cli.setExpandAtFiles(false);
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
    // Everything after the command's name is the command's: mlpipe run ... python x.py --lr 1
    CommandLine run = cli.getSubcommands().get("run");
    if (run != null) {
      run.setStopAtPositional(true);
    }
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
