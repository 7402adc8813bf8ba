package io.mlpipe.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.tls.Certificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client of Prometheus' HTTP query API ({@code /api/v1/query}, {@code /api/v1/query_range},
 * {@code /api/v1/rules}) with the TLS, basic-auth and bearer-token settings of a secured
 * Prometheus.
 *
 * <pre>{@code
 * PrometheusApi api = PrometheusApi.connect(new PrometheusApi.Connection(URI.create(url), ...));
 * List<Sample> up = api.instant("up", Instant.now().getEpochSecond());
 * }</pre>
 */
public final class PrometheusApi {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** Where Prometheus is and how to authenticate; null fields are unset. */
  public record Connection(
      URI url,
      Path caFile,
      boolean insecureSkipVerify,
      String basicAuthUser,
      String basicAuthPassword,
      String bearerToken,
      Duration timeout) {}

  /** A query Prometheus refused (bad PromQL, too many samples): the section says why. */
  public static final class QueryException extends PrometheusException {
    QueryException(String message) {
      super(message);
    }
  }

  /** MLPIPE_REPORT_TRACE=1: each request's time, status, size and query on stderr. */
  private static final boolean TRACE = System.getenv("MLPIPE_REPORT_TRACE") != null;

  private final HttpClient http;
  private final URI base;
  private final String authorization;
  private final Duration timeout;

  private PrometheusApi(HttpClient http, URI base, String authorization, Duration timeout) {
    this.http = http;
    this.base = base;
    this.authorization = authorization;
    this.timeout = timeout;
  }

