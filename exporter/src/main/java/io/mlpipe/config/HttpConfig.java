package io.mlpipe.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code http:} section: what one client may cost the agent. The connection settings
 * (connections, header size, timeouts, data rate) take effect at start; the request limits
 * (concurrency, rate) on reload too.
 *
 * @param maxConcurrentRequests requests handled at once; more get 503 at once
 * @param maxConnections open connections; more wait in the accept queue
 * @param maxRequestHeaderBytes request line and headers; more get 431
 * @param idleTimeout a connection silent this long is closed (slow clients)
 * @param minRequestDataRate bytes per second a request body must arrive at, 0 for no minimum
 * @param rateLimit requests per second per identity (token, user, or client address), 0 for off
 * @param rateLimitBurst requests an identity may send at once above the rate
 */
public record HttpConfig(
    int maxConcurrentRequests,
    int maxConnections,
    int maxRequestHeaderBytes,
    Duration idleTimeout,
    long minRequestDataRate,
    double rateLimit,
    int rateLimitBurst) {

  public static HttpConfig defaults() {
    return new HttpConfig(64, 1024, 8192, Duration.ofSeconds(30), 1024, 0, 50);
  }

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("max_concurrent_requests", maxConcurrentRequests);
    out.put("max_connections", maxConnections);
    out.put("max_request_header_bytes", maxRequestHeaderBytes);
    out.put("idle_timeout", Durations.format(idleTimeout));
    out.put("min_request_data_rate", minRequestDataRate);
    out.put("rate_limit", rateLimit);
    out.put("rate_limit_burst", rateLimitBurst);
    return out;
  }
}
