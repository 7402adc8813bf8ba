package io.mlpipe.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Short plain-text responses, the form every non-HTML, non-JSON answer of the agent takes. */
public final class PlainText {

  private PlainText() {}

  public static void write(HttpServletResponse resp, int status, String body) throws IOException {
    resp.setStatus(status);
    resp.setContentType("text/plain; charset=utf-8");
    resp.setHeader("Cache-Control", "no-store");
    resp.getWriter().print(body.endsWith("\n") ? body : body + "\n");
  }
}
