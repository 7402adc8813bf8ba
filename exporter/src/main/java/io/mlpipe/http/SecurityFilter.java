package io.mlpipe.http;

import io.mlpipe.config.AuthConfig;
import io.mlpipe.config.HttpConfig;
import io.mlpipe.security.AuditLog;
import io.mlpipe.security.Authenticator;
import io.mlpipe.security.Identity;
import io.mlpipe.security.RateLimiter;
import io.mlpipe.security.RequestAuth;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * In front of every route: bounds concurrent requests (503) and each identity's request rate (429),
 * authenticates (basic auth of the web config, bearer tokens of the auth config: 401), checks the
 * route's scope (403), hands the identity to the handler as a {@link RequestAuth} (which checks
 * rights over pipelines and jobs), and writes the audit entry of every write and every refusal.
 * Counts refusals in {@code mlpipe_exporter_auth_failures_total{reason}}.
 */
final class SecurityFilter extends HttpFilter {

  /** Reasons of {@code mlpipe_exporter_auth_failures_total}. */
  static final List<String> REASONS =
      List.of("missing", "bad_password", "bad_token", "expired_token", "forbidden");

  private final Map<String, Route> routes;
  private final Supplier<WebConfig> web;
  private final Supplier<AuthConfig> auth;
  private final Supplier<HttpConfig> limits;
  private final AuditLog audit;
  private final RateLimiter rateLimiter = new RateLimiter(System::nanoTime);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Counter failures;
  private final Counter limited;
  private volatile Cached cached;

  private record Cached(AuthConfig auth, Map<String, String> users, Authenticator authenticator) {}

  SecurityFilter(
      Map<String, Route> routes,
      Supplier<WebConfig> web,
      Supplier<AuthConfig> auth,
      Supplier<HttpConfig> limits,
      AuditLog audit,
      PrometheusRegistry registry) {
    this.routes = routes;
    this.web = web;
    this.auth = auth;
    this.limits = limits;
    this.audit = audit;
    failures =
        Counter.builder()
            .name("mlpipe_exporter_auth_failures_total")
            .help(
                "Requests refused by authentication (missing, bad_password, bad_token, expired_token: 401) or authorization (forbidden: 403).")
            .labelNames("reason")
            .register(registry);
    REASONS.forEach(r -> failures.labelValues(r));
    limited =
        Counter.builder()
            .name("mlpipe_exporter_http_requests_limited_total")
            .help(
                "Requests refused by the http limits: concurrency (503, max_concurrent_requests) or rate (429, rate_limit per identity).")
            .labelNames("reason")
            .register(registry);
    limited.labelValues("concurrency");
    limited.labelValues("rate");
    GaugeWithCallback.builder()
        .name("mlpipe_exporter_http_requests_in_flight")
        .help("Requests being handled now, counted against http.max_concurrent_requests.")
        .callback(cb -> cb.call(inFlight.get()))
        .register(registry);
  }

