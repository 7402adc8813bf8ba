package io.mlpipe.http;

import io.mlpipe.config.ConfigException;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the web config current: every second it compares the modification times and sizes of the
 * file and of the certificate, key and CA files it names, and on a change reads it again (like
 * exporter-toolkit's re-read per request, at the cost of a few {@code stat}s a second). A file that
 * no longer loads keeps the previous config, is logged, and sets {@code
 * mlpipe_exporter_web_config_last_reload_successful} to 0.
 */
public final class WebConfigWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebConfigWatcher.class);

  private final Path file; // null: no web config
  private volatile WebConfig current;
  private List<String> stamps;
  private final List<Consumer<WebConfig>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer;
  private final Gauge lastReload;

  public WebConfigWatcher(Path file, WebConfig initial, PrometheusRegistry registry) {
    this.file = file;
    this.current = initial;
    this.stamps = stamps(initial);
    lastReload =
        Gauge.builder()
            .name("mlpipe_exporter_web_config_last_reload_successful")
            .help("Whether the web config (--web.config.file) last read after a change was valid.")
            .register(registry);
    lastReload.set(1);
    if (file != null) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "web-config-watch");
                t.setDaemon(true);
                return t;
              });
      timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    } else {
      timer = null;
    }
  }

  public WebConfig current() {
    return current;
  }

  /** Called with the new config after each successful reload (e.g. to swap TLS keys). */
  public void onChange(Consumer<WebConfig> listener) {
    listeners.add(listener);
  }

  /** Reloads now if any file changed. */
  synchronized void check() {
    List<String> now = stamps(current);
    if (now.equals(stamps)) {
      return;
    }
    stamps = now;
    try {
      WebConfig next = WebConfigLoader.load(file);
      if ((next.tls() == null) != (current.tls() == null)) {
        log.error(
            "web config {}: turning TLS on or off needs a restart; keeping the previous web config",
            file);
        lastReload.set(0);
        return;
      }
      current = next;
      stamps = stamps(next);
      for (Consumer<WebConfig> l : listeners) {
        l.accept(next);
      }
      lastReload.set(1);
      log.info("web config reloaded from {}", file);
    } catch (ConfigException e) {
      lastReload.set(0);
      log.error("web config reload failed, keeping the previous one:\n{}", e.getMessage());
    } catch (RuntimeException e) {
      lastReload.set(0);
      log.error("web config reload failed, keeping the previous one: {}", e.toString());
    }
  }

  private List<String> stamps(WebConfig config) {
    List<String> out = new ArrayList<>();
    List<Path> files = new ArrayList<>(config.files());
    if (file != null && !files.contains(file.toAbsolutePath())) {
      files.add(file.toAbsolutePath());
    }
    for (Path p : files) {
      try {
        out.add(p + "@" + Files.getLastModifiedTime(p).toMillis() + "/" + Files.size(p));
      } catch (IOException e) {
        out.add(p + "@missing");
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
