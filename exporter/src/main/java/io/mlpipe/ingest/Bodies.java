package io.mlpipe.ingest;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reading request bodies under the size limit, without trusting Content-Length, and at no less than
 * {@code http.min_request_data_rate}.
 */
public final class Bodies {

  /**
   * How long a body may take before its rate is checked. Jetty's own minimum data rate averages
   * from the first byte with no grace, so a 4-byte push read 4 ms after it arrived (a busy agent)
   * got 408 at 1024 B/s; a second lets any small body through and still ends a slow-loris body long
   * before the idle timeout.
   */
  static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

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
    } catch (TooSlow e) {
      throw new BadRequestException(408, "min_request_data_rate", e.getMessage());
    }
  }

  private static BadRequestException tooLarge(long size, long max) {
    return new BadRequestException(
        413, "max_body_bytes", "request body of " + size + " bytes is over max_body_bytes=" + max);
  }

  /** A body whose client sends slower than the minimum rate, after the grace second. */
  public static final class TooSlow extends IOException {
    TooSlow(String message) {
      super(message);
    }
  }

  /**
   * The request body as a stream that throws {@link TooSlow} once, after {@link #GRACE_NANOS},
   * fewer bytes have arrived than {@code bytesPerSecond} over the time since the grace ended.
   */
  public static ServletInputStream rateChecked(ServletInputStream in, long bytesPerSecond) {
    return new RateChecked(in, bytesPerSecond);
  }

  private static final class RateChecked extends ServletInputStream {
    private final ServletInputStream in;
    private final long rate;
    private long start;
    private long bytes;

    RateChecked(ServletInputStream in, long rate) {
      this.in = in;
      this.rate = rate;
    }

    @Override
    public int read() throws IOException {
      started();
      int b = in.read();
      if (b >= 0) {
        bytes++;
      }
      check();
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      started();
      int n = in.read(buf, off, len);
      if (n > 0) {
        bytes += n;
      }
      check();
      return n;
    }

    private void started() {
      if (start == 0) {
        start = System.nanoTime();
      }
    }

    private void check() throws TooSlow {
      long late = System.nanoTime() - start - GRACE_NANOS;
      if (late > 0 && bytes < rate * late / 1_000_000_000L && !in.isFinished()) {
        double elapsed = (late + GRACE_NANOS) / 1e9;
        throw new TooSlow(
            String.format(
                Locale.ROOT,
                "request body too slow: %d bytes in %.1f s, under min_request_data_rate=%d bytes/s"
                    + " (after the first second)",
                bytes,
                elapsed,
                rate));
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
