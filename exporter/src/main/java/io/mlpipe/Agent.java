package io.mlpipe;

import io.mlpipe.collector.CollectorRunner;
import io.mlpipe.collector.CollectorSpec;
import io.mlpipe.config.ConfigException;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.http.HttpServer;
import io.mlpipe.http.LifecycleServlets;
import io.mlpipe.http.Route;
import io.mlpipe.web.LandingPage;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: one registry, the collectors, the HTTP server and its routes. The composition
 * root; every room is wired here and nowhere else.
 *
 * <pre>{@code
 * try (Agent agent = Agent.start(AgentOptions.forTest())) {
 *   URI metrics = URI.create("http://127.0.0.1:" + agent.port() + "/metrics");
 * }
 * }</pre>
 */
public final class Agent implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentOptions options;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicBoolean ready = new AtomicBoolean();
  private final CollectorRunner collectors;
  private final Gauge reloadSuccess;
  private final Gauge reloadTimestamp;
  private final HttpServer http;

  private Agent(AgentOptions options) {
    this.options = options;
    BuildInfo build = BuildInfo.current();
    Gauge.builder()
        .name("mlpipe_exporter_build_info")
        .help("A metric with a constant '1' value labeled by version, revision and Java version.")
        .labelNames("version", "revision", "java_version")
        .register(registry)
        .labelValues(build.version(), build.revision(), build.javaVersion())
        .set(1);
    reloadSuccess =
        Gauge.builder()
            .name("mlpipe_exporter_config_last_reload_successful")
            .help("Whether the last configuration reload attempt was successful.")
            .register(registry);
    reloadTimestamp =
        Gauge.builder()
            .name("mlpipe_exporter_config_last_reload_success_timestamp_seconds")
            .help("Timestamp of the last successful configuration reload.")
            .register(registry);
    reloadSuccess.set(1);
    reloadTimestamp.set(System.currentTimeMillis() / 1000.0);

    List<CollectorSpec> enabled = options.catalog().enabled(options.collectorChoices());
    collectors = CollectorRunner.build(enabled, options.collectorContext());
    registry.register(collectors);

    http = new HttpServer(options.listenAddress(), routes(), registry);
  }

  /** Starts the agent; returns once it listens and is ready. */
  public static Agent start(AgentOptions options) throws Exception {
    long t0 = System.nanoTime();
    Agent agent = new Agent(options);
    try {
      agent.http.start();
    } catch (Exception e) {
      agent.collectors.close();
      throw e;
    }
    agent.ready.set(true);
    log.info(
        "mlpipe agent {} listening on {} (port {}), ready in {} ms, collectors: {}",
        BuildInfo.current().version(),
        options.listenAddress(),
        agent.port(),
        (System.nanoTime() - t0) / 1_000_000,
        String.join(",", agent.collectors.names()));
    return agent;
  }

  private List<Route> routes() {
    List<Route> routes = new ArrayList<>();
    routes.add(Route.get("/metrics", new PrometheusMetricsServlet(registry)));
    routes.add(Route.get("/-/healthy", LifecycleServlets.healthy()));
    routes.add(Route.get("/-/ready", LifecycleServlets.ready(ready::get)));
    routes.add(
        new Route(
            "/-/reload",
            LifecycleServlets.reload(this::reloadForHttp),
            Set.of("POST", "PUT"),
            "/-/reload"));
    routes.add(Route.get("/", LifecycleServlets.html(this::landingPage)));
    return routes;
  }

  public int port() {
    return http.port();
  }

  public boolean isReady() {
    return ready.get();
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public ConfigHolder config() {
    return options.config();
  }

  /**
   * Re-reads the configuration file (SIGHUP, {@code POST /-/reload}); a bad file keeps the old
   * configuration and sets {@code mlpipe_exporter_config_last_reload_successful} to 0.
   */
  public void reload() throws ConfigException {
    try {
      options.config().reload();
      reloadSuccess.set(1);
      reloadTimestamp.set(System.currentTimeMillis() / 1000.0);
      log.info("configuration reloaded from {}", options.config().file());
    } catch (ConfigException e) {
      reloadSuccess.set(0);
      log.error("configuration reload failed, keeping the previous one:\n{}", e.getMessage());
      throw e;
    }
  }

  private String reloadForHttp() {
    try {
      reload();
      return null;
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  private String landingPage() {
    List<LandingPage.CollectorState> states = new ArrayList<>();
    List<String> running = collectors.names();
    for (CollectorSpec spec : options.catalog().all()) {
      states.add(
          new LandingPage.CollectorState(
              spec.name(), running.contains(spec.name()), spec.description()));
    }
    BuildInfo build = BuildInfo.current();
    return LandingPage.render(
        new LandingPage.Model(
            build.version(),
            build.revision(),
            options.listenAddress().toString(),
            List.of(
                new LandingPage.Link(
                    "/metrics", "/metrics", "host, GPU, pipeline and agent metrics"),
                new LandingPage.Link("/-/healthy", "/-/healthy", "liveness"),
                new LandingPage.Link("/-/ready", "/-/ready", "readiness")),
            states,
            options.config().get().toDisplayMap(),
            options.config().get().source()));
  }

  /** Stops serving, then stops the collectors. */
  @Override
  public void close() throws Exception {
    ready.set(false);
    try {
      http.close();
    } finally {
      collectors.close();
    }
  }
}
