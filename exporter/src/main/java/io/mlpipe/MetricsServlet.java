package io.mlpipe;

import io.mlpipe.store.StoreExposition;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics}: the agent's own metrics through client_java's writer, and the stored
 * families from {@link StoreExposition}'s encoded bytes, interleaved in client_java's order, so
 * that the answer is the one {@link PrometheusMetricsServlet} gives for the same registry, at a
 * fraction of the cost when many series are pushed. Protobuf, {@code debug=}, {@code escaping=} and
 * HEAD go to client_java's servlet unchanged.
 */
final class MetricsServlet extends HttpServlet {

  private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.UTF_8);

  private final AgentCollector agent;
  private final StoreExposition store;
  private final PrometheusMetricsServlet fallback;
  private final ExpositionFormats formats = ExpositionFormats.init();
  private static final int STREAM_ABOVE_BYTES = 8 * 1024 * 1024;
  private volatile int lastSize = 64 * 1024;

  MetricsServlet(AgentCollector agent, StoreExposition store, PrometheusMetricsServlet fallback) {
    this.agent = agent;
    this.store = store;
    this.fallback = fallback;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp)
      throws ServletException, IOException {
    if (!"GET".equals(req.getMethod()) || !serve(req, resp)) {
      fallback.service(req, resp);
    }
  }

  /** Answers and returns true, or returns false having written nothing. */
  private boolean serve(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String accept = req.getHeader("Accept");
    String[] names;
    try {
      if (req.getParameter("debug") != null) {
        return false;
      }
      names = req.getParameterValues("name[]");
    } catch (RuntimeException e) {
      return false; // a malformed query: client_java's servlet words the 400
    }
    Scrape scrape = prepare(accept, names);
    if (scrape == null) {
      return false;
    }
    resp.setHeader("Content-Type", scrape.writer.getContentType());
    if (gzip(req)) {
      resp.setHeader("Content-Encoding", "gzip");
      resp.setStatus(200);
      try (GZIPOutputStream out = new GZIPOutputStream(resp.getOutputStream())) {
        scrape.writeTo(out);
      }
    } else if (lastSize > STREAM_ABOVE_BYTES || scrape.sizeHint() > STREAM_ABOVE_BYTES) {
      // Large answers (a million pushed series is ~100 MB) go out as they are written instead of
      // being held twice in the heap; Jetty sends them chunked, without Content-Length. The size
      // hint decides it from the first scrape on: buffering the first one of a million series
      // whole ran a -Xmx512m agent out of heap.
      resp.setStatus(200);
      try (OutputStream out = new BufferedOutputStream(resp.getOutputStream(), 64 * 1024)) {
        CountingStream counted = new CountingStream(out);
        scrape.writeTo(counted);
        lastSize = (int) Math.min(Integer.MAX_VALUE, counted.count);
      }
    } else {
      Buffer buf = Buffer.take(lastSize + 1024);
      try {
        scrape.writeTo(buf);
        lastSize = buf.size();
        resp.setStatus(200);
        if (buf.size() > 0) {
          resp.setContentLength(buf.size());
        }
        try (OutputStream out = resp.getOutputStream()) {
          buf.writeTo(out);
        }
      } finally {
        buf.giveBack();
      }
    }
    return true;
  }

  /**
   * What one scrape writes for {@code accept} and the {@code name[]} values, or null when
   * client_java's servlet must answer (protobuf, {@code escaping=}, names that collide).
   */
  Scrape prepare(String accept, String[] names) {
    if (accept != null && accept.contains("escaping=")) {
      return null;
    }
    ExpositionFormatWriter writer = formats.findWriter(accept);
    boolean openMetrics = writer == formats.getOpenMetricsTextFormatWriter();
    if (!openMetrics && writer != formats.getPrometheusTextFormatWriter()) {
      return null;
    }
    EscapingScheme scheme = EscapingScheme.fromAcceptHeader(accept);
    List<StoreExposition.Merged> stored = store.families(writer, scheme);
    if (stored == null) {
      return null;
    }
    Predicate<String> filter =
        names == null || names.length == 0
            ? n -> true
            : MetricNameFilter.builder().nameMustBeEqualTo(names).build();
    List<MetricSnapshot> own = new ArrayList<>();
    for (MetricSnapshot s : agent.collectOwn()) {
      if (filter.test(s.getMetadata().getPrometheusName())) {
        own.add(s);
      }
    }
    List<StoreExposition.Merged> kept = new ArrayList<>(stored.size());
    for (StoreExposition.Merged m : stored) {
      if (filter.test(m.meta().getMetadata().getPrometheusName()) && !agent.shadowed(m.meta())) {
        kept.add(m);
      }
    }
    return new Scrape(writer, scheme, openMetrics, own, kept);
  }

  /** One scrape's parts, in client_java's order once merged by name. */
  record Scrape(
      ExpositionFormatWriter writer,
      EscapingScheme scheme,
      boolean openMetrics,
      List<MetricSnapshot> own,
      List<StoreExposition.Merged> stored) {

    void writeTo(OutputStream out) throws IOException {
      write(out, own, stored, writer, scheme, openMetrics);
    }

    /** About how many bytes the stored families write (the agent's own are small). */
    long sizeHint() {
      long n = 0;
      for (StoreExposition.Merged m : stored) {
        n += m.sizeHint();
      }
      return n;
    }
  }

  /** Own snapshots and stored families merged by client_java's name (never equal: shadowed). */
  private static void write(
      OutputStream out,
      List<MetricSnapshot> own,
      List<StoreExposition.Merged> stored,
      ExpositionFormatWriter writer,
      EscapingScheme scheme,
      boolean openMetrics)
      throws IOException {
    int i = 0;
    for (StoreExposition.Merged m : stored) {
      String name = m.meta().getMetadata().getPrometheusName();
      int j = i;
      while (j < own.size() && own.get(j).getMetadata().getPrometheusName().compareTo(name) < 0) {
        j++;
      }
      writeOwn(out, own.subList(i, j), writer, scheme);
      i = j;
      m.writeTo(out);
    }
    writeOwn(out, own.subList(i, own.size()), writer, scheme);
    if (openMetrics) {
      out.write(EOF);
    }
  }

  private static void writeOwn(
      OutputStream out, List<MetricSnapshot> run, ExpositionFormatWriter writer, EscapingScheme s)
      throws IOException {
    if (!run.isEmpty()) {
      StoreExposition.writeWithoutEof(writer, s, new MetricSnapshots(run), out);
    }
  }

  /**
   * The answer's bytes before they go out with a Content-Length. One array of up to 1 MiB is kept
   * between scrapes and lent to one scrape at a time (a concurrent one gets a new array), so a host
   * scrape does not allocate and grow a fresh ~64 KiB array each time.
   */
  static final class Buffer extends ByteArrayOutputStream {
    private static final int KEEP_AT_MOST = 1024 * 1024;
    private static final java.util.concurrent.atomic.AtomicReference<Buffer> SPARE =
        new java.util.concurrent.atomic.AtomicReference<>();

    private Buffer(int size) {
      super(size);
    }

    static Buffer take(int size) {
      Buffer b = SPARE.getAndSet(null);
      if (b == null) {
        return new Buffer(size);
      }
      b.reset();
      return b;
    }

    void giveBack() {
      if (buf.length <= KEEP_AT_MOST) {
        SPARE.set(this);
      }
    }
  }

  /** Passes bytes on and counts them. */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  /** As client_java decides it: an Accept-Encoding header that lists gzip (without q=). */
  private static boolean gzip(HttpServletRequest req) {
    Enumeration<String> values = req.getHeaders("Accept-Encoding");
    while (values != null && values.hasMoreElements()) {
      for (String part : values.nextElement().split(",")) {
        if (part.trim().equalsIgnoreCase("gzip")) {
          return true;
        }
      }
    }
    return false;
  }
}
