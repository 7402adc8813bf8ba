package io.mlpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.demo.Demo;
import io.mlpipe.demo.Fault;
import io.mlpipe.demo.Workload;
import io.mlpipe.testing.AgentProcess;
import io.mlpipe.testing.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A packaged agent started with the config {@code mlpipe demo} writes, and the demo workload
 * driving it from this JVM over HTTP, as {@code mlpipe demo --agent URL} would.
 */
final class DemoRig implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final AgentProcess agent;
  final Demo demo;
  final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

  private DemoRig(AgentProcess agent, Demo demo) {
    this.agent = agent;
    this.demo = demo;
  }

  static DemoRig start(Path dir, double speed, String... faults) throws IOException {
    Path config = dir.resolve("mlpipe-demo.yml");
    Files.createDirectories(dir);
    Files.writeString(config, Workload.configYaml(speed));
    AgentProcess agent =
        AgentProcess.start(
            dir.resolve("agent"),
            "--config.file=" + config,
            "--storage.path=" + dir.resolve("data"),
            "--storage.fsync=never",
            "--no-collector.filesystem",
            "--no-collector.gpu");
    List<Fault> parsed = new ArrayList<>();
    for (String f : faults) {
      parsed.add(Fault.parse(f));
    }
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    Demo demo =
        Demo.start(new Demo.Options(URI.create(agent.url()), speed, 42, parsed, null, log::add));
    DemoRig rig = new DemoRig(agent, demo);
    rig.log.addAll(log);
    return rig;
  }

  /** {@code /api/v1/pipelines/NAME}'s data. */
  JsonNode pipeline(String name) {
    try {
      return JSON.readTree(Http.get(agent.url() + "/api/v1/pipelines/" + name).body()).get("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode stage(String pipeline, String stage) {
    return pipeline(pipeline).path("stages").path(stage);
  }

  String metrics() {
    return Http.get(agent.url() + "/metrics").body();
  }

  /** The first sample of {@code name} whose labels include {@code labels}. */
  OptionalDouble sample(String name, Map<String, String> labels) {
    for (String line : metrics().split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String metric = brace > 0 ? line.substring(0, brace) : line.substring(0, space);
      if (!metric.equals(name)) {
        continue;
      }
      String ls = brace > 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
      boolean all =
          labels.entrySet().stream()
              .allMatch(e -> ls.contains(e.getKey() + "=\"" + e.getValue() + "\""));
      if (all) {
        String v = line.substring(space + 1);
        return OptionalDouble.of(
            v.equals("NaN")
                ? Double.NaN
                : v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v));
      }
    }
    return OptionalDouble.empty();
  }

  double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  @Override
  public void close() throws InterruptedException {
    try {
      demo.close();
    } finally {
      agent.close();
    }
  }
}
