package io.mlpipe.ingest;

import io.mlpipe.store.DurableStore;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Supplier;

/**
 * The store's announcement of the write that a push or events request will make ({@link
 * DurableStore#expectWrite}), made by the HTTP server's first handler as soon as Jetty hands the
 * request over (before auth, limits and the body) and carried to the API in a request attribute;
 * the API passes it to {@link DurableStore#write(DurableStore.Expected, java.util.List,
 * java.util.function.Function)}, which settles it once the write is queued.
 *
 * <pre>{@code
 * DurableStore.Expected e = AnnouncedWrite.announce(store, "PUT", "/metrics/job/a"); // first handler
 * store.write(AnnouncedWrite.of(req), mutations, null); // in the API
 * }</pre>
 */
public final class AnnouncedWrite {

  /** The request attribute that holds it. */
  public static final String ATTRIBUTE = "io.mlpipe.ingest.announcedWrite";

  private AnnouncedWrite() {}

  /**
   * An announcement for a request to {@code path} (in the context) with {@code method} when it is
   * one that writes to the store (Pushgateway API PUT/POST/DELETE, events POST), else null; null
   * too while the store is not open yet.
   */
  public static DurableStore.Expected announce(
      Supplier<DurableStore> store, String method, String path) {
    boolean writes =
        switch (method) {
          case "PUT", "DELETE" -> path.startsWith("/metrics/");
          case "POST" -> path.startsWith("/metrics/") || path.equals("/api/v1/events");
          default -> false;
        };
    DurableStore s = writes ? store.get() : null;
    return s == null ? null : s.expectWrite();
  }

  /** The request's announcement, or null when none was made. */
  static DurableStore.Expected of(HttpServletRequest req) {
    return req.getAttribute(ATTRIBUTE) instanceof DurableStore.Expected e ? e : null;
  }
}
