package io.mlpipe.cli;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import io.mlpipe.SecurityOptions;
import io.mlpipe.StartupException;
import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorContext;
import io.mlpipe.collector.CollectorSpec;
import io.mlpipe.collector.FilesystemCollector;
import io.mlpipe.collector.HostPaths;
import io.mlpipe.collector.gpu.GpuSettings;
import io.mlpipe.config.ConfigException;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.http.ListenAddress;
import io.mlpipe.http.WebConfig;
import io.mlpipe.http.WebConfigLoader;
import io.mlpipe.security.AuditLog;
import io.mlpipe.store.FsyncMode;
import io.mlpipe.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlpipe serve}: runs the agent until SIGTERM/SIGINT; SIGHUP reloads the config. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Run the agent (the default command).")
final class ServeCommand implements Callable<Integer> {

  private static final String COLLECTOR_PREFIX = "--collector.";

  @Spec CommandSpec spec;

  @Option(
      names = "--web.listen-address",
      defaultValue = ":9478",
      paramLabel = "HOST:PORT",
      description =
          "Address to listen on for the web interface and API (default: ${DEFAULT-VALUE}).")
  String listenAddress;

  @Option(
      names = "--web.config.file",
      paramLabel = "FILE",
      description = "Web configuration (TLS, basic auth) in the exporter-toolkit format.")
  Path webConfigFile;

  @Option(names = "--config.file", paramLabel = "FILE", description = "Agent YAML configuration.")
  Path configFile;

  @Option(
      names = "--audit.path",
      paramLabel = "FILE",
      description =
          "Append a JSON line for every accepted or refused write and every refused authentication to FILE (default: no audit log).")
  Path auditPath;

  @Option(
      converter = Converters.Size.class,
      names = "--audit.max-size",
      defaultValue = "100MiB",
      paramLabel = "SIZE",
      description =
          "Rotate the audit log when it passes SIZE (bytes, or with KiB, MiB, GiB, KB, MB, GB; default: ${DEFAULT-VALUE}).")
  long auditMaxSize;

  @Option(
      names = "--audit.max-files",
      defaultValue = "5",
      paramLabel = "N",
      description =
          "Rotated audit logs to keep besides the current one (default: ${DEFAULT-VALUE}).")
  int auditMaxFiles;

  @Option(
      names = "--path.procfs",
      defaultValue = "/proc",
      paramLabel = "DIR",
      description = "procfs mountpoint (default: ${DEFAULT-VALUE}).")
  Path procfs;

  @Option(
      names = "--path.sysfs",
      defaultValue = "/sys",
      paramLabel = "DIR",
      description = "sysfs mountpoint (default: ${DEFAULT-VALUE}).")
  Path sysfs;

  @Option(
      names = "--path.rootfs",
      defaultValue = "/",
      paramLabel = "DIR",
      description = "rootfs mountpoint (default: ${DEFAULT-VALUE}).")
  Path rootfs;

  @Option(
      names = "--storage.path",
      defaultValue = "./data",
      paramLabel = "DIR",
      description =
          "Directory of the WAL and snapshots of pushed and pipeline data (default: ${DEFAULT-VALUE}).")
  Path storagePath;

  @Option(
      names = "--storage.fsync",
      defaultValue = "batch",
      paramLabel = "MODE",
      description =
          "When the WAL reaches the disk: always (fsync every commit before acknowledging), batch (as always, a commit waits up to 2 ms for more writes to share its fsync while they keep coming), never (OS decides; survives an agent crash, not a machine crash). Default: ${DEFAULT-VALUE}.")
  FsyncMode fsync;

  @Option(
      names = "--web.grafana-url",
      paramLabel = "URL",
      description =
          "Grafana's base URL (e.g. https://grafana.example.com) where dashboards/ are installed:"
              + " the landing page links the overview, /pipelines links each pipeline's dashboard.")
  String grafanaUrl;

  @Option(
      names = "--web.enable-admin-api",
      description =
          "Enable PUT /api/v1/admin/wipe (delete every pushed group), as Pushgateway's flag.")
  boolean enableAdminApi;

  @Option(
      names = "--collector.filesystem.mount-points-exclude",
      defaultValue = FilesystemCollector.DEFAULT_MOUNT_POINTS_EXCLUDE,
      paramLabel = "REGEX",
      description =
          "Regexp of mount points to exclude for the filesystem collector (default:"
              + " ${DEFAULT-VALUE}).")
  String mountPointsExclude;

  @Option(
      names = "--collector.filesystem.fs-types-exclude",
      defaultValue = FilesystemCollector.DEFAULT_FS_TYPES_EXCLUDE,
      paramLabel = "REGEX",
      description =
          "Regexp of filesystem types to exclude for the filesystem collector (default:"
              + " ${DEFAULT-VALUE}).")
  String fsTypesExclude;

