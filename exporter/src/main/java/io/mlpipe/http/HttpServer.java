package io.mlpipe.http;

import io.mlpipe.config.AuthConfig;
import io.mlpipe.config.HttpConfig;
import io.mlpipe.security.AuditLog;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The agent's embedded Jetty: one connector, one servlet context, a {@link RouteFilter} in front of
 * every route. Knows nothing of what the routes do.
 *
 * <pre>{@code
 * HttpServer server = new HttpServer(ListenAddress.parse("127.0.0.1:0"), routes, registry);
 * server.start();
 * int port = server.port();
 * }</pre>
 */
public final class HttpServer implements AutoCloseable {

  /**
   * Who may do what, and how much: the web config (TLS, users, headers), the auth and http sections
   * of the agent config (read on every request, so a reload applies), the audit log.
   *
   * @param startup the http section at start: connection settings are fixed for the process
   */
  public record Security(
      WebConfigWatcher web,
      Supplier<AuthConfig> auth,
      Supplier<HttpConfig> limits,
      HttpConfig startup,
      AuditLog audit) {}

  private final Server server;
  private final ServerConnector connector;
  private final TlsContextFactory tls;

  /** Plain HTTP, no auth, default limits. */
  public HttpServer(ListenAddress address, List<Route> routes, PrometheusRegistry registry) {
    this(
        address,
        routes,
        registry,
        new Security(
            new WebConfigWatcher(null, WebConfig.none(), new PrometheusRegistry()),
            AuthConfig::defaults,
            HttpConfig::defaults,
            HttpConfig.defaults(),
            openAudit()));
  }

  private static AuditLog openAudit() {
    try {
      return AuditLog.open(AuditLog.Settings.off(), new PrometheusRegistry());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Tells Jetty how many object references fill a cache line (it pads its queues with them) before
   * its MemoryUtils asks: unless the system property is set, it asks the platform MBean server
   * whether compressed oops are on, and starting that server registers and introspects every
   * platform MXBean (~150 JMX classes, a few MB of heap) in an agent that has no other use for it.
   * The same answer, from the HotSpot diagnostic bean directly.
   */
  static void referencesPerCacheLine() {
    String key = "org.eclipse.jetty.util.referencesPerCacheLine";
    if (System.getProperty(key) != null) {
      return;
    }
    // Jetty's own default and property; not MemoryUtils.getCacheLineBytes(), whose class
    // initialisation is what asks the MBean server.
    int lineBytes = Integer.getInteger("org.eclipse.jetty.util.cacheLineBytes", 64);
    try {
      boolean compressed =
          Boolean.parseBoolean(
              java.lang.management.ManagementFactory.getPlatformMXBean(
                      com.sun.management.HotSpotDiagnosticMXBean.class)
                  .getVMOption("UseCompressedOops")
                  .getValue());
      System.setProperty(key, Integer.toString(lineBytes / (compressed ? 4 : 8)));
    } catch (RuntimeException e) {
      // not HotSpot: Jetty asks as before
    }
  }

  public HttpServer(
      ListenAddress address, List<Route> routes, PrometheusRegistry registry, Security security) {
    this(address, routes, registry, security, ExpectedWrites.NONE);
  }

  /** As above, announcing the requests that will write ({@link ExpectedWrites}) first of all. */
  public HttpServer(
      ListenAddress address,
      List<Route> routes,
      PrometheusRegistry registry,
      Security security,
      ExpectedWrites expectedWrites) {
    HttpConfig limits = security.startup();
    referencesPerCacheLine();
    QueuedThreadPool threads =
        new QueuedThreadPool(Math.max(16, limits.maxConcurrentRequests() + 16), 4);
    threads.setName("http");
    server = new Server(threads);
    server.setStopAtShutdown(false); // the agent stops in order: HTTP first, then the store

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    // http.min_request_data_rate is enforced by BodyRateFilter (with a grace second), not Jetty.
    http.setMinRequestDataRate(0);
    WebConfig.Tls tlsConfig = security.web().current().tls();
    if (tlsConfig != null) {
      tls = new TlsContextFactory(tlsConfig);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false); // certificates often name a host other than 127.0.0.1
      http.addCustomizer(secure);
      connector =
          new ServerConnector(
              server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
      security
          .web()
          .onChange(
              next -> {
                try {
                  tls.apply(next.tls());
                } catch (Exception e) {
                  throw new IllegalStateException("cannot reload TLS: " + e.getMessage(), e);
                }
              });
    } else {
      tls = null;
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    connector.setHost(address.host());
    connector.setPort(address.port());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));

    Counter requests =
        Counter.builder()
            .name("mlpipe_exporter_http_requests_total")
            .help("HTTP requests answered by the agent, by handler, method and status code.")
            .labelNames("handler", "method", "code")
            .register(registry);
    Histogram durations =
        Histogram.builder()
            .name("mlpipe_exporter_http_request_duration_seconds")
            .help("Time to answer an HTTP request, by handler.")
            .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
            .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .classicOnly()
            .labelNames("handler")
            .register(registry);

    SecurityHeaders headers = new SecurityHeaders(security.web()::current);
    ServletContextHandler context = new ServletContextHandler("/");
    context.setErrorHandler(new PlainTextErrorHandler(headers));
    Map<String, Route> byHandler = new HashMap<>();
    routes.forEach(r -> byHandler.put(r.handler(), r));
    FilterHolder guard =
        new FilterHolder(
            new SecurityFilter(
                byHandler,
                security.web()::current,
                security.auth(),
                security.limits(),
                security.audit(),
                registry));
    guard.setName("security");
    context.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
    FilterHolder bodyRate = new FilterHolder(new BodyRateFilter(security.limits()));
    bodyRate.setName("body-rate");
    context.addFilter(bodyRate, "/*", EnumSet.of(DispatcherType.REQUEST));
    for (Route route : routes) {
      context.addServlet(new ServletHolder(route.handler(), route.servlet()), route.pathSpec());
      // Mapped by servlet name, not path: a "/" path mapping would also match every other route.
      FilterHolder filter = new FilterHolder(new RouteFilter(route, requests, durations));
      filter.setName("route:" + route.handler());
      FilterMapping mapping = new FilterMapping();
      mapping.setFilterName(filter.getName());
      mapping.setServletName(route.handler());
      mapping.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
      context.getServletHandler().addFilter(filter, mapping);
    }
    server.setHandler(expectedWrites.wrap(headers.wrap(context)));
    server.setErrorHandler(new PlainTextErrorHandler(headers));
  }

  public void start() throws Exception {
    server.start();
  }

  /** Whether the connector speaks TLS. */
  public boolean isTls() {
    return tls != null;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
