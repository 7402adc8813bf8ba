package io.mlpipe.cli;

import io.mlpipe.Agent;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Not a user command: the short workloads the build runs under {@code -XX:DumpLoadedClassList}; the
 * classes each loads are dumped into an AppCDS archive that {@code bin/mlpipe} starts with
 * (exporter/src/build/appcds.sh), so that they are mapped instead of parsed and verified at every
 * start. Two archives, because with Debian's JDK 17 the whole archive is resident in every JVM that
 * maps it (it is relocated, i.e. copied), classes used or not:
 *
 * <ul>
 *   <li>{@code serve}: what an idle agent loads, for {@code mlpipe serve}: it starts as serve
 *       starts (Main.serveCommandLine, default collectors) and is scraped in text and OpenMetrics.
 *       The first push, event or JSON API call of an agent loads its classes from the jar.
 *   <li>{@code all}: the same, then a push, an event, the pages and {@code mlpipe run} wrapping
 *       {@code true}, for the short-lived clients ({@code run}, {@code push}, ...).
 * </ul>
 */
public final class CdsTraining {

  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    boolean all = args.length > 0 && args[0].equals("all");
    java.util.logging.LogManager.getLogManager().reset(); // a build step: quiet
    Path dir = Files.createTempDirectory("mlpipe-cds");
    int[] runCode = {0};
    int code;
    try {
      // The workload runs inside serve's start seam; then the shutdown hook runs as on SIGTERM
      // and serve returns, through the same classes as a real stop.
      CommandLine cli = Main.serveCommandLine();
      ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
      Thread[] hook = new Thread[1];
      serve.addShutdownHook = t -> hook[0] = t;
      serve.starter =
          options -> {
            Agent agent = Agent.start(options);
            try {
              String url = "http://127.0.0.1:" + agent.port();
              scrapes(url);
              if (all) {
                runCode[0] = clients(url, dir);
              }
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
      delete(dir.toFile());
    }
    // The class list is complete as the JVM exits; the agent's pools are closed already.
    System.exit(code != 0 ? code : runCode[0]);
  }

  /** What Prometheus and a kubelet do to an idle agent, and a garbage collection. */
  private static void scrapes(String url) throws IOException {
    request("GET", url + "/-/ready", null, null);
    request("GET", url + "/-/healthy", null, null);
    for (int i = 0; i < 3; i++) {
      request("GET", url + "/metrics", null, null);
      request("GET", url + "/metrics", "application/openmetrics-text;version=1.0.0", null);
    }
    collection(url);
  }

  /**
   * A collection, as the agent's small heap has within its first second: the JVM collector's GC
   * listener (jvm_memory_pool_allocated_bytes_total) then has the JDK build its notification
   * through JMX open types and reflection, ~70 classes that the training heap (default size: no
   * collection) never loaded, so every agent parsed them from the JDK's modules file instead of
   * mapping them. Waits until the listener has counted it (the notification is delivered on another
   * thread), bounded: without the jvm collector there is nothing to wait for.
   */
  private static void collection(String url) throws IOException {
    System.gc();
    for (int i = 0; i < 100; i++) {
      if (request("GET", url + "/metrics", null, null)
          .contains("jvm_memory_pool_allocated_bytes_total{")) {
        return;
      }
      Thread.onSpinWait();
    }
  }

  /** Pushes, posts an event, wraps {@code true} with {@code mlpipe run}; returns run's code. */
  private static int clients(String url, Path dir) throws IOException {
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

  /**
   * One request over a plain socket (HTTP/1.1, Connection: close), not HttpURLConnection; returns
   * the whole reply (status line, headers, body). Not HttpURLConnection: the class list records
   * every class this JVM loads, and the client's own classes (sun.net.www.*, ~30) would be archived
   * for an agent that never uses them.
   */
  private static String request(String method, String url, String type, String body)
      throws IOException {
    URI uri = URI.create(url);
    byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(uri.getRawPath()).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    head.append("Connection: close\r\n");
    if (type != null) {
      head.append(body == null ? "Accept: " : "Content-Type: ").append(type).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(payload.length).append("\r\n");
    }
    head.append("\r\n");
    String reply;
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(payload);
      out.flush();
      reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    // "HTTP/1.1 200 OK"
    String[] statusLine = reply.lines().findFirst().orElse("").split(" ", 3);
    if (statusLine.length < 2 || statusLine[1].compareTo("400") >= 0) {
      throw new IOException(
          method + " " + url + ": " + (statusLine.length < 2 ? reply : statusLine[1]));
    }
    return reply;
  }

  /** Deletes {@code file} and what is under it (java.io, without Files.walk's classes). */
  private static void delete(File file) {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        delete(child);
      }
    }
    file.delete();
  }
}
