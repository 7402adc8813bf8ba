package io.mlpipe.http;

import io.mlpipe.config.HttpConfig;
import io.mlpipe.ingest.Bodies;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Enforces {@code http.min_request_data_rate} on request bodies (in place of Jetty's, which has no
 * grace period: see {@link Bodies#GRACE_NANOS}). Read from the current config per request, so a
 * reload applies to the next request.
 */
final class BodyRateFilter extends HttpFilter {

  private final Supplier<HttpConfig> limits;

  BodyRateFilter(Supplier<HttpConfig> limits) {
    this.limits = limits;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    long rate = limits.get().minRequestDataRate();
    if (rate <= 0 || req.getContentLengthLong() == 0) {
      chain.doFilter(req, resp);
      return;
    }
    chain.doFilter(
        new HttpServletRequestWrapper(req) {
          private ServletInputStream in;

          @Override
          public ServletInputStream getInputStream() throws IOException {
            if (in == null) {
              in = Bodies.rateChecked(super.getInputStream(), rate);
            }
            return in;
          }
        },
        resp);
  }
}
