package io.mlpipe.pipeline;

import static io.mlpipe.pipeline.PipelineMetrics.*;

import io.mlpipe.store.Family;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.Series;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The models of one pipeline for the status: by model and role, the version that holds the role
 * ({@code mlpipe_model_info}) and each metric with the version it was reported for, so an {@code
 * accuracy} of v1 is never shown beside a later {@code auc} push's v2.
 *
 * <pre>{@code
 * {"xgb": {"candidate": {"version": "v2",
 *                        "metrics": {"auc": {"value": 0.91, "version": "v2"},
 *                                    "accuracy": {"value": 0.8, "version": "v1"}}}}}
 * }</pre>
 */
final class ModelTable {

  private ModelTable() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> of(Map<String, Family> f) {
    Map<String, Object> models = new TreeMap<>();
    Family metrics = f.get(MODEL_METRIC);
    if (metrics != null) {
      // Per model, role and metric: the version of the latest report (value = its time).
      Map<String, Series.Value> latest = new LinkedHashMap<>();
      Family versions = f.get(MODEL_METRIC_VERSION);
      if (versions != null) {
        for (Series s : versions.series().values()) {
          if (s instanceof Series.Value v) {
            latest.merge(key(s.labels()), v, (a, b) -> b.value() > a.value() ? b : a);
          }
        }
      }
      for (Series s : metrics.series().values()) {
        if (!(s instanceof Series.Value v)) {
          continue;
        }
        LabelSet l = s.labels();
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("value", v.value());
        Series.Value version = latest.get(key(l));
        if (version != null) {
          metric.put("version", version.labels().get("version"));
        }
        ((Map<String, Object>)
                role(models, l.get("model"), l.get("role"))
                    .computeIfAbsent("metrics", x -> new TreeMap<>()))
            .put(l.get("metric"), metric);
      }
    }
    Family info = f.get(MODEL_INFO);
    if (info != null) {
      for (LabelSet l : info.series().keySet()) {
        role(models, l.get("model"), l.get("role")).put("version", l.get("version"));
      }
    }
    return models;
  }

  /** The key of one metric of one model in one role. */
  static String key(LabelSet l) {
    return l.get("model") + "\u0000" + l.get("role") + "\u0000" + l.get("metric");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> role(Map<String, Object> models, String model, String role) {
    Map<String, Object> m =
        (Map<String, Object>) models.computeIfAbsent(model, x -> new TreeMap<>());
    return (Map<String, Object>) m.computeIfAbsent(role, x -> new LinkedHashMap<>());
  }
}
