package io.mlpipe.ingest;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/** Reading request bodies under the size limit, without trusting Content-Length. */
public final class Bodies {

  private Bodies() {}

  public static byte[] read(HttpServletRequest req, long maxBytes)
      throws IOException, BadRequestException {
    long declared = req.getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(declared, maxBytes);
    }
    try (InputStream in = req.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) {
        throw tooLarge(body.length, maxBytes);
      }
      return body;
    }
  }

  private static BadRequestException tooLarge(long size, long max) {
    return new BadRequestException(
        413, "max_body_bytes", "request body of " + size + " bytes is over max_body_bytes=" + max);
  }
}
