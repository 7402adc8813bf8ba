package io.mlpipe.ingest;

import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.pipeline.PipelineStatus;
import io.mlpipe.store.DurableStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /api/v1/pipelines} and {@code /api/v1/pipelines/{name}}: pipeline status as JSON. */
public final class PipelinesApi extends HttpServlet {

  private final Supplier<DurableStore> store;
  private final Supplier<PipelinesConfig> pipelines;

  public PipelinesApi(Supplier<DurableStore> store, Supplier<PipelinesConfig> pipelines) {
    this.store = store;
    this.pipelines = pipelines;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    DurableStore s = Responses.storeOrUnavailable(store, resp);
    if (s == null) {
      return;
    }
    Map<String, Map<String, Object>> all =
        PipelineStatus.all(s.groups(), pipelines.get(), System.currentTimeMillis() / 1000.0);
    String path = req.getPathInfo();
    if (path == null || path.equals("/")) {
      PushStatusApi.write(resp, Map.of("status", "success", "data", all.values()));
      return;
    }
    String name = path.substring(1);
    Map<String, Object> one = all.get(name);
    if (one == null) {
      resp.setStatus(404);
      PushStatusApi.write(
          resp, Map.of("status", "error", "error", "no pipeline named '" + name + "'"));
      return;
    }
    PushStatusApi.write(resp, Map.of("status", "success", "data", one));
  }
}
