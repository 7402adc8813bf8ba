package io.mlpipe.ingest;

import io.mlpipe.store.DurableStore;
import io.mlpipe.store.WriteRejectedException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/** How ingest answers: plain-text errors with the right status for each kind of refusal. */
final class Responses {

  private Responses() {}

  static void error(HttpServletResponse resp, int status, String message) throws IOException {
    resp.setStatus(status);
    resp.setContentType("text/plain; charset=utf-8");
    resp.getWriter().println(message);
  }

  /** Limits: 413 (429 for the agent-wide series limit), conflicts: 400, storage: 503. */
  static int status(WriteRejectedException e) {
    return switch (e.kind()) {
      case LIMIT -> e.reason().equals("max_series_total") ? 429 : 413;
      case CONFLICT -> 400;
      case UNAVAILABLE -> 503;
    };
  }

  static void rejected(HttpServletResponse resp, WriteRejectedException e) throws IOException {
    int status = status(e);
    String message =
        e.kind() == WriteRejectedException.Kind.CONFLICT
            ? "pushed metrics are invalid or inconsistent with existing metrics: " + e.getMessage()
            : e.getMessage();
    if (status == 503) {
      resp.setHeader("Retry-After", "5");
    }
    error(resp, status, message);
  }

  /** The store, or null after answering 503 while it is still being recovered. */
  static DurableStore storeOrUnavailable(Supplier<DurableStore> store, HttpServletResponse resp)
      throws IOException {
    DurableStore s = store.get();
    if (s == null) {
      resp.setHeader("Retry-After", "1");
      error(resp, 503, "the agent is starting up (recovering its store); retry shortly");
    }
    return s;
  }
}
