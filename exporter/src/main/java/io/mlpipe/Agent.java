package io.mlpipe;

import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorRunner;
import io.mlpipe.collector.CollectorSpec;
import io.mlpipe.config.ConfigException;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.config.LimitsConfig;
import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.http.ExpectedWrites;
import io.mlpipe.http.HttpServer;
import io.mlpipe.http.LazyServlet;
import io.mlpipe.http.LifecycleServlets;
import io.mlpipe.http.Route;
import io.mlpipe.http.WebConfigWatcher;
import io.mlpipe.ingest.AnnouncedWrite;
import io.mlpipe.ingest.EventsApi;
import io.mlpipe.ingest.OwnFamilies;
import io.mlpipe.ingest.PipelinesApi;
import io.mlpipe.ingest.PushApi;
import io.mlpipe.ingest.PushStatusApi;
import io.mlpipe.pipeline.ConfigMetrics;
import io.mlpipe.pipeline.PipelineStatus;
import io.mlpipe.pipeline.PipelineView;
import io.mlpipe.security.AuditLog;
import io.mlpipe.store.DurableStore;
import io.mlpipe.store.StoreCollector;
import io.mlpipe.store.StoreExposition;
import io.mlpipe.web.LandingPage;
import io.mlpipe.web.PipelinesPage;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: one registry, the collectors, the HTTP server and its routes. The composition
 * root; every room is wired here and nowhere else.
 *
 * <pre>{@code
 * try (Agent agent = Agent.start(AgentOptions.forTest(dir))) {
 *   URI metrics = URI.create("http://127.0.0.1:" + agent.port() + "/metrics");
 * }
 * }</pre>
 */
