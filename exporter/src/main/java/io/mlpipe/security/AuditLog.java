package io.mlpipe.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only JSON lines of every accepted and refused write and every refused authentication.
 * Request threads only serialise and enqueue (a bounded queue of {@value #QUEUE} entries); one
 * writer thread appends and flushes whenever the queue runs empty, so a burst costs one flush, not
 * one per line. When the file passes {@code maxBytes} it is renamed {@code .1} (older ones shift
 * up, the oldest beyond {@code keepFiles} is deleted) and a new one started. A full queue (the disk
 * cannot keep up) drops entries, counted in {@code mlpipe_exporter_audit_entries_dropped_total} and
 * logged, rather than slowing writes down.
 *
 * <pre>{@code
 * AuditLog audit = AuditLog.open(new AuditLog.Settings(Path.of("audit.log"), 100 << 20, 5), registry);
 * audit.record(new AuditLog.Entry(time, "127.0.0.1", "team-a", "token", "PUT", "/metrics/job", path,
 *     group, List.of(), 1, 200, null, null));
 * }</pre>
 */
public final class AuditLog implements AutoCloseable {

  static final int QUEUE = 65_536;
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  // Built on the first entry (a holder class): an agent that is only scraped writes none, and
  // never loads Jackson's databind for it.
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private static final String STOP = "";

  /**
   * Where and how much.
   *
   * @param path the log file, or null for no audit log
   * @param maxBytes size at which the file is rotated
   * @param keepFiles rotated files kept besides the current one
   */
  public record Settings(Path path, long maxBytes, int keepFiles) {
    public static Settings off() {
      return new Settings(null, 0, 0);
    }
  }

  /**
   * One line of the audit log. {@code identity} and {@code auth} are written as null when nobody
   * authenticated; the fields after {@code path} only when the request carried them ({@code count}
   * null when the handler did not count).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "time",
    "client",
    "identity",
    "auth",
    "method",
    "api",
    "path",
    "group",
    "pipelines",
    "count",
    "status",
    "reason",
    "forbidden"
  })
  public record Entry(
      String time,
      String client,
      @JsonInclude(JsonInclude.Include.ALWAYS) String identity,
      @JsonInclude(JsonInclude.Include.ALWAYS) String auth,
      String method,
      String api,
      String path,
      String group,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> pipelines,
      Integer count,
      int status,
      String reason,
      String forbidden) {}

  private final Settings settings;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread writer;
  private final Counter entries;
  private final Counter dropped;
  private final DropWarnings dropWarnings = new DropWarnings(java.time.Duration.ofSeconds(10));
  private BufferedWriter out;
  private long size;

  private AuditLog(Settings settings, PrometheusRegistry registry) throws IOException {
    this.settings = settings;
    entries =
        Counter.builder()
            .name("mlpipe_exporter_audit_entries_total")
            .help("Entries written to the audit log (--audit.path).")
            .register(registry);
    dropped =
        Counter.builder()
            .name("mlpipe_exporter_audit_entries_dropped_total")
            .help("Audit entries dropped because the audit log could not keep up or be written.")
            .register(registry);
    if (settings.path() != null) {
      Path parent = settings.path().toAbsolutePath().getParent();
      if (parent != null) { // null for "/", which openFile refuses as a directory
        Files.createDirectories(parent);
      }
      openFile();
      writer = new Thread(this::writeLoop, "audit-log");
      writer.setDaemon(true);
      writer.start();
    } else {
      writer = null;
    }
  }

  /** Opens (appends to) the audit log; with a null path, a log that records nothing. */
  public static AuditLog open(Settings settings, PrometheusRegistry registry) throws IOException {
    return new AuditLog(settings, registry);
  }

  public boolean enabled() {
    return writer != null;
  }

  /** Enqueues one entry (a JSON line); never blocks. */
  public void record(Entry entry) {
    if (writer == null) {
      return;
    }
    String line;
    try {
      line = Json.MAPPER.writeValueAsString(entry);
    } catch (IOException e) {
      throw new IllegalStateException("audit entry not serialisable: " + entry, e);
    }
    if (!queue.offer(line)) {
      dropped.inc();
      long n = dropWarnings.dropped(System.nanoTime());
      if (n > 0) {
        log.warn(
            "audit log queue full: {} entries dropped since the last warning"
                + " (mlpipe_exporter_audit_entries_dropped_total counts them all); latest: {}",
            n,
            line);
      }
    }
  }

  /**
   * At most one "dropped" warning per interval, with how many were dropped since the last: a flood
   * of writes the audit log cannot keep up with must not turn into a flood of log lines.
   */
  static final class DropWarnings {
    private final long intervalNanos;
    private long lastWarn;
    private long since;
    private boolean warned;

    DropWarnings(java.time.Duration interval) {
      this.intervalNanos = interval.toNanos();
    }

    /** Counts one drop; returns the drops to report now, or 0 to stay quiet. */
    synchronized long dropped(long nowNanos) {
      since++;
      if (warned && nowNanos - lastWarn < intervalNanos) {
        return 0;
      }
      warned = true;
      lastWarn = nowNanos;
      long n = since;
      since = 0;
      return n;
    }
  }

  private void openFile() throws IOException {
    out =
        new BufferedWriter(
            new OutputStreamWriter(
                Files.newOutputStream(
                    settings.path(), StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                StandardCharsets.UTF_8),
            64 * 1024);
    size = Files.size(settings.path());
  }

  private void writeLoop() {
    List<String> batch = new ArrayList<>();
    boolean running = true;
    while (running) {
      try {
        String first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 4096);
        for (String line : batch) {
          if (line == STOP) {
            running = false;
            break;
          }
          write(line);
        }
        batch.clear();
        if (out != null) {
          out.flush();
        }
      } catch (InterruptedException e) {
        running = false;
      } catch (IOException e) {
        dropped.inc(batch.size());
        log.error("cannot write the audit log {}: {}", settings.path(), e.toString());
        batch.clear();
        reopenQuietly();
      }
    }
  }

  private void write(String line) throws IOException {
    if (out == null) {
      reopenQuietly();
      if (out == null) {
        throw new IOException("audit log is not open");
      }
    }
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    if (size > 0 && size + bytes.length > settings.maxBytes()) {
      rotate();
    }
    out.write(line);
    out.write('\n');
    size += bytes.length;
    entries.inc();
  }

  private void rotate() throws IOException {
    out.close();
    out = null;
    Path p = settings.path();
    int keep = Math.max(0, settings.keepFiles());
    Files.deleteIfExists(rotated(p, keep + 1));
    for (int i = keep; i >= 1; i--) {
      Path from = i == 1 ? p : rotated(p, i - 1);
      if (Files.exists(from)) {
        Files.move(from, rotated(p, i), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (keep == 0) {
      Files.deleteIfExists(p);
    }
    Files.deleteIfExists(rotated(p, keep + 1));
    openFile();
  }

  static Path rotated(Path p, int n) {
    return p.resolveSibling(p.getFileName() + "." + n);
  }

  private void reopenQuietly() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException ignored) {
      // the file is being replaced
    }
    out = null;
    try {
      openFile();
    } catch (IOException e) {
      out = null;
    }
  }

  /** Writes what is queued and closes the file. */
  @Override
  public void close() throws InterruptedException {
    if (writer == null) {
      return;
    }
    queue.put(STOP);
    writer.join(10_000);
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      log.warn("closing the audit log: {}", e.toString());
    }
  }
}
