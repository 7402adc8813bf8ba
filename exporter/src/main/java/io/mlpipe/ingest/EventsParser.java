package io.mlpipe.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlpipe.config.Names;
import io.mlpipe.pipeline.Event;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON events API's body (one object, an array, or NDJSON) into validated {@link Event}s,
 * collecting every problem with the event's index and the field's path rather than stopping at the
 * first.
 */
public final class EventsParser {

  /** One problem: which event (0-based; -1 for the body as a whole), which field, what. */
  public record Problem(int index, String field, String message) {}

  /** The events, or why not. */
  public record Result(List<Event> events, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private enum Kind {
    NAME,
    TEXT,
    NON_NEGATIVE,
    COUNT,
    RATIO,
    FINITE,
    INTEGER,
    STATUS,
    ROLE,
    METRIC_KIND,
    TIME,
    COUNTS,
    FLOATS,
    LABELS,
    METRIC_NAME
  }

  private static final Set<String> COMMON =
      Set.of("type", "pipeline", "stage", "time", "host", "run_id", "id");

  private static Map<String, Kind> fields(Event.Type t) {
    Map<String, Kind> m = new LinkedHashMap<>();
    switch (t) {
      case stage_started -> {}
      case stage_finished -> {
        m.put("status", Kind.STATUS);
        m.put("duration_seconds", Kind.NON_NEGATIVE);
        m.put("exit_code", Kind.INTEGER);
        m.put("error", Kind.TEXT);
        m.put("cpu_seconds", Kind.NON_NEGATIVE);
        m.put("memory_peak_bytes", Kind.NON_NEGATIVE);
      }
      case heartbeat -> m.put("progress", Kind.RATIO);
      case records -> {
        m.put("processed", Kind.COUNT);
        m.put("invalid", Kind.COUNT);
        m.put("corrupt", Kind.COUNT);
        m.put("dropped", Kind.COUNT);
      }
      case data_quality -> {
        m.put("dataset", Kind.NAME);
        m.put("missing_values_ratio", Kind.RATIO);
        m.put("schema_violations", Kind.COUNTS);
        m.put("newest_record_time", Kind.TIME);
      }
      case drift -> {
        m.put("feature", Kind.NAME);
        m.put("score", Kind.FINITE);
      }
      case training -> {
        m.put("model", Kind.NAME);
        m.put("epoch", Kind.NON_NEGATIVE);
        m.put("loss", Kind.FLOATS);
        m.put("samples_per_second", Kind.NON_NEGATIVE);
      }
      case model_metric -> {
        m.put("model", Kind.NAME);
        m.put("version", Kind.NAME);
        m.put("metric", Kind.NAME);
        m.put("value", Kind.FINITE);
        m.put("role", Kind.ROLE);
      }
      case metric -> {
        m.put("name", Kind.METRIC_NAME);
        m.put("kind", Kind.METRIC_KIND);
        m.put("value", Kind.FINITE);
        m.put("labels", Kind.LABELS);
      }
    }
    return m;
  }

  private static Set<String> required(Event.Type t) {
    return switch (t) {
      case stage_finished -> Set.of("status");
      case data_quality -> Set.of("dataset");
      case drift -> Set.of("feature", "score");
      case training -> Set.of("model");
      case model_metric -> Set.of("model", "version", "metric", "value");
      case metric -> Set.of("name", "value");
      default -> Set.of();
    };
  }

  private EventsParser() {}

  /**
   * @param ndjson one event per line instead of a JSON document
   * @param nowSeconds the time given to events without one
   */
  public static Result parse(byte[] body, boolean ndjson, double nowSeconds) {
    List<Problem> problems = new ArrayList<>();
    List<JsonNode> nodes = new ArrayList<>();
    if (ndjson) {
      String text;
      try {
        text = TextFormatParser.decodeUtf8(body);
      } catch (BadRequestException e) {
        return new Result(
            List.of(),
            List.of(
                new Problem(
                    -1, "", e.getMessage().replace("text format parsing error", "NDJSON"))));
      }
      int line = 0;
      for (String l : text.split("\n", -1)) {
        line++;
        if (l.isBlank()) {
          continue;
        }
        try {
          nodes.add(JSON.readTree(l));
        } catch (IOException e) {
          problems.add(
              new Problem(nodes.size(), "", "invalid JSON on line " + line + ": " + brief(e)));
          nodes.add(null);
        }
      }
    } else {
      try {
        JsonNode root = JSON.readTree(body);
        if (root == null || root.isMissingNode()) {
          return new Result(
              List.of(),
              List.of(
                  new Problem(
                      -1, "", "empty body: send an event object, an array of them, or NDJSON")));
        }
        if (root.isArray()) {
          root.forEach(nodes::add);
        } else {
          nodes.add(root);
        }
      } catch (IOException e) {
        return new Result(List.of(), List.of(new Problem(-1, "", "invalid JSON: " + brief(e))));
      }
    }
    if (nodes.isEmpty()) {
      problems.add(new Problem(-1, "", "no events in the body"));
    }
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) != null) {
        Event e = event(i, nodes.get(i), nowSeconds, problems);
        if (e != null) {
          events.add(e);
        }
      }
    }
    return new Result(problems.isEmpty() ? events : List.of(), problems);
  }

  private static String brief(IOException e) {
    if (e instanceof JsonParseException p && p.getLocation() != null) {
      return p.getOriginalMessage()
          + " (line "
          + p.getLocation().getLineNr()
          + ", column "
          + p.getLocation().getColumnNr()
          + ")";
    }
    String m = e.getMessage();
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }

  private static Event event(int index, JsonNode node, double now, List<Problem> problems) {
    int before = problems.size();
    if (!node.isObject()) {
      problems.add(new Problem(index, "", "an event must be a JSON object"));
      return null;
    }
    JsonNode typeNode = node.get("type");
    Event.Type type = null;
    if (typeNode == null || !typeNode.isTextual()) {
      problems.add(new Problem(index, "type", "required: one of " + List.of(Event.Type.values())));
    } else {
      try {
        type = Event.Type.valueOf(typeNode.asText());
      } catch (IllegalArgumentException e) {
        problems.add(
            new Problem(
                index,
                "type",
                "unknown event type '"
                    + typeNode.asText()
                    + "', expected one of "
                    + List.of(Event.Type.values())));
      }
    }
    String pipeline = name(index, node, "pipeline", true, problems);
    String stage = null;
    if (type != null && type.needsStage()) {
      stage = name(index, node, "stage", true, problems);
    } else if (node.has("stage")) {
      stage = name(index, node, "stage", false, problems);
    }
    Double time =
        node.has("time") ? time(index, "time", node.get("time"), problems) : Double.valueOf(now);
    String host = name(index, node, "host", false, problems);
    String runId = name(index, node, "run_id", false, problems);
    String id = name(index, node, "id", false, problems);
    if (type == null) {
      return null;
    }
    Map<String, Kind> spec = fields(type);
    Map<String, Object> values = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      if (COMMON.contains(f.getKey())) {
        continue;
      }
      Kind kind = spec.get(f.getKey());
      if (kind == null) {
        problems.add(
            new Problem(
                index,
                f.getKey(),
                "unknown field for "
                    + type
                    + " events (allowed: "
                    + String.join(", ", spec.keySet())
                    + ")"));
        continue;
      }
      Object v = value(index, f.getKey(), kind, f.getValue(), problems);
      if (v != null) {
        values.put(f.getKey(), v);
      }
    }
    for (String r : required(type)) {
      if (!node.has(r)) {
        problems.add(new Problem(index, r, "required for " + type + " events"));
      }
    }
    // Judged on the fields present: a present but invalid count already has its own problem.
    if (type == Event.Type.records
        && !node.has("processed")
        && !node.has("invalid")
        && !node.has("corrupt")
        && !node.has("dropped")) {
      problems.add(
          new Problem(
              index,
              "processed",
              "a records event needs at least one of processed, invalid, corrupt, dropped"));
    }
    if (type == Event.Type.metric && "counter".equals(values.get("kind"))) {
      Object name = values.get("name");
      if (name != null && !((String) name).endsWith("_total")) {
        problems.add(new Problem(index, "name", "a counter's name must end in _total"));
      }
      if (values.get("value") instanceof Double d && d < 0) {
        problems.add(
            new Problem(
                index,
                "value",
                "a counter only goes up: the value is an increment and must be >= 0"));
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new Event(type, pipeline, stage, time, host, runId, id, values);
  }

  private static String name(
      int index, JsonNode node, String field, boolean required, List<Problem> problems) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        problems.add(new Problem(index, field, "required"));
      }
      return null;
    }
    if (!v.isTextual()) {
      problems.add(
          new Problem(
              index, field, "must be a string, got " + v.getNodeType().toString().toLowerCase()));
      return null;
    }
    String problem = Names.labelValueProblem(v.asText());
    if (problem != null) {
      problems.add(new Problem(index, field, problem));
      return null;
    }
    return v.asText();
  }

  private static Double time(int index, String field, JsonNode v, List<Problem> problems) {
    if (v.isNumber()) {
      double d = v.asDouble();
      if (d >= 0 && Double.isFinite(d)) {
        return d;
      }
    } else if (v.isTextual()) {
      try {
        Instant t = Instant.parse(v.asText());
        return t.getEpochSecond() + t.getNano() / 1e9;
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    problems.add(
        new Problem(
            index, field, "must be Unix seconds or an RFC 3339 time like 2026-01-02T03:04:05Z"));
    return null;
  }

  private static Object value(
      int index, String field, Kind kind, JsonNode v, List<Problem> problems) {
    switch (kind) {
      case NAME -> {
        if (v.isTextual() && Names.labelValueProblem(v.asText()) == null) {
          return v.asText();
        }
        problems.add(
            new Problem(
                index,
                field,
                v.isTextual() ? Names.labelValueProblem(v.asText()) : "must be a string"));
      }
      case TEXT -> {
        if (v.isTextual() && v.asText().length() <= 4096) {
          return v.asText();
        }
        problems.add(new Problem(index, field, "must be a string of at most 4096 characters"));
      }
      case METRIC_NAME -> {
        String n = v.isTextual() ? v.asText() : "";
        if (!MetricNames.isValidMetricName(n)) {
          problems.add(
              new Problem(index, field, "must be a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*"));
        } else if (MetricNames.isAgentNamespace(n) || n.startsWith("__")) {
          problems.add(
              new Problem(
                  index, field, "names starting with mlpipe_ are the agent's own; choose another"));
        } else {
          return n;
        }
      }
      case NON_NEGATIVE, COUNT, RATIO, FINITE, INTEGER -> {
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
          problems.add(new Problem(index, field, "must be a finite number"));
          return null;
        }
        double d = v.asDouble();
        if (kind == Kind.NON_NEGATIVE && d < 0) {
          problems.add(new Problem(index, field, "must not be negative, got " + v.asText()));
        } else if (kind == Kind.RATIO && (d < 0 || d > 1)) {
          problems.add(
              new Problem(index, field, "must be a ratio between 0 and 1, got " + v.asText()));
        } else if (kind == Kind.COUNT && (d < 0 || d != Math.rint(d))) {
          // Records are counted, not measured: 1.5 records would make the counter fractional.
          problems.add(
              new Problem(
                  index, field, "must be a whole number of records >= 0, got " + v.asText()));
        } else if (kind == Kind.INTEGER && d != Math.rint(d)) {
          problems.add(new Problem(index, field, "must be an integer, got " + v.asText()));
        } else {
          return d;
        }
      }
      case STATUS -> {
        return oneOf(index, field, v, Set.of("success", "failure", "cancelled"), problems);
      }
      case ROLE -> {
        return oneOf(index, field, v, Set.of("candidate", "production"), problems);
      }
      case METRIC_KIND -> {
        return oneOf(index, field, v, Set.of("gauge", "counter"), problems);
      }
      case TIME -> {
        return time(index, field, v, problems);
      }
      case COUNTS, FLOATS, LABELS -> {
        if (!v.isObject()) {
          problems.add(new Problem(index, field, "must be an object"));
          return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          String path = field + "." + e.getKey();
          String keyProblem =
              kind == Kind.LABELS
                  ? (MetricNames.isValidLabelName(e.getKey())
                          && !Set.of("pipeline", "stage").contains(e.getKey())
                      ? null
                      : "is not a usable label name (pipeline and stage are set by the agent)")
                  : Names.labelValueProblem(e.getKey());
          if (keyProblem != null) {
            problems.add(new Problem(index, path, keyProblem));
            continue;
          }
          JsonNode x = e.getValue();
          if (kind == Kind.LABELS) {
            if (x.isTextual() && Names.labelValueProblem(x.asText()) == null) {
              out.put(e.getKey(), x.asText());
            } else {
              problems.add(
                  new Problem(
                      index, path, "must be a non-empty string without control characters"));
            }
          } else if (!x.isNumber()) {
            problems.add(new Problem(index, path, "must be a number"));
          } else if (kind == Kind.COUNTS
              && (x.asDouble() < 0
                  || !Double.isFinite(x.asDouble())
                  || x.asDouble() != Math.rint(x.asDouble()))) {
            problems.add(
                new Problem(index, path, "must be a non-negative whole count, got " + x.asText()));
          } else {
            out.put(e.getKey(), x.asDouble());
          }
        }
        return out;
      }
    }
    return null;
  }

  private static String oneOf(
      int index, String field, JsonNode v, Set<String> allowed, List<Problem> problems) {
    if (v.isTextual() && allowed.contains(v.asText())) {
      return v.asText();
    }
    problems.add(
        new Problem(
            index, field, "must be one of " + new java.util.TreeSet<>(allowed) + ", got " + v));
    return null;
  }
}
