package io.mlpipe.cli;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.SecurityOptions;
import io.mlpipe.StartupException;
import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorContext;
import io.mlpipe.config.ConfigException;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.demo.Demo;
import io.mlpipe.demo.Fault;
import io.mlpipe.demo.FaultKind;
import io.mlpipe.demo.Workload;
import io.mlpipe.http.ListenAddress;
import io.mlpipe.store.FsyncMode;
import io.mlpipe.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlpipe demo}: a simulated ML workload (churn daily, recsys hourly, fraud every 5 minutes)
 * driven through an agent's HTTP APIs, with optional faults. Starts its own agent unless {@code
 * --agent} names one.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Run a simulated ML workload against an agent (its own unless --agent is given).",
      "Event times are real wall-clock times; --speed compresses durations and intervals, and the"
          + " config the demo writes for its own agent divides SLAs and expected intervals by the"
          + " same factor, so that the shipped alert rules judge the compressed workload like a"
          + " real one."
    })
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--agent",
      paramLabel = "URL",
      description = "Drive this agent (e.g. http://127.0.0.1:9478) instead of starting one.")
  URI agentUrl;

  @Option(
      names = "--web.grafana-url",
      paramLabel = "URL",
      description =
          "Grafana's base URL where dashboards/ are installed, for the links of the agent the demo"
              + " starts (as serve's flag).")
  String grafanaUrl;

  @Option(
      names = "--speed",
      defaultValue = "60",
      paramLabel = "N",
      description =
          "Simulated seconds per real second (default: ${DEFAULT-VALUE}: the daily pipeline runs"
              + " every 24 minutes); capped per pipeline so runs start at most every 10 s.")
  double speed;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of the workload's variance (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--fault",
      paramLabel = "NAME[@PIPELINE[/STAGE]][:after=DURATION]",
      description = "Inject a fault (repeatable); --list-faults lists them.")
  List<String> faults = new ArrayList<>();

  @Option(names = "--list-faults", description = "List the faults and the alert each should fire.")
  boolean listFaults;

  @Option(
      names = "--duration",
      converter = Converters.PositiveDuration.class,
      paramLabel = "DURATION",
      description = "Stop after this long (real time); default: until interrupted.")
  Duration duration;

  @Option(
      names = "--web.listen-address",
      defaultValue = ":9478",
      paramLabel = "HOST:PORT",
      description = "Where the demo's own agent listens (default: ${DEFAULT-VALUE}).")
  String listenAddress;

  @Option(
      names = "--config.file",
      paramLabel = "FILE",
      description =
          "Configuration of the demo's own agent; default: one the demo writes, declaring its"
              + " pipelines with thresholds scaled to --speed.")
  Path configFile;

  @Option(
      names = "--storage.path",
      paramLabel = "DIR",
      description =
          "Store of the demo's own agent; default: a temporary directory, deleted on exit.")
  Path storagePath;

  @Option(
      names = "--bearer-token-file",
      paramLabel = "FILE",
      description = "Send this token (Authorization: Bearer) with every request to the agent.")
  Path bearerTokenFile;

  @Option(
      names = "--log.level",
      defaultValue = "info",
      paramLabel = "LEVEL",
      description = "Agent log level: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Logging.LogLevel logLevel;

  // Test seams (as serve's): where the shutdown hook is registered, and how the agent starts.
  java.util.function.Consumer<Thread> addShutdownHook = Runtime.getRuntime()::addShutdownHook;
  ServeCommand.AgentStarter starter = Agent::start;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String grafana = ServeCommand.grafanaUrl(spec.commandLine(), grafanaUrl);
    if (listFaults) {
      out.print(FaultKind.listing());
      out.flush();
      return 0;
    }
    List<Fault> parsed = new ArrayList<>();
    for (String f : faults) {
      try {
        parsed.add(Fault.parse(f));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--fault: " + e.getMessage());
      }
    }
    if (!(speed >= 1 && speed <= 1_000_000)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--speed must be between 1 and 1000000, got " + speed);
    }
    String token = null;
    if (bearerTokenFile != null) {
      token = Files.readString(bearerTokenFile, StandardCharsets.UTF_8).strip();
    }
    Logging.configure(logLevel, Logging.LogFormat.logfmt);

    // The hook is in place before anything starts, so a SIGTERM that arrives while the agent
    // starts (store recovery can take a while) still closes the demo and its agent once started.
    ShutdownHook hook = new ShutdownHook(Duration.ofMinutes(1));
    addShutdownHook.accept(hook.thread());
    AutoCloseable running = null;
    try {
      Agent agent = null;
      Path tempDir = null;
      URI target = agentUrl;
      if (target == null) {
        ListenAddress address;
        try {
          address = ListenAddress.parse(listenAddress);
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        tempDir = Files.createTempDirectory("mlpipe-demo");
        Path config = configFile;
        if (config == null) {
          config = tempDir.resolve("mlpipe-demo.yml");
          Files.writeString(config, Workload.configYaml(speed), StandardCharsets.UTF_8);
        }
        ConfigHolder holder;
        try {
          holder = ConfigHolder.load(config);
        } catch (ConfigException e) {
          deleteTree(tempDir);
          return ServeCommand.refuse(
              spec.commandLine(), "mlpipe demo: invalid configuration, not starting:", e);
        }
        Path storage = storagePath != null ? storagePath : tempDir.resolve("data");
        try {
          agent =
              starter.start(
                  new AgentOptions(
                      address,
                      holder,
                      CollectorCatalog.standard(),
                      Map.of(),
                      CollectorContext.defaults(),
                      storage,
                      FsyncMode.batch,
                      false,
                      Map.of(
                          "web.listen-address", listenAddress,
                          "config.file", config.toString(),
                          "demo.speed", Double.toString(speed)),
                      SecurityOptions.none(),
                      grafana));
        } catch (StartupException e) {
          deleteTree(tempDir);
          return ServeCommand.refuse(spec.commandLine(), "mlpipe demo", e);
        } catch (StoreException e) {
          deleteTree(tempDir);
          return ServeCommand.refuse(spec.commandLine(), "mlpipe demo", storage, e);
        }
        String host =
            address.host() == null || address.host().equals("0.0.0.0")
                ? "127.0.0.1"
                : address.toString().substring(0, address.toString().lastIndexOf(':'));
        target = URI.create("http://" + host + ":" + agent.port());
        out.println("mlpipe demo: agent on " + target + "/ (config " + config + ")");
      }
      out.println(
          "mlpipe demo: speed "
              + Workload.fmtSpeed(speed)
              + ", seed "
              + seed
              + "; pipelines page "
              + target
              + "/pipelines");
      out.flush();

      PrintWriter log = out;
      Demo demo;
      try {
        demo =
            Demo.start(
                new Demo.Options(
                    target,
                    speed,
                    seed,
                    parsed,
                    token,
                    line -> {
                      synchronized (log) {
                        log.println(line);
                        log.flush();
                      }
                    }));
      } catch (RuntimeException e) {
        closeAll(null, agent, tempDir);
        throw e;
      }
      Agent a = agent;
      Path t = tempDir;
      running = () -> closeAll(demo, a, t);
    } finally {
      if (running != null) {
        hook.started(running);
      } else {
        hook.startFailed();
      }
    }
    if (duration == null) {
      hook.awaitStopped();
    } else if (!hook.awaitStopped(duration)) {
      hook.stopNow();
    }
    return 0;
  }

  /** Stops the workload first, then the agent it drives; the temporary directory goes last. */
  private static void closeAll(Demo demo, Agent agent, Path tempDir) throws Exception {
    try {
      if (demo != null) {
        demo.close();
      }
      if (agent != null) {
        agent.close();
      }
    } finally {
      deleteTree(tempDir);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