  private Authenticator authenticator(WebConfig w) {
    AuthConfig a = auth.get();
    Cached c = cached;
    if (c == null || c.auth() != a || c.users() != w.users()) {
      c = new Cached(a, w.users(), new Authenticator(a, w.users()));
      cached = c;
    }
    return c.authenticator();
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    WebConfig w = web.get(); // its headers are on the response already (SecurityHeaders)
    Route route =
        routes.get(
            req.getHttpServletMapping() == null
                ? ""
                : req.getHttpServletMapping().getServletName());
    Route.Access access = route == null ? Route.Access.READ : route.accessFor(req.getMethod());
    if (access == Route.Access.PUBLIC) {
      chain.doFilter(req, resp);
      return;
    }
    HttpConfig l = limits.get();
    if (inFlight.incrementAndGet() > l.maxConcurrentRequests()) {
      inFlight.decrementAndGet();
      limited.labelValues("concurrency").inc();
      resp.setHeader("Retry-After", "1");
      PlainText.write(
          resp, 503, "too many concurrent requests (http.max_concurrent_requests); retry shortly");
      return;
    }
    try {
      guarded(req, resp, chain, w, route, access, l);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void guarded(
      HttpServletRequest req,
      HttpServletResponse resp,
      FilterChain chain,
      WebConfig w,
      Route route,
      Route.Access access,
      HttpConfig l)
      throws IOException, ServletException {
    Authenticator authenticator = authenticator(w);
    Authenticator.Result result =
        authenticator.authenticate(req.getHeader("Authorization"), Instant.now());
    Identity who = result.identity();
    String rateKey =
        who == null || who.isAnonymous() || who.kind().equals("open")
            ? "addr:" + req.getRemoteAddr()
            : who.kind() + ":" + who.name();
    double wait = rateLimiter.acquire(rateKey, l.rateLimit(), l.rateLimitBurst());
    if (wait > 0) {
      limited.labelValues("rate").inc();
      resp.setHeader("Retry-After", Long.toString((long) Math.ceil(wait)));
      PlainText.write(resp, 429, "too many requests from " + rateKey + " (http.rate_limit)");
      if (access == Route.Access.WRITE || access == Route.Access.ADMIN) {
        audit(req, route, who, null, 429, "rate_limited");
      }
      return;
    }
    if (!result.ok()) {
      refuse(req, resp, route, authenticator, null, result.failure());
      return;
    }
    if (!who.has(access.scope())) {
      refuse(req, resp, route, authenticator, who, who.isAnonymous() ? "missing" : "forbidden");
      return;
    }
    RequestAuth ra = new RequestAuth(who);
    req.setAttribute(RequestAuth.ATTRIBUTE, ra);
    try {
      chain.doFilter(req, resp);
    } finally {
      if (ra.forbidden() != null) {
        failures.labelValues("forbidden").inc();
      }
      if (access == Route.Access.WRITE || access == Route.Access.ADMIN || ra.forbidden() != null) {
        audit(req, route, who, ra, resp.getStatus(), ra.forbidden() != null ? "forbidden" : null);
      }
    }
  }

  private void refuse(
      HttpServletRequest req,
      HttpServletResponse resp,
      Route route,
      Authenticator authenticator,
      Identity who,
      String reason)
      throws IOException {
    failures.labelValues(reason).inc();
    if (reason.equals("forbidden")) {
      audit(req, route, who, null, 403, reason);
      PlainText.write(
          resp,
          403,
          "403 forbidden: "
              + who.name()
              + " lacks the "
              + route.accessFor(req.getMethod()).scope()
              + " scope needed here");
      return;
    }
    if (authenticator.hasUsers()) {
      resp.addHeader("WWW-Authenticate", "Basic realm=\"mlpipe\", charset=\"UTF-8\"");
    }
    if (authenticator.hasTokens()) {
      resp.addHeader(
          "WWW-Authenticate",
          reason.equals("bad_token") || reason.equals("expired_token")
              ? "Bearer realm=\"mlpipe\", error=\"invalid_token\""
              : "Bearer realm=\"mlpipe\"");
    }
    audit(req, route, who, null, 401, reason);
    PlainText.write(
        resp,
        401,
        switch (reason) {
          case "missing" -> "401 unauthorized: credentials required";
          case "expired_token" -> "401 unauthorized: the token has expired";
          case "bad_token" -> "401 unauthorized: unknown token";
          default -> "401 unauthorized: wrong user name or password";
        });
  }

  private void audit(
      HttpServletRequest req,
      Route route,
      Identity who,
      RequestAuth ra,
      int status,
      String reason) {
    if (!audit.enabled()) {
      return;
    }
    String uri = req.getRequestURI();
    audit.record(
        new AuditLog.Entry(
            Instant.now().toString(),
            req.getRemoteAddr(),
            who == null ? null : who.name(),
            who == null ? null : who.kind(),
            req.getMethod(),
            route == null ? "unmatched" : route.handler(),
            uri.length() > 512 ? uri.substring(0, 512) + "..." : uri,
            ra == null ? null : ra.group(),
            ra == null ? List.of() : ra.pipelines(),
            ra != null && ra.count() >= 0 ? ra.count() : null,
            status,
            reason,
            ra == null ? null : ra.forbidden()));
  }
}
