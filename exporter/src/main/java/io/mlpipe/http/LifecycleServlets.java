package io.mlpipe.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The {@code /-/healthy}, {@code /-/ready} and {@code /-/reload} endpoints, as Prometheus has. */
public final class LifecycleServlets {

  private LifecycleServlets() {}

  /** Outcome of a reload: null on success, else what was wrong. */
  @FunctionalInterface
  public interface Reloader {
    String reload();
  }

  public static HttpServlet healthy() {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PlainText.write(resp, 200, "mlpipe is Healthy.");
      }
    };
  }

  /** 200 once {@code ready} holds (startup and store recovery done), 503 before. */
  public static HttpServlet ready(BooleanSupplier ready) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (ready.getAsBoolean()) {
          PlainText.write(resp, 200, "mlpipe is Ready.");
        } else {
          PlainText.write(resp, 503, "mlpipe is not ready yet (starting up).");
        }
      }
    };
  }

  /** Re-reads the configuration; a bad file is refused with 400 and the reasons. */
  public static HttpServlet reload(Reloader reloader) {
    return new HttpServlet() {
      @Override
      protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String problem = reloader.reload();
        if (problem == null) {
          PlainText.write(resp, 200, "configuration reloaded");
        } else {
          PlainText.write(
              resp, 400, "configuration not reloaded, the previous one stays active:\n" + problem);
        }
      }

      @Override
      protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        doPost(req, resp);
      }
    };
  }

  /** A server-rendered HTML page. */
  public static HttpServlet html(Supplier<String> page) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().print(page.get());
      }
    };
  }
}
