package io.mlpipe.cli;

import io.mlpipe.config.Config;
import io.mlpipe.config.ConfigException;
import io.mlpipe.config.ConfigLoader;
import io.mlpipe.http.WebConfig;
import io.mlpipe.http.WebConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mlpipe check-config [FILE...] [--web.config.file=FILE]}: validates without starting, like
 * promtool check config, with the loaders the agent uses at start-up, so a file that passes here
 * starts the agent and one that fails prints the errors the agent would refuse to start with.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Check configuration files for errors without starting the agent: the agent config (its"
            + " tokens_file too) and, with --web.config.file, the web config (TLS, basic auth).")
final class CheckConfigCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "FILE", description = "Agent configuration files")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--web.config.file",
      paramLabel = "FILE",
      description = "Web configuration (exporter-toolkit format) to check as well")
  Path webConfigFile;

  /** One check: what it found, or a ConfigException. */
  private interface Check {
    String run() throws ConfigException;
  }

  @Override
  public Integer call() {
    if (files.isEmpty() && webConfigFile == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "Give at least one FILE or --web.config.file=FILE");
    }
    int status = 0;
    for (Path file : files) {
      status |= check(file, () -> describe(ConfigLoader.load(file)));
    }
    if (webConfigFile != null) {
      status |= check(webConfigFile, () -> describe(WebConfigLoader.load(webConfigFile)));
    }
    return status;
  }

  private int check(Path file, Check check) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      String found = check.run();
      out.printf("Checking %s%n  SUCCESS: %s%n", file, found);
      return 0;
    } catch (ConfigException e) {
      err.printf("Checking %s%n  FAILED:%n", file);
      e.errors().forEach(problem -> err.println("  " + problem));
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String describe(Config config) {
    return config.pipelines().declared().size() + " pipelines declared";
  }

  private static String describe(WebConfig web) {
    String tls =
        web.tls() == null
            ? "no TLS"
            : "TLS "
                + String.join("/", web.tls().protocols())
                + ", client certificates: "
                + web.tls().clientAuth();
    return "web config: "
        + tls
        + ", "
        + web.users().size()
        + " basic-auth users, "
        + web.headers().size()
        + " headers";
  }
}
