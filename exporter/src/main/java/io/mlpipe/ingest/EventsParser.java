package io.mlpipe.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlpipe.config.Names;
import io.mlpipe.event.Event;
import io.mlpipe.event.Field;
import io.mlpipe.event.Field.Kind;
import io.mlpipe.event.Payload;
import io.mlpipe.event.Wire;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

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

  private static final Set<String> COMMON =
      Set.of("type", "pipeline", "stage", "time", "host", "run_id", "id");

  /**
   * Each type's fields by wire name, in the order of its {@link Payload} record's components: the
   * record says what a field is called and what it accepts ({@link Field}); the parser reads it
   * from there ({@link Wire}).
   */
  private static final Map<Event.Type, Map<String, Wire.FieldSpec>> FIELDS =
      new EnumMap<>(Event.Type.class);

  static {
    for (Event.Type t : Event.Type.values()) {
      Map<String, Wire.FieldSpec> m = new LinkedHashMap<>();
      Wire.fields(t).forEach(f -> m.put(f.name(), f));
      FIELDS.put(t, java.util.Collections.unmodifiableMap(m));
    }
  }

  private EventsParser() {}

  /**
   * As {@link #parse(byte[], boolean, double, Predicate)} knowing no collector's families (tools,
   * tests): only the agent's {@code mlpipe_*} namespace is refused to {@code metric} events.
   */
  public static Result parse(byte[] body, boolean ndjson, double nowSeconds) {
    return parse(body, ndjson, nowSeconds, name -> false);
  }

  /**
   * @param ndjson one event per line instead of a JSON document
   * @param nowSeconds the time given to events without one
   * @param ownFamily whether a name is one the agent exposes itself ({@link OwnFamilies#owns}): a
   *     {@code metric} event naming one is refused, as a push of it is
   */
  public static Result parse(
      byte[] body, boolean ndjson, double nowSeconds, Predicate<String> ownFamily) {
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
        Event e = event(i, nodes.get(i), nowSeconds, ownFamily, problems);
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

  private static Event event(
      int index, JsonNode node, double now, Predicate<String> ownFamily, List<Problem> problems) {
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
    Map<String, Wire.FieldSpec> spec = FIELDS.get(type);
    Map<String, Object> values = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      if (COMMON.contains(f.getKey())) {
        continue;
      }
      Wire.FieldSpec field = spec.get(f.getKey());
      if (field == null) {
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
      Object v = value(index, f.getKey(), field, f.getValue(), ownFamily, problems);
      if (v != null) {
        values.put(f.getKey(), v);
      }
    }
    for (Map.Entry<String, Wire.FieldSpec> f : spec.entrySet()) {
      if (f.getValue().rule().required() && !node.has(f.getKey())) {
        problems.add(new Problem(index, f.getKey(), "required for " + type + " events"));
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
    // Validated above, field by field: the conversion into the record cannot fail.
    Payload payload = Wire.payload(type, values);
    return new Event(pipeline, stage, time, host, runId, id, payload);
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
      int index,
      String field,
      Wire.FieldSpec spec,
      JsonNode v,
      Predicate<String> ownFamily,
      List<Problem> problems) {
    Kind kind = spec.rule().value();
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
        } else if (ownFamily.test(n)) {
          problems.add(
              new Problem(
                  index, field, "'" + n + "' is exposed by the agent itself; choose another name"));
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
      case ONE_OF -> {
        Set<String> allowed = new java.util.HashSet<>();
        for (Object c : spec.type().getEnumConstants()) {
          allowed.add(((Enum<?>) c).name());
        }
        return oneOf(index, field, v, allowed, problems);
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
