package io.mlpipe.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Guards one route: answers 405 (with {@code Allow}) for other methods, 404 for paths the root
 * route does not own, and counts and times every request by handler and code.
 */
final class RouteFilter extends HttpFilter {

  private final Route route;
  private final Counter requests;
  private final Histogram durations;
  private final Set<String> allowed;
  private final String allow;

  RouteFilter(Route route, Counter requests, Histogram durations) {
    this.route = route;
    this.requests = requests;
    this.durations = durations;
    Set<String> methods = new TreeSet<>(route.methods());
    if (methods.contains("GET")) {
      methods.add("HEAD");
    }
    this.allowed = Set.copyOf(methods);
    this.allow = String.join(", ", methods);
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    long start = System.nanoTime();
    String handler = route.handler();
    try {
      if (route.pathSpec().equals("/") && !req.getRequestURI().equals("/")) {
        handler = "unmatched";
        PlainText.write(resp, 404, "404 page not found: " + req.getRequestURI());
      } else if (!allowed.contains(req.getMethod())) {
        resp.setHeader("Allow", allow);
        PlainText.write(resp, 405, "405 method " + req.getMethod() + " not allowed, use " + allow);
      } else {
        chain.doFilter(req, resp);
      }
    } finally {
      requests
          .labelValues(handler, methodLabel(req.getMethod()), Integer.toString(resp.getStatus()))
          .inc();
      durations.labelValues(handler).observe((System.nanoTime() - start) / 1e9);
    }
  }

  // Clients choose the method string; only well-known ones become label values.
  private static String methodLabel(String method) {
    return switch (method) {
      case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH" -> method;
      default -> "other";
    };
  }
}