  /** Checks the URL and builds the client; nothing is sent yet. */
  public static PrometheusApi connect(Connection c) throws PrometheusException {
    URI url = c.url();
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new PrometheusException("--prometheus " + url + ": not an http:// or https:// URL");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new PrometheusException("--prometheus " + url + ": no host in the URL");
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    URI base = URI.create(scheme + "://" + url.getRawAuthority() + path.replaceAll("/+$", ""));
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(c.timeout())
            .followRedirects(HttpClient.Redirect.NORMAL);
    if (scheme.equals("https")) {
      b.sslContext(sslContext(c));
    }
    String auth = null;
    if (c.bearerToken() != null) {
      auth = "Bearer " + c.bearerToken();
    } else if (c.basicAuthUser() != null) {
      String pair =
          c.basicAuthUser() + ":" + (c.basicAuthPassword() == null ? "" : c.basicAuthPassword());
      auth = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return new PrometheusApi(b.build(), base, auth, c.timeout());
  }

  public URI url() {
    return base;
  }

  /** The instant vector {@code promql} gives at {@code time} (Unix seconds). */
  public List<Sample> instant(String promql, double time) throws PrometheusException {
    ApiJson.QueryData data = query("/api/v1/query", "query=" + enc(promql) + "&time=" + ts(time));
    List<Sample> out = new ArrayList<>();
    if ("scalar".equals(data.resultType())) {
      out.add(new Sample(java.util.Map.of(), value(data.result().get(1).asText())));
      return out;
    }
    if (!"vector".equals(data.resultType())) {
      throw new QueryException(promql + ": expected a vector, got a " + data.resultType());
    }
    for (ApiJson.Element e : elements(data)) {
      out.add(new Sample(e.metric(), value(e.value().get(1))));
    }
    return out;
  }

  /**
   * The raw samples of a range-vector selector ({@code metric[5m]}) at {@code time}, or a range
   * query's series when {@code step} is positive.
   */
  public List<Series> range(String promql, double start, double end, double step)
      throws PrometheusException {
    ApiJson.QueryData data =
        query(
            "/api/v1/query_range",
            "query="
                + enc(promql)
                + "&start="
                + ts(start)
                + "&end="
                + ts(end)
                + "&step="
                + ts(step));
    List<Series> out = new ArrayList<>();
    for (ApiJson.Element e : elements(data)) {
      List<Series.Point> points = new ArrayList<>();
      for (List<String> v : e.values()) {
        points.add(new Series.Point(Double.parseDouble(v.get(0)), value(v.get(1))));
      }
      out.add(new Series(e.metric(), points));
    }
    return out;
  }

  /** The names of the recording rules Prometheus has loaded (empty when it has none). */
  public Set<String> recordingRules() throws PrometheusException {
    ApiJson.RulesResponse r = get("/api/v1/rules?type=record", ApiJson.RulesResponse.class);
    Set<String> names = new LinkedHashSet<>();
    if (r.data() != null && r.data().groups() != null) {
      for (ApiJson.RuleGroup g : r.data().groups()) {
        for (ApiJson.Rule rule : g.rules()) {
          names.add(rule.name());
        }
      }
    }
    return names;
  }

  private ApiJson.QueryData query(String path, String form) throws PrometheusException {
    ApiJson.QueryResponse r = get(path + "?" + form, ApiJson.QueryResponse.class);
    if (!"success".equals(r.status()) || r.data() == null) {
      throw new QueryException(r.errorType() + ": " + r.error());
    }
    return r.data();
  }

  private List<ApiJson.Element> elements(ApiJson.QueryData data) {
    return JSON.convertValue(data.result(), new TypeReference<List<ApiJson.Element>>() {});
  }

  private <T> T get(String pathAndQuery, Class<T> type) throws PrometheusException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(timeout)
            .header("Accept", "application/json");
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    HttpResponse<InputStream> resp;
    long t0 = System.nanoTime();
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusException("interrupted while asking Prometheus at " + base);
    } catch (IOException e) {
      throw new PrometheusException(unreachable(e));
    }
    int status = resp.statusCode();
    byte[] body;
    try (InputStream in = resp.body()) {
      body = in.readAllBytes();
    } catch (IOException e) {
      throw new PrometheusException(unreachable(e));
    }
    if (TRACE) {
      System.err.printf(
          Locale.ROOT,
          "mlpipe report: %4d ms %d %7d B %s%n",
          (System.nanoTime() - t0) / 1_000_000,
          status,
          body.length,
          java.net.URLDecoder.decode(pathAndQuery, StandardCharsets.UTF_8));
    }
    if (status == 401 || status == 403) {
      throw new PrometheusException(
          "Prometheus at "
              + base
              + " refused the credentials (HTTP "
              + status
              + (status == 401 ? " Unauthorized" : " Forbidden")
              + "): check --prometheus.basic-auth-user/-password-file or --prometheus.bearer-token-file");
    }
    if (status == 404) {
      throw new PrometheusException(
          base
              + pathAndQuery.replaceAll("\\?.*", "")
              + " is not found (HTTP 404): is --prometheus the URL of a Prometheus?");
    }
    try {
      T parsed = JSON.readValue(body, type);
      if (status / 100 != 2 && parsed instanceof ApiJson.QueryResponse q && q.error() != null) {
        throw new QueryException(q.errorType() + ": " + q.error());
      }
      if (status / 100 != 2) {
        throw new PrometheusException(base + " answered HTTP " + status);
      }
      return parsed;
    } catch (JsonProcessingException e) {
      throw new PrometheusException(
          base
              + " answered HTTP "
              + status
              + " with no Prometheus API JSON: is --prometheus the URL of a Prometheus?");
    } catch (IOException e) {
      throw new PrometheusException(unreachable(e));
    }
  }

  private String unreachable(IOException e) {
    String why;
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      why = "connection refused";
    } else if (e instanceof HttpConnectTimeoutException) {
      why = "connection timed out after " + timeout.toSeconds() + " s";
    } else if (e instanceof HttpTimeoutException) {
      why = "no answer within " + timeout.toSeconds() + " s";
    } else if (e instanceof UnknownHostException || e.getCause() instanceof UnknownHostException) {
      why = "unknown host " + base.getHost();
    } else if (e instanceof SSLException || e.getCause() instanceof SSLException) {
      why =
          "TLS failed ("
              + rootMessage(e)
              + "); give its CA with --prometheus.ca-file, or --prometheus.insecure-skip-verify";
    } else {
      why = rootMessage(e);
    }
    return "cannot reach Prometheus at " + base + ": " + why;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static SSLContext sslContext(Connection c) throws PrometheusException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (c.insecureSkipVerify()) {
        // The JDK client checks host names outside the trust manager; this property is read
        // once, when the first HttpClient is built, and only for this insecure mode.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        ctx.init(null, new TrustManager[] {Certificates.ACCEPT_ANY}, new SecureRandom());
        return ctx;
      }
      if (c.caFile() == null) {
        return SSLContext.getDefault();
      }
      List<X509Certificate> cas = Certificates.read(c.caFile());
      if (cas.isEmpty()) {
        throw new PrometheusException(
            "--prometheus.ca-file " + c.caFile() + ": no PEM certificate in it");
      }
      KeyStore ks = Certificates.trustStore(cas);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
      return ctx;
    } catch (IOException e) {
      throw new PrometheusException(
          "--prometheus.ca-file " + c.caFile() + ": cannot read it (" + rootMessage(e) + ")");
    } catch (GeneralSecurityException e) {
      throw new PrometheusException(
          "--prometheus.ca-file "
              + c.caFile()
              + ": not a PEM certificate ("
              + rootMessage(e)
              + ")");
    }
  }

  private static double value(String v) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(v);
    };
  }

  private static String ts(double seconds) {
    return String.format(Locale.ROOT, "%.3f", seconds);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
