package io.mlpipe.cli;

import io.mlpipe.Agent;
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
import picocli.CommandLine;

/**
 * Not a user command: the short workload the build runs under {@code -XX:DumpLoadedClassList}; the
 * classes it loads are dumped into the AppCDS archive that {@code bin/mlpipe} starts with
 * (exporter/src/build/appcds.sh). It starts an agent as {@code mlpipe serve} does, scrapes it (text
 * and OpenMetrics), pushes a group and an event, and wraps {@code true} with {@code mlpipe run}, so
 * that the classes of {@code serve} and {@code run} are loaded from the archive instead of parsed
 * and verified at every start.
 */
public final class CdsTraining {

  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    java.util.logging.LogManager.getLogManager().reset(); // a build step: quiet
    Path dir = Files.createTempDirectory("mlpipe-cds");
    int[] runCode = {0};
    int code;
    try {
      // The agent starts as `mlpipe serve` starts it (Main.serveCommandLine, default collectors),
      // so that the archive holds the classes of that path too: picocli's parsing of serve's
      // flags, ServeCommand, Logging, the shutdown hook and signals. The workload runs inside the
      // start seam; then the shutdown hook runs as on SIGTERM and serve returns.
      CommandLine cli = Main.serveCommandLine();
      ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
      Thread[] hook = new Thread[1];
      serve.addShutdownHook = t -> hook[0] = t;
      serve.starter =
          options -> {
            Agent agent = Agent.start(options);
            try {
              runCode[0] = workload("http://127.0.0.1:" + agent.port(), dir);
            } finally {
              hook[0].start();
            }
            return agent;
          };
      code =
          cli.execute(
              "serve",
              "--web.listen-address=127.0.0.1:0",
              "--storage.path=" + dir.resolve("data"),
              "--log.level=error");
      if (hook[0] != null) {
        hook[0].join();
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    // The class list is complete as the JVM exits; the agent's pools are closed already.
    System.exit(code != 0 ? code : runCode[0]);
  }

  /** Scrapes, pushes and wraps {@code true} with {@code mlpipe run}; returns run's exit code. */
  private static int workload(String url, Path dir) throws IOException {
    request("GET", url + "/metrics", null, null);
    request("GET", url + "/metrics", "application/openmetrics-text;version=1.0.0", null);
    request("PUT", url + "/metrics/job/cds", "text/plain", "# TYPE cds gauge\ncds{a=\"b\"} 1\n");
    request(
        "POST",
        url + "/api/v1/events",
        "application/json",
        "{\"type\":\"records\",\"pipeline\":\"cds\",\"stage\":\"s\",\"processed\":1}");
    int code =
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
    return code;
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
