package io.mlpipe.http;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty itself produces (bad URIs, oversized headers, servlet exceptions) answered as
 * one line of plain text, like the rest of the agent, never as an HTML page with a stack trace, and
 * with the {@link SecurityHeaders} of every answer (such errors may never pass the handler that
 * sets them, or be answered after a reset of the response).
 */
final class PlainTextErrorHandler extends ErrorHandler {

  private final SecurityHeaders headers;

  PlainTextErrorHandler(SecurityHeaders headers) {
    this.headers = headers;
    setShowStacks(false);
    setShowMessageInTitle(false);
  }

  @Override
  protected boolean generateAcceptableResponse(
      Request request,
      Response response,
      Callback callback,
      String contentType,
      List<Charset> charsets,
      int code,
      String message,
      Throwable cause)
      throws IOException {
    headers.apply(response.getHeaders());
    return super.generateAcceptableResponse(
        request, response, callback, "text/plain", charsets, code, message, cause);
  }

  @Override
  protected void writeErrorPlain(
      Request request, PrintWriter writer, int code, String message, Throwable cause) {
    String reason = org.eclipse.jetty.http.HttpStatus.getMessage(code);
    // A 500's message is the exception's (class and text): logged by Jetty, not for the client.
    if (message == null || message.isBlank() || message.equals(reason) || code == 500) {
      writer.println(code + " " + reason);
    } else {
      writer.println(code + " " + reason + ": " + message);
    }
  }
}