public final class Agent implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentOptions options;
  private final Instant started = Instant.now();
  // Components register their metrics in `self`; /metrics serves `exposed`, which merges self,
  // collectors and the store through one AgentCollector.
  private final PrometheusRegistry self = new PrometheusRegistry();
  private final PrometheusRegistry exposed = new PrometheusRegistry();
  private final AgentCollector agentCollector;
  // The stored families as bytes kept per group, for /metrics in text and OpenMetrics.
  private final StoreExposition storeExposition =
      new StoreExposition(
          () -> {
            DurableStore s = this.store;
            return s == null ? List.of() : s.groups();
          });
  // Names no push or metric event may use: known from the catalog, without collecting.
  private final OwnFamilies ownFamilies;
  private volatile DurableStore store; // null until recovered
  private final AtomicBoolean ready = new AtomicBoolean();
  private final CollectorRunner collectors;
  private final Gauge reloadSuccess;
  private final Gauge reloadTimestamp;
  private final HttpServer http;
  private final WebConfigWatcher webConfig;
  private final AuditLog audit;

  private Agent(AgentOptions options) throws StartupException {
    this.options = options;
    BuildInfo build = BuildInfo.current();
    Gauge.builder()
        .name("mlpipe_exporter_build_info")
        .help("A metric with a constant '1' value labeled by version, revision and Java version.")
        .labelNames("version", "revision", "java_version")
        .register(self)
        .labelValues(build.version(), build.revision(), build.javaVersion())
        .set(1);
    reloadSuccess =
        Gauge.builder()
            .name("mlpipe_exporter_config_last_reload_successful")
            .help("Whether the last configuration reload attempt was successful.")
            .register(self);
    reloadTimestamp =
        Gauge.builder()
            .name("mlpipe_exporter_config_last_reload_success_timestamp_seconds")
            .help("Timestamp of the last successful configuration reload.")
            .register(self);
    reloadSuccess.set(1);
    reloadTimestamp.set(System.currentTimeMillis() / 1000.0);

    List<CollectorSpec> enabled = options.catalog().enabled(options.collectorChoices());
    collectors = CollectorRunner.build(enabled, options.collectorContext());
    ownFamilies =
        OwnFamilies.of(CollectorCatalog.families(enabled)).with(List.of("mlpipe_exporter_*"));
    agentCollector =
        new AgentCollector(
            List.of(
                self::scrape,
                collectors::collect,
                new ConfigMetrics(() -> options.config().get().pipelines())),
            () -> {
              DurableStore s = store;
              return s == null ? MetricSnapshots.of() : new StoreCollector(s).collect();
            });
    exposed.register(agentCollector);

    SecurityOptions security = options.security();
    webConfig = new WebConfigWatcher(security.webConfigFile(), security.webConfig(), self);
    try {
      audit = AuditLog.open(security.audit(), self);
    } catch (IOException e) {
      Path path = security.audit().path();
      collectors.close();
      webConfig.close();
      throw new StartupException(
          StartupException.Part.AUDIT_LOG, String.valueOf(path), "cannot open the audit log", e);
    }
    http =
        new HttpServer(
            options.listenAddress(),
            routes(),
            self,
            new HttpServer.Security(
                webConfig,
                () -> options.config().get().auth(),
                () -> options.config().get().http(),
                options.config().get().http(),
                audit),
            new ExpectedWrites(
                AnnouncedWrite.ATTRIBUTE,
                (method, path) -> AnnouncedWrite.announce(this::store, method, path)));
  }

  /**
   * Starts the agent; returns once it listens, has recovered its store and is ready. HTTP starts
   * first so that {@code /-/healthy} answers and {@code /-/ready} says 503 during recovery.
   */
  public static Agent start(AgentOptions options) throws Exception {
    long t0 = System.nanoTime();
    Agent agent = new Agent(options);
    try {
      try {
        agent.http.start();
      } catch (IOException e) {
        throw new StartupException(
            StartupException.Part.LISTEN_ADDRESS,
            options.listenAddress().toString(),
            "cannot listen",
            e);
      }
      try {
        agent.store =
            DurableStore.open(
                new DurableStore.Options(options.storagePath(), options.fsync(), agent::limits),
                agent.self);
      } catch (IOException e) {
        throw new StartupException(
            StartupException.Part.STORAGE,
            options.storagePath().toString(),
            "cannot open the store",
            e);
      }
    } catch (Exception e) {
      agent.close();
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
    routes.add(
        Route.get(
            "/metrics",
            new MetricsServlet(
                agentCollector, storeExposition, new PrometheusMetricsServlet(exposed))));
    routes.add(
        new Route(
            "/metrics/*",
            new PushApi(this::store, pushSettings()),
            Set.of("PUT", "POST", "DELETE"),
            "/metrics/job"));
    // The JSON APIs are built on their first request (LazyServlet): Jackson's classes are loaded
    // by a node that uses them, not by every node that is only scraped.
    routes.add(
        Route.get("/api/v1/metrics", new LazyServlet(() -> PushStatusApi.metrics(this::store))));
    routes.add(
        new Route(
            "/api/v1/events",
            new LazyServlet(
                () ->
                    new EventsApi(
                        this::store,
                        () -> options.config().get().pipelines(),
                        this::limits,
                        ownFamilies::owns)),
            Set.of("POST"),
            "/api/v1/events"));
    LazyServlet pipelinesApi =
        new LazyServlet(
            () ->
                new PipelinesApi(
                    this::store,
                    () -> options.config().get().pipelines(),
                    options.enableAdminApi()));
    routes.add(Route.get("/api/v1/pipelines", pipelinesApi));
    routes.add(
        new Route(
                "/api/v1/pipelines/*",
                pipelinesApi,
                Set.of("GET", "HEAD", "DELETE"),
                "/api/v1/pipelines/{name}",
                Route.Access.READ)
            .withMethodAccess("DELETE", Route.Access.ADMIN));
    routes.add(
        Route.get(
            "/api/v1/status",
            new LazyServlet(
                () ->
                    PushStatusApi.status(
                        Map.of(
                            "version", BuildInfo.current().version(),
                            "revision", BuildInfo.current().revision(),
                            "javaVersion", BuildInfo.current().javaVersion()),
                        options.flags(),
                        started))));
    if (options.enableAdminApi()) {
      routes.add(
          new Route(
              "/api/v1/admin/wipe",
              new LazyServlet(() -> PushStatusApi.wipe(this::store)),
              Set.of("PUT"),
              "/api/v1/admin/wipe",
              Route.Access.ADMIN));
    }
    routes.add(
        Route.get("/-/healthy", LifecycleServlets.healthy()).withAccess(Route.Access.PUBLIC));
    routes.add(
        Route.get("/-/ready", LifecycleServlets.ready(ready::get)).withAccess(Route.Access.PUBLIC));
    routes.add(
        new Route(
            "/-/reload",
            LifecycleServlets.reload(this::reloadForHttp),
            Set.of("POST", "PUT"),
            "/-/reload",
            Route.Access.ADMIN));
    routes.add(Route.get("/pipelines", LifecycleServlets.html(this::pipelinesPage)));
    routes.add(Route.get("/", LifecycleServlets.html(this::landingPage)));
    return routes;
  }

  public int port() {
    return http.port();
  }

  public boolean isReady() {
    return ready.get();
  }

  /** Where components register their own metrics. */
  public PrometheusRegistry registry() {
    return self;
  }

  /** The store, or null while it is being recovered. */
  public DurableStore store() {
    return store;
  }

  private PushApi.Settings pushSettings() {
    return new PushApi.Settings(
        this::limits, job -> options.config().get().push().ttlFor(job), ownFamilies::owns);
  }

  public ConfigHolder config() {
    return options.config();
  }

  /** The limits of the configuration in force (they change on reload). */
  private LimitsConfig limits() {
    return options.config().get().limits();
  }

  /**
   * Re-reads the configuration file (SIGHUP, {@code POST /-/reload}); a bad file keeps the old
   * configuration and sets {@code mlpipe_exporter_config_last_reload_successful} to 0.
   */
  public void reload() throws ConfigException {
    if (options.config().file() == null) {
      log.warn("configuration not reloaded: {}", NO_CONFIG_FILE);
      return;
    }
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

  private static final String NO_CONFIG_FILE =
      "the agent was started without --config.file; it runs on the defaults and has no file to"
          + " reload";

  private String reloadForHttp() {
    if (options.config().file() == null) {
      return NO_CONFIG_FILE;
    }
    try {
      reload();
      return null;
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  private static final List<LandingPage.Link> LINKS =
      List.of(
          new LandingPage.Link("/pipelines", "/pipelines", "pipeline status page"),
          new LandingPage.Link("/metrics", "/metrics", "host, GPU, pipeline and agent metrics"),
          new LandingPage.Link("/-/healthy", "/-/healthy", "liveness"),
          new LandingPage.Link("/-/ready", "/-/ready", "readiness"),
          new LandingPage.Link(
              "/api/v1/metrics", "/api/v1/metrics", "pushed groups (Pushgateway JSON API)"),
          new LandingPage.Link("/api/v1/status", "/api/v1/status", "build and flags"),
          new LandingPage.Link("/api/v1/pipelines", "/api/v1/pipelines", "pipeline status (JSON)"));

  private String landingPage() {
    List<LandingPage.CollectorState> states = new ArrayList<>();
    List<String> running = collectors.names();
    for (CollectorSpec spec : options.catalog().all()) {
      states.add(
          new LandingPage.CollectorState(
              spec.name(), running.contains(spec.name()), spec.description()));
    }
    BuildInfo build = BuildInfo.current();
    List<LandingPage.Link> links = new ArrayList<>(LINKS);
    if (options.grafanaUrl() != null) {
      links.add(
          new LandingPage.Link(
              options.grafanaUrl() + "/d/mlpipe-overview",
              "Grafana",
              "ML pipelines overview dashboard (--web.grafana-url)"));
    }
    return LandingPage.render(
        new LandingPage.Model(
            build.version(),
            build.revision(),
            options.listenAddress().toString(),
            links,
            states,
            options.config().get().toDisplayMap(),
            options.config().get().source()));
  }

  private String pipelinesPage() {
    PipelinesConfig cfg = options.config().get().pipelines();
    DurableStore s = store;
    double now = System.currentTimeMillis() / 1000.0;
    Collection<PipelineView> pipelines =
        s == null ? List.of() : PipelineStatus.all(s.groups(), cfg, now).values();
    return PipelinesPage.render(new PipelinesPage.Model(pipelines, now, 5, options.grafanaUrl()));
  }

  /** Stops serving, then closes the store (final snapshot) and the collectors. */
  @Override
  public void close() throws Exception {
    ready.set(false);
    try {
      http.close();
      webConfig.close();
      audit.close();
    } finally {
      try {
        DurableStore s = store;
        if (s != null) {
          s.close();
        }
      } finally {
        collectors.close();
      }
    }
  }
}
