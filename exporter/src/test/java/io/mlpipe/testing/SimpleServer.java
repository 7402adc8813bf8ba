package io.mlpipe.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus-ecosystem server (Alertmanager, Pushgateway, node_exporter) started from its
 * Debian binary on a free 127.0.0.1 port, with the Debian defaults that would make parallel
 * instances share state overridden.
 */
public final class SimpleServer implements AutoCloseable {

  private final ManagedProcess process;
  private final String url;

  private SimpleServer(ManagedProcess process, String url) {
    this.process = process;
    this.url = url;
  }

  /** Alertmanager with its own storage dir and no clustering. */
  public static SimpleServer alertmanager(Path dir, Path configFile) {
    int port = FreePort.next();
    return start(
        "alertmanager",
        dir,
        port,
        "/-/ready",
        List.of(
            Binaries.require("prometheus-alertmanager").toString(),
            "--config.file=" + configFile,
            "--storage.path=" + dir.resolve("am-data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address="));
  }

  /** Pushgateway with its own persistence file (Debian's default is shared). */
  public static SimpleServer pushgateway(Path dir, String... extraArgs) {
    int port = FreePort.next();
    List<String> cmd = new ArrayList<>();
    cmd.add(Binaries.require("prometheus-pushgateway").toString());
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.add("--persistence.file=" + dir.resolve("pushgateway.data"));
    cmd.addAll(List.of(extraArgs));
    return start("pushgateway", dir, port, "/-/ready", cmd);
  }

  /** node_exporter with its own (empty) textfile directory. */
  public static SimpleServer nodeExporter(Path dir, String... extraArgs) {
    int port = FreePort.next();
    List<String> cmd = new ArrayList<>();
    cmd.add(Binaries.require("prometheus-node-exporter").toString());
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.add("--collector.textfile.directory=" + dir.resolve("textfile"));
    cmd.addAll(List.of(extraArgs));
    return start("node_exporter", dir, port, "/metrics", cmd);
  }

  private static SimpleServer start(
      String name, Path dir, int port, String readyPath, List<String> cmd) {
    ManagedProcess p = new ManagedProcess(name, cmd, dir.resolve(name + ".log"));
    String url = "http://127.0.0.1:" + port;
    Wait.until(
        name + " ready on port " + port,
        Duration.ofSeconds(30),
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError(name + " exited:\n" + p.logTail(30));
          }
          return Http.isOk(url + readyPath);
        });
    return new SimpleServer(p, url);
  }

  public String url() {
    return url;
  }

  public String hostPort() {
    return url.substring("http://".length());
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
