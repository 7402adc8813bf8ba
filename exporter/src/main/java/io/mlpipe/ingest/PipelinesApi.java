package io.mlpipe.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.pipeline.PipelineStatus;
import io.mlpipe.pipeline.PipelineView;
import io.mlpipe.security.RequestAuth;
import io.mlpipe.store.DurableStore;
import io.mlpipe.store.Group;
import io.mlpipe.store.Mutation;
import io.mlpipe.store.WriteRejectedException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/pipelines} and {@code /api/v1/pipelines/{name}}: pipeline status as JSON.
 * {@code DELETE /api/v1/pipelines/{name}} forgets a pipeline (admin; audited by the security
 * filter): every group of its events and every pushed group whose grouping key names it.
 */
public final class PipelinesApi extends HttpServlet {

  private final Supplier<DurableStore> store;
  private final Supplier<PipelinesConfig> pipelines;
  private final boolean adminApiEnabled;

  public PipelinesApi(
      Supplier<DurableStore> store, Supplier<PipelinesConfig> pipelines, boolean adminApiEnabled) {
    this.store = store;
    this.pipelines = pipelines;
    this.adminApiEnabled = adminApiEnabled;
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    DurableStore s = Responses.storeOrUnavailable(store, resp);
    if (s == null) {
      return;
    }
    String path = req.getPathInfo();
    if (path == null || path.length() < 2) {
      error(resp, 400, "name the pipeline to forget: DELETE /api/v1/pipelines/NAME");
      return;
    }
    String name = path.substring(1);
    RequestAuth auth = RequestAuth.of(req.getAttribute(RequestAuth.ATTRIBUTE));
    auth.pipelines(List.of(name));
    // With auth off everyone holds every scope: then only the operator's switch allows it.
    if (!adminApiEnabled && auth.identity().kind().equals("open")) {
      error(
          resp,
          403,
          "forgetting a pipeline needs --web.enable-admin-api, or auth with a token of the admin"
              + " scope");
      return;
    }
    List<Mutation> deletes = new ArrayList<>();
    for (Group g : s.groups()) {
      if (name.equals(g.key().labels().get("pipeline"))) {
        deletes.add(new Mutation.Delete(g.key()));
      }
    }
    if (deletes.isEmpty()) {
      error(resp, 404, "no data of a pipeline named '" + name + "'");
      return;
    }
    try {
      s.write(deletes);
    } catch (WriteRejectedException e) {
      Responses.rejected(resp, e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(resp, 503, "interrupted");
      return;
    }
    auth.count(deletes.size());
    // A declared pipeline stays on the page (from the config), without data.
    boolean declared = pipelines.get().declared().containsKey(name);
    PushStatusApi.write(resp, ApiReply.success(new Forgotten(name, deletes.size(), declared)));
  }

  private static void error(HttpServletResponse resp, int status, String message)
      throws IOException {
    resp.setStatus(status);
    PushStatusApi.write(resp, ApiReply.failure(message));
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    DurableStore s = Responses.storeOrUnavailable(store, resp);
    if (s == null) {
      return;
    }
    Map<String, PipelineView> all =
        PipelineStatus.all(s.groups(), pipelines.get(), System.currentTimeMillis() / 1000.0);
    String path = req.getPathInfo();
    if (path == null || path.equals("/")) {
      PushStatusApi.write(resp, ApiReply.success(all.values()));
      return;
    }
    String name = path.substring(1);
    PipelineView one = all.get(name);
    if (one == null) {
      error(resp, 404, "no pipeline named '" + name + "'");
      return;
    }
    PushStatusApi.write(resp, ApiReply.success(one));
  }

  /**
   * What {@code DELETE /api/v1/pipelines/NAME} did: how many groups went, and whether the pipeline
   * stays listed because the config declares it.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Forgotten(
      String pipeline, @JsonProperty("groups_deleted") int groupsDeleted, boolean declared) {}
}
