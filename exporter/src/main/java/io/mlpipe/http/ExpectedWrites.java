package io.mlpipe.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request: announces a request that will write (what counts as one is
 * the {@link Announcer}'s business) the moment Jetty hands it over, before the security and limit
 * filters and before its body is read, so that a batch commit waits for writes that are really on
 * the way and for no others (FsyncMode.batch). The announcement goes to the servlet in a request
 * attribute, and the servlet settles it when its write is queued; whatever else happens (refused by
 * auth or a limit, a 4xx, an exception, a client that went away) it is settled here when the
 * request leaves the handler chain. Settling twice is allowed.
 *
 * <pre>{@code
 * ExpectedWrites announce = new ExpectedWrites(ATTRIBUTE, (method, path) -> store.expectWrite());
 * server.setHandler(announce.wrap(context));
 * }</pre>
 */
public final class ExpectedWrites {

  /** Announces the write a request will make, or returns null when it makes none. */
  @FunctionalInterface
  public interface Announcer {
    AutoCloseable announce(String method, String pathInContext);
  }

  /** Announces nothing. */
  public static final ExpectedWrites NONE = new ExpectedWrites("unused", (method, path) -> null);

  private static final Logger log = LoggerFactory.getLogger(ExpectedWrites.class);

  private final String attribute;
  private final Announcer announcer;

  public ExpectedWrites(String attribute, Announcer announcer) {
    this.attribute = attribute;
    this.announcer = announcer;
  }

  Handler wrap(Handler next) {
    return new Handler.Wrapper(next) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        AutoCloseable announced =
            announcer.announce(request.getMethod(), Request.getPathInContext(request));
        if (announced == null) {
          return super.handle(request, response, callback);
        }
        request.setAttribute(attribute, announced);
        try {
          // Blocking servlets have run when this returns: their write is queued or not coming.
          return super.handle(request, response, callback);
        } finally {
          settle(announced);
        }
      }
    };
  }

  private static void settle(AutoCloseable announced) {
    try {
      announced.close();
    } catch (Exception e) {
      log.debug("settling an announced write: {}", e.toString());
    }
  }
}