  @Option(
      converter = Converters.PositiveDuration.class,
      names = "--collector.filesystem.mount-timeout",
      defaultValue = "1s",
      paramLabel = "DURATION",
      description =
          "How long a scrape waits for statfs of the mounts; a mount that takes longer is reported"
              + " with node_filesystem_device_error 1 until its statfs returns (default:"
              + " ${DEFAULT-VALUE}).")
  Duration mountTimeout;

  @Option(
      names = "--collector.netstat.fields",
      defaultValue = CollectorContext.DEFAULT_NETSTAT_FIELDS,
      paramLabel = "REGEX",
      description =
          "Regexp of fields to return for the netstat collector (default: ${DEFAULT-VALUE}).")
  String netstatFields;

  @Option(
      names = "--collector.gpu.nvidia-smi",
      defaultValue = "nvidia-smi",
      paramLabel = "COMMAND",
      description =
          "nvidia-smi command, used where NVML (libnvidia-ml.so.1) cannot be loaded (default:"
              + " ${DEFAULT-VALUE}).")
  String nvidiaSmi;

  @Option(
      converter = Converters.PositiveDuration.class,
      names = "--collector.gpu.interval",
      defaultValue = "10s",
      paramLabel = "DURATION",
      description = "How often GPUs are read in the background (default: ${DEFAULT-VALUE}).")
  Duration gpuInterval;

  @Option(
      converter = Converters.PositiveDuration.class,
      names = "--collector.gpu.timeout",
      defaultValue = "5s",
      paramLabel = "DURATION",
      description = "How long one nvidia-smi run may take (default: ${DEFAULT-VALUE}).")
  Duration gpuTimeout;

  @Option(
      names = "--collector.gpu.expected",
      defaultValue = "-1",
      paramLabel = "N",
      description = "GPUs this node should have, exposed as mlpipe_gpu_expected (default: unset).")
  int gpuExpected;

