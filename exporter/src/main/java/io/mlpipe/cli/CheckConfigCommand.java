package io.mlpipe.cli;

import io.mlpipe.config.Config;
import io.mlpipe.config.ConfigException;
import io.mlpipe.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlpipe check-config FILE...}: validates without starting, like promtool check config. */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Check configuration files for errors without starting the agent.")
final class CheckConfigCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "YAML configuration files")
  List<Path> files;

  @Override
  public Integer call() {
    java.io.PrintWriter out = spec.commandLine().getOut();
    java.io.PrintWriter err = spec.commandLine().getErr();
    int status = 0;
    for (Path file : files) {
      try {
        Config config = ConfigLoader.load(file);
        out.printf(
            "Checking %s%n  SUCCESS: %d pipelines declared%n",
            file, config.pipelines().declared().size());
      } catch (ConfigException e) {
        err.printf("Checking %s%n  FAILED:%n", file);
        e.errors().forEach(problem -> err.println("  " + problem));
        status = 1;
      }
      out.flush();
      err.flush();
    }
    return status;
  }
}
