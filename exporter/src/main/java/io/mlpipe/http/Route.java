package io.mlpipe.http;

import jakarta.servlet.http.HttpServlet;
import java.util.Set;

/**
 * One endpoint: a servlet path spec ({@code /metrics}, {@code /api/v1/*}), its servlet, the methods
 * it accepts (others get 405), the handler name used in the HTTP self metrics, and the scope a
 * caller needs once auth is on.
 */
public record Route(
    String pathSpec, HttpServlet servlet, Set<String> methods, String handler, Access access) {

  /** What a route needs from the caller once auth is configured. */
  public enum Access {
    /** Always open: liveness and readiness probes. */
    PUBLIC,
    /** The {@code read} scope: scrapes and read APIs. */
    READ,
    /** The {@code write} scope (and rights over the pipelines/jobs written); audited. */
    WRITE,
    /** The {@code admin} scope: wipe, reload; audited. */
    ADMIN;

    /** The scope name, or null for PUBLIC. */
    public String scope() {
      return this == PUBLIC ? null : name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A route whose access follows from its methods: GET/HEAD only reads, anything else writes. */
  public Route(String pathSpec, HttpServlet servlet, Set<String> methods, String handler) {
    this(
        pathSpec,
        servlet,
        methods,
        handler,
        Set.of("GET", "HEAD").containsAll(methods) ? Access.READ : Access.WRITE);
  }

  public static Route get(String pathSpec, HttpServlet servlet) {
    return new Route(pathSpec, servlet, Set.of("GET", "HEAD"), pathSpec);
  }

  public Route withAccess(Access access) {
    return new Route(pathSpec, servlet, methods, handler, access);
  }
}
