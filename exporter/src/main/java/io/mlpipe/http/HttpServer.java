package io.mlpipe.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
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

  private final Server server;
  private final ServerConnector connector;

  public HttpServer(ListenAddress address, List<Route> routes, PrometheusRegistry registry) {
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("http");
    server = new Server(threads);
    server.setStopAtShutdown(false); // the agent stops in order: HTTP first, then the store

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(address.host());
    connector.setPort(address.port());
    server.addConnector(connector);

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

    ServletContextHandler context = new ServletContextHandler("/");
    context.setErrorHandler(new PlainTextErrorHandler());
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
    server.setHandler(context);
    server.setErrorHandler(new PlainTextErrorHandler());
  }

  public void start() throws Exception {
    server.start();
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
