package io.mlpipe.bench;

import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorSpec;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The benchmarks jar's entry point: JMH's own, except that {@link HostCollectorBenchmark} runs
 * every collector of {@link CollectorCatalog#standard()} (but gpu, which needs a GPU) unless {@code
 * -p collector=...} names some. The catalog is the one list of collectors; the benchmark keeps no
 * copy of it.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions cmd = new CommandLineOptions(args);
    if (cmd.shouldHelp()
        || cmd.shouldList()
        || cmd.shouldListWithParams()
        || cmd.shouldListProfilers()
        || cmd.shouldListResultFormats()
        || cmd.getParameter("collector").hasValue()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    new Runner(new OptionsBuilder().parent(cmd).param("collector", collectors()).build()).run();
  }

  /** The catalog's collector names, gpu left out. */
  static String[] collectors() {
    return CollectorCatalog.standard().all().stream()
        .map(CollectorSpec::name)
        .filter(n -> !n.equals("gpu"))
        .toArray(String[]::new);
  }
}
