package io.mlpipe.pipeline;

import static io.mlpipe.pipeline.PipelineMetrics.*;

import io.mlpipe.store.Family;
import io.mlpipe.store.LabelSet;
import io.mlpipe.store.Series;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The models of one pipeline for the status ({@link ModelView} by model name), from {@code
 * mlpipe_model_metric}, {@code mlpipe_model_info} and the version bookkeeping of each metric.
 */
final class ModelTable {

  private ModelTable() {}

  /** A role while it is read. */
  private static final class RoleAcc {
    String version;
    SortedMap<String, ModelView.Metric> metrics;

    ModelView.Role view() {
      return new ModelView.Role(version, metrics);
    }
  }

  /** A model's roles while they are read: candidate and production (the events API's roles). */
  private static final class ModelAcc {
    final Map<String, RoleAcc> roles = new LinkedHashMap<>();

    ModelView view() {
      RoleAcc c = roles.get("candidate");
      RoleAcc p = roles.get("production");
      return new ModelView(c == null ? null : c.view(), p == null ? null : p.view());
    }
  }

  static SortedMap<String, ModelView> of(Map<String, Family> f) {
    Map<String, ModelAcc> models = new TreeMap<>();
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
        Series.Value version = latest.get(key(l));
        RoleAcc role = role(models, l.get("model"), l.get("role"));
        if (role.metrics == null) {
          role.metrics = new TreeMap<>();
        }
        role.metrics.put(
            l.get("metric"),
            new ModelView.Metric(
                v.value(), version == null ? null : version.labels().get("version")));
      }
    }
    Family info = f.get(MODEL_INFO);
    if (info != null) {
      for (LabelSet l : info.series().keySet()) {
        role(models, l.get("model"), l.get("role")).version = l.get("version");
      }
    }
    SortedMap<String, ModelView> out = new TreeMap<>();
    models.forEach((name, m) -> out.put(name, m.view()));
    return out;
  }

  /** The key of one metric of one model in one role. */
  static String key(LabelSet l) {
    return l.get("model") + "\u0000" + l.get("role") + "\u0000" + l.get("metric");
  }

  private static RoleAcc role(Map<String, ModelAcc> models, String model, String role) {
    return models
        .computeIfAbsent(model, x -> new ModelAcc())
        .roles
        .computeIfAbsent(role, x -> new RoleAcc());
  }
}
