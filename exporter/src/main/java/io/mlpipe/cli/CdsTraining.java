package io.mlpipe.cli;

import io.mlpipe.Agent;
import io.mlpipe.AgentOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Not a user command: the short workload the build runs under {@code -XX:DumpLoadedClassList}; the
 * classes it loads are dumped into the AppCDS archive that {@code bin/mlpipe} starts with
 * (exporter/src/build/appcds.sh). It starts an agent, scrapes it (text and OpenMetrics), pushes a
 * group and an event, and wraps {@code true} with {@code mlpipe run}, so that the classes of {@code
 * serve} and {@code run} are loaded from the archive instead of parsed and verified at every start.
 */
public final class CdsTraining {

  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    java.util.logging.LogManager.getLogManager().reset(); // a build step: quiet
    Path dir = Files.createTempDirectory("mlpipe-cds");
    int code = 0;
    try (Agent agent = Agent.start(AgentOptions.forTest(dir.resolve("data")))) {
      String url = "http://127.0.0.1:" + agent.port();
      request("GET", url + "/metrics", null, null);
      request("GET", url + "/metrics", "application/openmetrics-text;version=1.0.0", null);
      request("PUT", url + "/metrics/job/cds", "text/plain", "# TYPE cds gauge\ncds{a=\"b\"} 1\n");
      request(
          "POST",
          url + "/api/v1/events",
          "application/json",
          "{\"type\":\"records\",\"pipeline\":\"cds\",\"stage\":\"s\",\"processed\":1}");
      code =
          Main.run(
              "run",
              "--agent",
              url,
              "--spool-dir",
              dir.resolve("spool").toString(),
              "--pipeline",
              "cds",
              "--stage",
              "train",
              "--",
              "true");
      request("GET", url + "/metrics", null, null);
      request("GET", url + "/pipelines", null, null);
      // `mlpipe run` reads its arguments without picocli now (RunArgs): serve's command line,
      // built here, keeps picocli's classes in the archive for the agent's start.
      Main.commandLine();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    // The archive is written as the JVM exits; the agent's pools are closed already.
    System.exit(code);
  }

  private static void request(String method, String url, String type, String body)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setRequestMethod(method);
    if (type != null) {
      c.setRequestProperty(body == null ? "Accept" : "Content-Type", type);
    }
    if (body != null) {
      c.setDoOutput(true);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      if (in != null) {
        in.readAllBytes();
      }
    }
    if (status >= 400) {
      throw new IOException(method + " " + url + ": " + status);
    }
  }
}
