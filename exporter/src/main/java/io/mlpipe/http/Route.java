package io.mlpipe.http;

import jakarta.servlet.http.HttpServlet;
import java.util.Set;

/**
 * One endpoint: a servlet path spec ({@code /metrics}, {@code /api/v1/*}), its servlet, the methods
 * it accepts (others get 405), the handler name used in the HTTP self metrics, and the scope a
 * caller needs once auth is on.
 */
public record Route(
    String pathSpec,
    HttpServlet servlet,
    Set<String> methods,
    String handler,
    Access access,
    java.util.Map<String, Access> accessByMethod) {

  public Route {
    accessByMethod = java.util.Map.copyOf(accessByMethod);
  }

  /** A route whose methods all need {@code access}. */
  public Route(
      String pathSpec, HttpServlet servlet, Set<String> methods, String handler, Access access) {
    this(pathSpec, servlet, methods, handler, access, java.util.Map.of());
  }

  /** What {@code method} needs: its own access if one was given, else the route's. */
  public Access accessFor(String method) {
    return accessByMethod.getOrDefault(method, access);
  }

  /** The same route with {@code method} needing {@code needs} (a DELETE that is admin's). */
  public Route withMethodAccess(String method, Access needs) {
    java.util.Map<String, Access> m = new java.util.HashMap<>(accessByMethod);
    m.put(method, needs);
    return new Route(pathSpec, servlet, methods, handler, access, m);
  }

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
    return new Route(pathSpec, servlet, methods, handler, access, accessByMethod);
  }
}
