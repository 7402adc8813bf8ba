package io.mlpipe.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The headers on every answer of the agent, set in this one place: a Content-Security-Policy that
 * lets the pages apply their inline {@code <style>} and nothing else (no script, no frame around
 * them, no form posting elsewhere), {@code X-Content-Type-Options: nosniff} (a pushed value in a
 * text or JSON answer is never sniffed into HTML), {@code Referrer-Policy: no-referrer} (a link to
 * Grafana does not tell it the agent's address), then the web config's {@code
 * http_server_config.headers} over them, so an operator can change any of them.
 *
 * <p>{@link #wrap} sets them before any handler runs, so the routes' answers and their 401, 403,
 * 404 and 405 carry them; {@link PlainTextErrorHandler} sets them again on the errors that Jetty
 * answers itself (a bad URI, an oversized header), which can reach it without passing the handler.
 *
 * <pre>{@code
 * SecurityHeaders headers = new SecurityHeaders(webConfig::current);
 * server.setHandler(headers.wrap(context));
 * }</pre>
 */
public final class SecurityHeaders {

  /**
   * The pages are server-rendered HTML with an inline {@code <style>} and no script. Style is
   * allowed inline (the pages and their templates change without a hash to keep in step); script is
   * not allowed at all, so a value that got through as markup still could not run.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
          + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  /** The defaults, in the order they are written. */
  public static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    m.put("X-Content-Type-Options", "nosniff");
    m.put("Referrer-Policy", "no-referrer");
    return java.util.Collections.unmodifiableMap(m);
  }

  private final Supplier<WebConfig> web;

  /** {@code web} is read on every answer, so a web config reload applies at once. */
  public SecurityHeaders(Supplier<WebConfig> web) {
    this.web = web;
  }

  /** Puts the defaults, then the web config's headers, replacing any value already there. */
  void apply(HttpFields.Mutable headers) {
    DEFAULTS.forEach(headers::put);
    web.get().headers().forEach(headers::put);
  }

  /** {@code next}, with the headers set on every response before it runs. */
  Handler wrap(Handler next) {
    return new Handler.Wrapper(next) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        apply(response.getHeaders());
        return super.handle(request, response, callback);
      }
    };
  }
}
