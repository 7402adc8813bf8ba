package io.mlpipe.ingest;

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
        List<Map<String, Object>> data = new ArrayList<>();
        for (Group g : groups) {
          data.add(group(g));
        }
        write(resp, Map.of("status", "success", "data", data));
      }
    };
  }

  private static Map<String, Object> group(Group g) {
    Map<String, Object> out = new LinkedHashMap<>();
    String time = Instant.ofEpochMilli(g.updatedAtMillis()).toString();
    for (Family f : g.families().values()) {
      Map<String, Object> fam = new LinkedHashMap<>();
      fam.put("time_stamp", time);
      fam.put("type", f.type().name());
      if (f.help() != null) {
        fam.put("help", f.help());
      }
      List<Map<String, Object>> metrics = new ArrayList<>();
      for (Series s : f.series().values()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("labels", s.labels().toMap());
        if (s instanceof Series.Value v) {
          m.put("value", format(v.value()));
        } else if (s instanceof Series.Histogram h) {
          Map<String, String> buckets = new LinkedHashMap<>();
          for (int i = 0; i < h.upperBounds().length; i++) {
            buckets.put(format(h.upperBounds()[i]), format(h.cumulativeCounts()[i]));
          }
          m.put("buckets", buckets);
          m.put("count", format(h.count()));
          m.put("sum", format(h.sum()));
        } else if (s instanceof Series.Summary sm) {
          Map<String, String> qs = new LinkedHashMap<>();
          for (int i = 0; i < sm.quantiles().length; i++) {
            qs.put(format(sm.quantiles()[i]), format(sm.values()[i]));
          }
          m.put("quantiles", qs);
          m.put("count", format(sm.count()));
          m.put("sum", format(sm.sum()));
        }
        metrics.add(m);
      }
      fam.put("metrics", metrics);
      out.put(f.name(), fam);
    }
    out.put("labels", g.key().labels().toMap());
    out.put("last_push_successful", g.pushFailureTimeSeconds() <= g.pushTimeSeconds());
    LabelSet labels = StoreCollector.withInstance(g.key().labels());
    out.put("push_time_seconds", pushTime(time, labels, g.pushTimeSeconds(), "succeeded"));
    out.put(
        "push_failure_time_seconds", pushTime(time, labels, g.pushFailureTimeSeconds(), "failed"));
    return out;
  }

  private static Map<String, Object> pushTime(String time, LabelSet labels, double v, String what) {
    Map<String, Object> fam = new LinkedHashMap<>();
    fam.put("time_stamp", time);
    fam.put("type", "GAUGE");
    fam.put("help", "Last Unix time when changing this group in the Pushgateway " + what + ".");
    fam.put("metrics", List.of(Map.of("labels", labels.toMap(), "value", format(v))));
    return fam;
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
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("build_information", buildInfo);
        data.put("flags", flags);
        data.put("start_time", started.toString());
        write(resp, Map.of("status", "success", "data", data));
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
