package io.mlpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The receiver at the end of the alerting path in e2e tests: a webhook that a real Alertmanager
 * posts to, remembering every alert with the time it arrived.
 *
 * <pre>{@code
 * try (AlertWebhook hook = AlertWebhook.start();
 *     SimpleServer am = SimpleServer.alertmanager(dir, hook.alertmanagerConfig(dir, "alertname"))) {
 *   ... hook.first("MlpipeAgentDown", Map.of()) ...
 * }
 * }</pre>
 */
final class AlertWebhook implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One alert of one notification, as Alertmanager sent it, and when it arrived. */
  record Received(JsonNode alert, Instant at) {
    String name() {
      return label("alertname");
    }

    String label(String name) {
      return alert.path("labels").path(name).asText();
    }

    String annotation(String name) {
      return alert.path("annotations").path(name).asText();
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private AlertWebhook(HttpServer server) {
    this.server = server;
  }

  static AlertWebhook start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AlertWebhook hook = new AlertWebhook(server);
    server.createContext(
        "/hook",
        exchange -> {
          Instant now = Instant.now();
          JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
          body.path("alerts").forEach(a -> hook.received.add(new Received(a, now)));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    return hook;
  }

  /** Every alert received so far, oldest first. */
  List<Received> alerts() {
    return List.copyOf(received);
  }

  /** The first alert named {@code alertname} whose labels include {@code labels}. */
  Optional<Received> first(String alertname, Map<String, String> labels) {
    return received.stream()
        .filter(r -> r.name().equals(alertname))
        .filter(
            r -> labels.entrySet().stream().allMatch(e -> r.label(e.getKey()).equals(e.getValue())))
        .findFirst();
  }

  /**
   * Writes an Alertmanager config sending everything here at once (1 s group wait and interval),
   * grouped by {@code groupBy}, and returns its path.
   */
  Path alertmanagerConfig(Path dir, String... groupBy) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("alertmanager.yml");
    Files.writeString(
        file,
        """
        route:
          receiver: hook
          group_by: [%s]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs:
              - url: http://127.0.0.1:%d/hook
                send_resolved: false
        """
            .formatted(String.join(", ", groupBy), server.getAddress().getPort()));
    return file;
  }

  @Override
  public String toString() {
    return received.stream().map(r -> r.name() + r.alert().path("labels")).toList().toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
