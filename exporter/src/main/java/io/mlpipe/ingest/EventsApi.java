package io.mlpipe.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.config.LimitsConfig;
import io.mlpipe.config.PipelinesConfig;
import io.mlpipe.event.Event;
import io.mlpipe.pipeline.PipelineModel;
import io.mlpipe.security.RequestAuth;
import io.mlpipe.store.DurableStore;
import io.mlpipe.store.WriteRejectedException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/events}: pipeline events as one JSON object, an array, or NDJSON. A request
 * is applied all or nothing and answered {@code 202 {"accepted": N}} only once it is durable; bad
 * input gets {@code 400 {"errors": [{"index", "field", "message"}]}} listing every problem.
 */
public final class EventsApi extends HttpServlet {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<DurableStore> store;
  private final Supplier<PipelinesConfig> pipelines;
  private final Supplier<LimitsConfig> limits;
  private final PipelineModel model;
  private final Predicate<String> ownFamily;

  /**
   * @param ownFamily whether a name is one the agent exposes itself ({@link OwnFamilies#owns}); a
   *     {@code metric} event naming one is refused, as a push of it is
   */
  public EventsApi(
      Supplier<DurableStore> store,
      Supplier<PipelinesConfig> pipelines,
      Supplier<LimitsConfig> limits,
      Predicate<String> ownFamily) {
    this.store = store;
    this.pipelines = pipelines;
    this.limits = limits;
    this.ownFamily = ownFamily;
    this.model = new PipelineModel(pipelines);
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    DurableStore s = Responses.storeOrUnavailable(store, resp);
    if (s == null) {
      return;
    }
    byte[] body;
    try {
      body = Bodies.read(req, limits.get().maxBodyBytes());
    } catch (BadRequestException e) {
      s.countRejected(e.reason());
      errors(resp, e.status(), List.of(new EventsParser.Problem(-1, "", e.getMessage())));
      return;
    }
    String type = req.getContentType() == null ? "" : req.getContentType();
    boolean ndjson = type.contains("ndjson") || type.contains("jsonlines");
    long now = System.currentTimeMillis();
    EventsParser.Result parsed = EventsParser.parse(body, ndjson, now / 1000.0, ownFamily);
    if (!parsed.ok()) {
      errors(resp, 400, parsed.problems());
      return;
    }
    PipelinesConfig named = pipelines.get();
    List<EventsParser.Problem> badNames = new ArrayList<>();
    for (int i = 0; i < parsed.events().size(); i++) {
      Event e = parsed.events().get(i);
      String problem = named.nameProblem(e.pipeline());
      if (problem != null) {
        badNames.add(new EventsParser.Problem(i, "pipeline", problem));
      }
      problem = e.stage() == null ? null : named.nameProblem(e.stage());
      if (problem != null) {
        badNames.add(new EventsParser.Problem(i, "stage", problem));
      }
    }
    if (!badNames.isEmpty()) {
      errors(resp, 400, badNames);
      return;
    }
    RequestAuth auth = RequestAuth.of(req.getAttribute(RequestAuth.ATTRIBUTE));
    auth.count(parsed.events().size());
    java.util.Set<String> names = new java.util.TreeSet<>();
    List<EventsParser.Problem> forbidden = new ArrayList<>();
    for (int i = 0; i < parsed.events().size(); i++) {
      String pipeline = parsed.events().get(i).pipeline();
      names.add(pipeline);
      if (!auth.mayWritePipeline(pipeline)) {
        forbidden.add(
            new EventsParser.Problem(
                i,
                "pipeline",
                auth.identity().name()
                    + " may not write pipeline '"
                    + pipeline
                    + "' (auth.tokens[].pipelines)"));
      }
    }
    auth.pipelines(names);
    if (!forbidden.isEmpty()) {
      auth.forbid(
          "pipelines "
              + forbidden.stream()
                  .map(p -> parsed.events().get(p.index()).pipeline())
                  .distinct()
                  .toList());
      errors(resp, 403, forbidden);
      return;
    }
    PipelinesConfig cfg = pipelines.get();
    if (cfg.requireDeclared()) {
      List<EventsParser.Problem> undeclared = new ArrayList<>();
      for (int i = 0; i < parsed.events().size(); i++) {
        Event e = parsed.events().get(i);
        if (!cfg.declared().containsKey(e.pipeline())) {
          undeclared.add(
              new EventsParser.Problem(
                  i,
                  "pipeline",
                  "pipeline '"
                      + e.pipeline()
                      + "' is not declared (pipelines.require_declared is true)"));
        }
      }
      if (!undeclared.isEmpty()) {
        errors(resp, 404, undeclared);
        return;
      }
    }
    try {
      s.write(AnnouncedWrite.of(req), model.mutations(parsed.events(), now), null);
    } catch (WriteRejectedException e) {
      int status = Responses.status(e);
      if (status == 503) {
        resp.setHeader("Retry-After", "5");
      }
      errors(resp, status, List.of(new EventsParser.Problem(-1, "", e.getMessage())));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      errors(resp, 503, List.of(new EventsParser.Problem(-1, "", "interrupted")));
      return;
    }
    resp.setStatus(202);
    PushStatusApi.write(resp, new Accepted(parsed.events().size()));
  }

  /** The answer to an applied request. */
  record Accepted(int accepted) {}

  /** The answer to a refused one: every problem, each with its event's index and field. */
  record Errors(List<EventsParser.Problem> errors) {}

  private static void errors(
      HttpServletResponse resp, int status, List<EventsParser.Problem> problems)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/json");
    JSON.writeValue(resp.getOutputStream(), new Errors(problems));
  }
}
