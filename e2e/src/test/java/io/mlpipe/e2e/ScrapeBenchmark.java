package io.mlpipe.e2e;

import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import io.mlpipe.testing.SimpleServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Scrape cost of the agent's host collectors next to node_exporter's, both limited to the same
 * collectors: median of 100 scrapes each (wall time of GET /metrics, and the sum of the per
 * collector durations each reports). A benchmark, not a test: run {@code scripts/bench/scrape.sh}.
 */
public final class ScrapeBenchmark {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    Path dir = Files.createTempDirectory("mlpipe-bench");
    List<String> neArgs =
        new ArrayList<>(List.of(SideBySideWithNodeExporterTest.NODE_EXPORTER_ARGS));
    neArgs.add("--collector.disable-defaults");
    for (String c : CollectorCatalog.hostCollectorNames()) {
      neArgs.add("--collector." + c);
    }
    try (SimpleServer ne =
            SimpleServer.nodeExporter(dir.resolve("ne"), neArgs.toArray(String[]::new));
        AgentProcess agent =
            AgentProcess.start(dir.resolve("agent"), "--no-collector.jvm", "--no-collector.gpu")) {
      Result a = measure(agent.url() + "/metrics", n, "mlpipe_exporter_collector_duration_seconds");
      Result b = measure(ne.url() + "/metrics", n, "node_scrape_collector_duration_seconds");
      System.out.printf(
          "host collectors, %d scrapes each after %d not counted, medians:%n"
              + "  mlpipe agent   : GET /metrics %.2f ms, sum of collector durations %.2f ms, %d bytes%n"
              + "  node_exporter  : GET /metrics %.2f ms, sum of collector durations %.2f ms, %d bytes%n",
          n, WARMUP, a.wallMs, a.collectorsMs, a.bytes, b.wallMs, b.collectorsMs, b.bytes);
    }
  }

  static final int WARMUP = 300;

  record Result(double wallMs, double collectorsMs, int bytes) {}

  static Result measure(String url, int n, String durationMetric) {
    // Warm-up: 300 scrapes is 75 minutes of a 15 s scrape interval, so the JIT has compiled
    // what a long-running agent runs (after 20 the median was still 12.6 ms instead of ~5 ms).
    for (int i = 0; i < WARMUP; i++) {
      Http.get(url);
    }
    List<Double> wall = new ArrayList<>();
    List<Double> coll = new ArrayList<>();
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      String body = Http.get(url).body();
      wall.add((System.nanoTime() - t0) / 1e6);
      bytes = body.length();
      coll.add(
          Exposition.parse(body).get(durationMetric).samples().values().stream()
                  .mapToDouble(Double::doubleValue)
                  .sum()
              * 1000);
    }
    return new Result(median(wall), median(coll), bytes);
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
