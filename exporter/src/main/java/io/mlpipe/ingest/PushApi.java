package io.mlpipe.ingest;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.security.RequestAuth;
import io.mlpipe.store.DurableStore;
import io.mlpipe.store.Family;
import io.mlpipe.store.GroupKey;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.Mutation;
import io.mlpipe.store.WriteRejectedException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Pushgateway's push API on {@code /metrics/job/<job>{/<label>/<value>}}: PUT replaces the group,
 * POST replaces same-named families within it, DELETE removes it. Unlike Pushgateway, a 2xx means
 * the change is in the fsynced WAL.
 */
public final class PushApi extends HttpServlet {

  /** What the push API needs from the agent. */
  public record Settings(
      Supplier<LimitsConfig> limits,
      Function<String, Duration> ttlForJob,
      Predicate<String> ownMetricName) {}

  private final Supplier<DurableStore> store;
  private final Settings settings;

  public PushApi(Supplier<DurableStore> store, Settings settings) {
    this.store = store;
    this.settings = settings;
  }

  @Override
  protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    push(req, resp, true);
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    push(req, resp, false);
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    try {
      DurableStore s = Responses.storeOrUnavailable(store, resp);
      if (s == null) {
        return;
      }
      GroupKey key = key(req);
      if (!authorized(req, resp, key)) {
        return;
      }
      s.write(AnnouncedWrite.of(req), List.of(new Mutation.Delete(key)), null);
      resp.setStatus(202);
    } catch (BadRequestException e) {
      Responses.error(resp, e.status(), e.getMessage());
    } catch (WriteRejectedException e) {
      Responses.rejected(resp, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Responses.error(resp, 503, "interrupted");
    }
  }

  /** A body that does not parse: 400 without touching the group, as Pushgateway. */
  private static final class Unparsable extends Exception {
    final BadRequestException cause;

    Unparsable(BadRequestException cause) {
      super(cause.getMessage(), null, false, false);
      this.cause = cause;
    }
  }

  /**
   * Whether the caller may write this group (its job, and its pipeline label if any); answers 403
   * when not. Notes the group for the audit log either way.
   */
  private static boolean authorized(HttpServletRequest req, HttpServletResponse resp, GroupKey key)
      throws IOException {
    RequestAuth auth = RequestAuth.of(req.getAttribute(RequestAuth.ATTRIBUTE));
    auth.group(key.labels().toString());
    if (key.labels().get("pipeline") != null) {
      auth.pipelines(List.of(key.labels().get("pipeline")));
    }
    if (auth.mayWriteGroup(key.labels().toMap())) {
      return true;
    }
    auth.forbid("group " + key.labels());
    Responses.error(
        resp,
        403,
        "403 forbidden: "
            + auth.identity().name()
            + " may not write the group "
            + key.labels()
            + " (auth.tokens[].jobs / pipelines)");
    return false;
  }

  private static GroupKey key(HttpServletRequest req) throws BadRequestException {
    String path = req.getPathInfo(); // after /metrics, e.g. /job/train/instance/a
    Map<String, String> labels =
        GroupingKeyPath.parse(path == null || path.length() < 2 ? "" : path.substring(1));
    return new GroupKey(GroupKey.PUSH, LabelSet.of(labels));
  }

  private void push(HttpServletRequest req, HttpServletResponse resp, boolean replace)
      throws IOException {
    DurableStore s = Responses.storeOrUnavailable(store, resp);
    if (s == null) {
      return;
    }
    LimitsConfig limits = settings.limits().get();
    GroupKey key;
    List<Family> families;
    long now = System.currentTimeMillis();
    try {
      key = key(req);
      if (!authorized(req, resp, key)) {
        return;
      }
      byte[] body = Bodies.read(req, limits.maxBodyBytes());
      String type = req.getContentType();
      boolean protobuf = type != null && type.contains("application/vnd.google.protobuf");
      try {
        List<ParsedFamily> parsed;
        try {
          parsed = protobuf ? ProtobufParser.parse(body) : TextFormatParser.parse(body);
        } catch (BadRequestException e) {
          if (!e.reason().equals(BadRequestException.TIMESTAMP)) {
            throw new Unparsable(e);
          }
          throw e; // well-formed but refused: counts as a failed push, as in Pushgateway
        }
        for (ParsedFamily f : parsed) {
          // Before any type check: the reason is whose name it is, whatever type was pushed.
          if (MetricNames.isAgentNamespace(f.name())) {
            throw new BadRequestException(
                "metric name \""
                    + f.name()
                    + "\" is exposed by the agent itself (every "
                    + MetricNames.AGENT_NAMESPACE
                    + "* name is the agent's own: pipeline state, agent health); push it under"
                    + " another name");
          }
          if (settings.ownMetricName().test(f.name())) {
            throw new BadRequestException(
                "metric name \""
                    + f.name()
                    + "\" is exposed by the agent itself; push it under another name");
          }
        }
        families = PushConverter.convert(parsed, key.labels(), limits);
        RequestAuth.of(req.getAttribute(RequestAuth.ATTRIBUTE))
            .count(families.stream().mapToInt(Family::seriesCount).sum());
      } catch (BadRequestException invalid) {
        if (invalid.status() != 413) {
          // As Pushgateway: an inconsistent push is recorded as the group's failure time.
          s.write(AnnouncedWrite.of(req), List.of(new Mutation.MarkFailure(key, now, true)), null);
          invalid =
              new BadRequestException(
                  "pushed metrics are invalid or inconsistent with existing metrics: "
                      + invalid.getMessage());
        }
        throw invalid;
      }
    } catch (Unparsable | BadRequestException thrown) {
      BadRequestException e =
          thrown instanceof Unparsable u ? u.cause : (BadRequestException) thrown;
      if (e.status() == 413) {
        s.countRejected(e.reason());
      }
      Responses.error(resp, e.status(), e.getMessage());
      return;
    } catch (WriteRejectedException e) {
      Responses.rejected(resp, e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Responses.error(resp, 503, "interrupted");
      return;
    }
    long ttl = settings.ttlForJob().apply(key.labels().get("job")).toMillis();
    Mutation m =
        replace
            ? new Mutation.Replace(key, families, now, ttl)
            : new Mutation.Merge(key, families, now, ttl);
    GroupKey k = key;
    try {
      s.write(
          AnnouncedWrite.of(req),
          List.of(m),
          rejection ->
              List.of(
                  new Mutation.MarkFailure(
                      k, now, rejection.kind() == WriteRejectedException.Kind.CONFLICT)));
      resp.setStatus(200);
    } catch (WriteRejectedException e) {
      Responses.rejected(resp, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Responses.error(resp, 503, "interrupted");
    }
  }
}
