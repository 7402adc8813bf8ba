package io.mlpipe.http;

import jakarta.servlet.http.HttpServlet;
import java.util.Set;

/**
 * One endpoint: a servlet path spec ({@code /metrics}, {@code /api/v1/*}), its servlet, the methods
 * it accepts (others get 405), and the handler name used in the HTTP self metrics.
 */
public record Route(String pathSpec, HttpServlet servlet, Set<String> methods, String handler) {

  public static Route get(String pathSpec, HttpServlet servlet) {
    return new Route(pathSpec, servlet, Set.of("GET", "HEAD"), pathSpec);
  }
}
