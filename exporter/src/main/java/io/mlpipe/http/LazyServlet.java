package io.mlpipe.http;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A servlet built on its first request. The JSON APIs (events, push status, pipelines) load
 * Jackson's databind, ~400 classes, when they are built; an agent that is only scraped never calls
 * them, so it never pays for those classes (idle RSS, start-up). The first call pays once.
 */
public final class LazyServlet extends HttpServlet {

  private final Supplier<? extends HttpServlet> factory;
  private volatile HttpServlet servlet;

  public LazyServlet(Supplier<? extends HttpServlet> factory) {
    this.factory = factory;
  }

  @Override
  public void service(ServletRequest req, ServletResponse resp)
      throws ServletException, IOException {
    delegate().service(req, resp);
  }

  private HttpServlet delegate() throws ServletException {
    HttpServlet s = servlet;
    if (s == null) {
      synchronized (this) {
        s = servlet;
        if (s == null) {
          s = factory.get();
          s.init(getServletConfig());
          servlet = s;
        }
      }
    }
    return s;
  }

  @Override
  public void destroy() {
    HttpServlet s = servlet;
    if (s != null) {
      s.destroy();
    }
  }
}