  @Option(
      names = "--log.level",
      defaultValue = "info",
      paramLabel = "LEVEL",
      description =
          "Only log messages at or above: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Logging.LogLevel logLevel;

  @Option(
      names = "--log.format",
      defaultValue = "logfmt",
      paramLabel = "FORMAT",
      description = "Log format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Logging.LogFormat logFormat;

  /** How the agent starts (a test seam). */
  @FunctionalInterface
  interface AgentStarter {
    Agent start(AgentOptions options) throws Exception;
  }

  // Test seams: where the shutdown hook is registered, and how the agent starts.
  java.util.function.Consumer<Thread> addShutdownHook = Runtime.getRuntime()::addShutdownHook;
  AgentStarter starter = Agent::start;

  /** Adds {@code --collector.NAME} and {@code --no-collector.NAME} for every known collector. */
  static void addCollectorFlags(CommandSpec serve, CollectorCatalog catalog) {
    // picocli's default negation only matches names of word characters; ours contain dots.
    serve.negatableOptionTransformer(
        new CommandLine.RegexTransformer.Builder()
            .addPattern("^--no-(\\w[\\w.-]*)$", "--$1", "--[no-]$1")
            .addPattern("^--(\\w[\\w.-]*)$", "--no-$1", "--[no-]$1")
            .build());
    for (CollectorSpec c : catalog.all()) {
      serve.addOption(
          OptionSpec.builder(COLLECTOR_PREFIX + c.name())
              .negatable(true)
              .arity("0")
              .type(boolean.class)
              // picocli gives the negated form the default and the plain form its opposite, so
              // with "false" --collector.X means on and --no-collector.X off whatever the
              // catalog's default (which applies when neither is given; see collectorChoices).
              .defaultValue("false")
              .description(
                  "Enable the %s collector: %s (default: %s)."
                      .formatted(
                          c.name(), c.description(), c.enabledByDefault() ? "enabled" : "disabled"))
              .build());
    }
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(logLevel, logFormat);
    ListenAddress address;
    try {
      address = ListenAddress.parse(listenAddress);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    ConfigHolder config;
    try {
      config = ConfigHolder.load(configFile);
    } catch (ConfigException e) {
      return refuse(spec.commandLine(), "mlpipe: invalid configuration, not starting:", e);
    }
    WebConfig webConfig = WebConfig.none();
    if (webConfigFile != null) {
      try {
        webConfig = WebConfigLoader.load(webConfigFile);
      } catch (ConfigException e) {
        return refuse(spec.commandLine(), "mlpipe: invalid web configuration, not starting:", e);
      }
    }
    long auditBytes = auditMaxSize;
    if (auditMaxFiles < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--audit.max-files: must be 0 or more");
    }
    SecurityOptions security =
        new SecurityOptions(
            webConfigFile, webConfig, new AuditLog.Settings(auditPath, auditBytes, auditMaxFiles));
    CollectorCatalog catalog = CollectorCatalog.standard();
    AgentOptions options =
        new AgentOptions(
            address,
            config,
            catalog,
            collectorChoices(),
            collectorContext(),
            storagePath,
            fsync,
            enableAdminApi,
            flagsForStatus(),
            security,
            grafanaUrl(spec.commandLine(), grafanaUrl));

    // The hook is in place before the agent starts, so a SIGTERM that arrives while it starts
    // (store recovery can take a while) still closes it once started.
    ShutdownHook hook = new ShutdownHook(Duration.ofMinutes(1));
    addShutdownHook.accept(hook.thread());
    Agent agent;
    try {
      agent = starter.start(options);
    } catch (StoreException e) {
      hook.startFailed();
      return refuse(spec.commandLine(), "mlpipe", storagePath, e);
    } catch (StartupException e) {
      hook.startFailed();
      return refuse(spec.commandLine(), "mlpipe", e);
    } catch (Exception | Error e) {
      hook.startFailed();
      throw e;
    }
    hook.started(agent);
    Signals.onHangup(
        () -> {
          try {
            agent.reload();
          } catch (ConfigException e) {
            // already logged and counted by the agent
          }
        });
    hook.awaitStopped();
    return 0;
  }

  /**
   * Prints why the agent does not start, as one line naming the flag and its value ({@code mlpipe:
   * --audit.path=/x/y: cannot open the audit log: /x: Not a directory}), and returns exit code 1:
   * an unusable path or port is the surroundings' fault, not a bug, so no stack trace.
   */
  static int refuse(CommandLine cli, String program, StartupException e) {
    String flag =
        switch (e.part()) {
          case LISTEN_ADDRESS -> "--web.listen-address";
          case STORAGE -> "--storage.path";
          case AUDIT_LOG -> "--audit.path";
        };
    cli.getErr().println(program + ": " + flag + "=" + e.value() + ": " + e.getMessage());
    cli.getErr().flush();
    return 1;
  }

  /** As {@link #refuse(CommandLine, String, StartupException)} for a store it cannot read. */
  static int refuse(CommandLine cli, String program, Path storagePath, StoreException e) {
    cli.getErr()
        .println(
            program
                + ": --storage.path="
                + storagePath
                + ": cannot open the store: "
                + e.getMessage());
    cli.getErr().flush();
    return 1;
  }

  /** Prints the configuration's errors, one per line under {@code heading}; returns 1. */
  static int refuse(CommandLine cli, String heading, ConfigException e) {
    cli.getErr().println(heading);
    e.errors().forEach(err -> cli.getErr().println("  " + err));
    cli.getErr().flush();
    return 1;
  }

  /** An absolute http(s) URL without a trailing slash, or null; anything else is a usage error. */
  static String grafanaUrl(CommandLine cmd, String url) {
    if (url == null) {
      return null;
    }
    try {
      java.net.URI u = new java.net.URI(url);
      if ((u.getScheme() == null || !u.getScheme().matches("https?"))
          || u.getHost() == null
          || u.getQuery() != null
          || u.getFragment() != null) {
        throw new java.net.URISyntaxException(url, "not an http(s) URL with a host");
      }
    } catch (java.net.URISyntaxException e) {
      throw new CommandLine.ParameterException(
          cmd,
          "--web.grafana-url="
              + url
              + ": must be Grafana's base URL, like https://grafana.example.com");
    }
    return url.replaceAll("/+$", "");
  }

  private Map<String, String> flagsForStatus() {
    Map<String, String> flags = new java.util.TreeMap<>();
    for (OptionSpec opt : spec.options()) {
      String name = opt.longestName();
      if (name.startsWith("--") && !name.equals("--help") && !name.equals("--version")) {
        Object v = opt.getValue();
        flags.put(name.substring(2), v == null ? "" : v.toString());
      }
    }
    return flags;
  }

  private CollectorContext collectorContext() {
    Pattern mountPoints = regex("--collector.filesystem.mount-points-exclude", mountPointsExclude);
    Pattern fsTypes = regex("--collector.filesystem.fs-types-exclude", fsTypesExclude);
    return new CollectorContext(
        new HostPaths(procfs, sysfs, rootfs),
        new FilesystemCollector.Settings(mountPoints, fsTypes, mountTimeout),
        new GpuSettings(nvidiaSmi, gpuInterval, gpuTimeout, gpuExpected, true),
        regex("--collector.netstat.fields", netstatFields));
  }

  private Pattern regex(String flag, String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), flag + ": invalid regular expression: " + e.getDescription());
    }
  }

  Map<String, Boolean> collectorChoices() {
    Map<String, Boolean> choices = new LinkedHashMap<>();
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    for (OptionSpec opt : spec.options()) {
      String name = opt.longestName();
      if (name.startsWith(COLLECTOR_PREFIX)
          && CollectorCatalog.standard().get(name.substring(COLLECTOR_PREFIX.length())).isPresent()
          && parsed.hasMatchedOption(opt)) {
        choices.put(name.substring(COLLECTOR_PREFIX.length()), opt.getValue());
      }
    }
    return choices;
  }
}
