package io.mlpipe.ingest;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.store.DurableStore;
import io.mlpipe.store.Family;
import io.mlpipe.store.Group;
import io.mlpipe.store.GroupKey;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.Mutation;
import io.mlpipe.store.Series;
import io.mlpipe.store.StoreCollector;
import io.mlpipe.store.WriteRejectedException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Pushgateway's JSON API: {@code GET /api/v1/metrics} (every push group), {@code GET
 * /api/v1/status}, and {@code PUT /api/v1/admin/wipe}, in Pushgateway's shapes.
 */
public final class PushStatusApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PushStatusApi() {}

  /**
   * One push group in {@code /api/v1/metrics}: its families by name (as keys beside the fixed ones,
   * as Pushgateway writes them), its grouping key and its push times.
   */
  @JsonPropertyOrder({"labels", "last_push_successful", "push_time_seconds"})
  record GroupJson(
      @JsonIgnore Map<String, FamilyJson> families,
      Map<String, String> labels,
      @JsonProperty("last_push_successful") boolean lastPushSuccessful,
      @JsonProperty("push_time_seconds") FamilyJson pushTimeSeconds,
      @JsonProperty("push_failure_time_seconds") FamilyJson pushFailureTimeSeconds) {

    @JsonAnyGetter
    Map<String, FamilyJson> familiesByName() {
      return families;
    }
  }

  /** One family; {@code help} is left out when the pusher gave none. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record FamilyJson(
      @JsonProperty("time_stamp") String timeStamp,
      String type,
      String help,
      List<SeriesJson> metrics) {}

  /**
   * One series: a value (gauge, counter, untyped), or buckets (histogram) or quantiles (summary)
   * with count and sum; every number as a string, as Pushgateway writes them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SeriesJson(
      Map<String, String> labels,
      String value,
      Map<String, String> buckets,
      Map<String, String> quantiles,
      String count,
      String sum) {

    static SeriesJson value(Map<String, String> labels, double v) {
      return new SeriesJson(labels, format(v), null, null, null, null);
    }
  }

  /** {@code /api/v1/status}'s data. */
  record StatusJson(
      @JsonProperty("build_information") Map<String, String> buildInformation,
      Map<String, String> flags,
      @JsonProperty("start_time") String startTime) {}

  public static HttpServlet metrics(Supplier<DurableStore> store) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        DurableStore s = Responses.storeOrUnavailable(store, resp);
        if (s == null) {
          return;
        }
        List<Group> groups = new ArrayList<>(s.groups());
        groups.removeIf(g -> !g.key().source().equals(GroupKey.PUSH));
        groups.sort(Comparator.comparing(g -> g.key().labels()));
        write(resp, ApiReply.success(groups.stream().map(PushStatusApi::group).toList()));
      }
    };
  }

  private static GroupJson group(Group g) {
    String time = Instant.ofEpochMilli(g.updatedAtMillis()).toString();
    Map<String, FamilyJson> families = new LinkedHashMap<>();
    for (Family f : g.families().values()) {
      List<SeriesJson> metrics = new ArrayList<>();
      for (Series s : f.series().values()) {
        metrics.add(series(s));
      }
      families.put(f.name(), new FamilyJson(time, f.type().name(), f.help(), metrics));
    }
    LabelSet labels = StoreCollector.withInstance(g.key().labels());
    return new GroupJson(
        families,
        g.key().labels().toMap(),
        g.pushFailureTimeSeconds() <= g.pushTimeSeconds(),
        pushTime(time, labels, g.pushTimeSeconds(), "succeeded"),
        pushTime(time, labels, g.pushFailureTimeSeconds(), "failed"));
  }

  private static SeriesJson series(Series s) {
    Map<String, String> labels = s.labels().toMap();
    if (s instanceof Series.Histogram h) {
      Map<String, String> buckets = new LinkedHashMap<>();
      for (int i = 0; i < h.upperBounds().length; i++) {
        buckets.put(format(h.upperBounds()[i]), format(h.cumulativeCounts()[i]));
      }
      return new SeriesJson(labels, null, buckets, null, format(h.count()), format(h.sum()));
    }
    if (s instanceof Series.Summary sm) {
      Map<String, String> qs = new LinkedHashMap<>();
      for (int i = 0; i < sm.quantiles().length; i++) {
        qs.put(format(sm.quantiles()[i]), format(sm.values()[i]));
      }
      return new SeriesJson(labels, null, null, qs, format(sm.count()), format(sm.sum()));
    }
    return SeriesJson.value(labels, s instanceof Series.Value v ? v.value() : Double.NaN);
  }

  private static FamilyJson pushTime(String time, LabelSet labels, double v, String what) {
    return new FamilyJson(
        time,
        "GAUGE",
        "Last Unix time when changing this group in the Pushgateway " + what + ".",
        List.of(SeriesJson.value(labels.toMap(), v)));
  }

  private static String format(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /** {@code GET /api/v1/status}: build information, flags and start time. */
  public static HttpServlet status(
      Map<String, String> buildInfo, Map<String, String> flags, Instant started) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        write(resp, ApiReply.success(new StatusJson(buildInfo, flags, started.toString())));
      }
    };
  }

  /** {@code PUT /api/v1/admin/wipe}: removes every push group (not pipeline data). */
  public static HttpServlet wipe(Supplier<DurableStore> store) {
    return new HttpServlet() {
      @Override
      protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        DurableStore s = Responses.storeOrUnavailable(store, resp);
        if (s == null) {
          return;
        }
        try {
          s.write(List.of(new Mutation.Wipe(GroupKey.PUSH)));
          resp.setStatus(202);
        } catch (WriteRejectedException e) {
          Responses.rejected(resp, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          Responses.error(resp, 503, "interrupted");
        }
      }
    };
  }

  static void write(HttpServletResponse resp, Object body) throws IOException {
    resp.setContentType("application/json");
    resp.setHeader("Cache-Control", "no-store");
    JSON.writeValue(resp.getOutputStream(), body);
  }
}
