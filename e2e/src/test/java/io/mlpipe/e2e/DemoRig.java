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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A packaged agent started with the config {@code mlpipe demo} writes, and the demo workload
 * driving it from this JVM over HTTP, as {@code mlpipe demo --agent URL} would.
 */
final class DemoRig implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final AgentProcess agent;
  final Demo demo;
  final List<Fault> faults;

  /** What the demo logged (faults, refused requests), as it goes. */
  final List<String> log;

  private DemoRig(AgentProcess agent, Demo demo, List<Fault> faults, List<String> log) {
    this.agent = agent;
    this.log = log;
    this.demo = demo;
    this.faults = faults;
  }

  static DemoRig start(Path dir, double speed, String... faults) throws IOException {
    return start(dir, speed, null, false, faults);
  }

  /** As {@link #start}, with the filesystem collector on (the node dashboard's disk panels). */
  static DemoRig startWithFilesystems(Path dir, double speed, String... faults) throws IOException {
    return start(dir, speed, null, true, faults);
  }

  /**
   * As {@link #start}, with an agent whose config requires a bearer token for writes (anonymous
   * clients may only read), and a demo that presents it.
   */
  static DemoRig startWithPushToken(Path dir, double speed, String... faults) throws IOException {
    return start(
        dir, speed, HexFormat.of().formatHex(new SecureRandom().generateSeed(16)), false, faults);
  }

  private static DemoRig start(
      Path dir, double speed, String token, boolean filesystems, String... faults)
      throws IOException {
    Path config = dir.resolve("mlpipe-demo.yml");
    Files.createDirectories(dir);
    String yaml = Workload.configYaml(speed);
    if (token != null) {
      yaml +=
          """
          auth:
            anonymous: [read]
            tokens:
              - name: demo
                sha256: %s
                scopes: [read, write]
                pipelines: ["*"]
                jobs: ["*"]
          """
              .formatted(sha256Hex(token));
    }
    Files.writeString(config, yaml);
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--storage.fsync=never",
                "--no-collector.gpu"));
    if (!filesystems) {
      flags.add("--no-collector.filesystem");
    }
    AgentProcess agent = AgentProcess.start(dir.resolve("agent"), flags.toArray(String[]::new));
    List<Fault> parsed = new ArrayList<>();
    for (String f : faults) {
      parsed.add(Fault.parse(f));
    }
    List<String> log = new CopyOnWriteArrayList<>();
    Demo demo =
        Demo.start(new Demo.Options(URI.create(agent.url()), speed, 42, parsed, token, log::add));
    return new DemoRig(agent, demo, List.copyOf(parsed), log);
  }

  private static String sha256Hex(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
