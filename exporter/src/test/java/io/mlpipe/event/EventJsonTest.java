package io.mlpipe.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlpipe.event.Payload.DataQuality;
import io.mlpipe.event.Payload.Drift;
import io.mlpipe.event.Payload.Heartbeat;
import io.mlpipe.event.Payload.Metric;
import io.mlpipe.event.Payload.MetricKind;
import io.mlpipe.event.Payload.ModelMetric;
import io.mlpipe.event.Payload.Records;
import io.mlpipe.event.Payload.Role;
import io.mlpipe.event.Payload.StageFinished;
import io.mlpipe.event.Payload.StageStarted;
import io.mlpipe.event.Payload.Status;
import io.mlpipe.event.Payload.Training;
import io.mlpipe.ingest.EventsParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The wire format is defined once: what the clients serialize from the records is what the events
 * API parses back into the same records, for every type and every field.
 */
class EventJsonTest {

  /** One event of each type with every field set. */
  static final List<Event> EVERY_TYPE =
      List.of(
          event("ingest", new StageStarted()),
          event("ingest", new StageFinished(Status.failure, 12.5, 3.0, "boom", 40.25, 1.5e9)),
          event("ingest", new Heartbeat(0.25)),
          event("ingest", new Records(1000.0, 3.0, 2.0, 1.0)),
          event("ingest", new DataQuality("customers", 0.02, Map.of("not_null", 4.0), 1.7e9 + 0.5)),
          event(null, new Drift("age", 0.31)),
          event(
              null,
              new Training("xgb", 7.0, Map.of("train", 0.5, "validation", Double.NaN), 1200.0)),
          event(null, new ModelMetric("xgb", "v7", "auc", 0.91, Role.production)),
          event(
              "ingest", new Metric("rows_loaded_total", MetricKind.counter, 5, Map.of("t", "u"))));

  private static Event event(String stage, Payload payload) {
    return new Event("churn", stage, 1.7e9, "node-1", "run-1", "id-" + payload.type(), payload);
  }

  @Test
  void everyTypeRoundTripsThroughTheParserIntoTheSameRecord() {
    assertThat(EVERY_TYPE).extracting(Event::type).containsExactlyInAnyOrder(Event.Type.values());
    byte[] body = EventJson.ndjson(EVERY_TYPE);
    EventsParser.Result parsed = EventsParser.parse(body, true, 0);
    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.events()).containsExactlyElementsOf(EVERY_TYPE);
  }

  @Test
  void theWireFormIsFlatSnakeCaseWithWholeNumbersAndBareNaN() {
    assertThat(EventJson.json(EVERY_TYPE.get(1)))
        .isEqualTo(
            "{\"type\":\"stage_finished\",\"pipeline\":\"churn\",\"stage\":\"ingest\","
                + "\"time\":1700000000,\"host\":\"node-1\",\"run_id\":\"run-1\","
                + "\"id\":\"id-stage_finished\",\"status\":\"failure\",\"duration_seconds\":12.5,"
                + "\"exit_code\":3,\"error\":\"boom\",\"cpu_seconds\":40.25,"
                + "\"memory_peak_bytes\":1500000000}");
    // Absent fields are left out, not sent as null; the agent then uses its receive time.
    assertThat(
            EventJson.json(
                new Event(
                    "p",
                    null,
                    null,
                    null,
                    null,
                    null,
                    new Training("m", null, Map.of("train", Double.NaN), null))))
        .isEqualTo(
            "{\"type\":\"training\",\"pipeline\":\"p\",\"model\":\"m\",\"loss\":{\"train\":NaN}}");
    assertThat(EventJson.json(new Event("p", "s", null, null, null, null, new StageStarted())))
        .isEqualTo("{\"type\":\"stage_started\",\"pipeline\":\"p\",\"stage\":\"s\"}");
  }

  @Test
  void everyPayloadRecordIsTheOneItsTypeNames() {
    assertThat(Payload.class.getPermittedSubclasses())
        .containsExactlyInAnyOrder(
            Arrays.stream(Event.Type.values()).map(Event.Type::payload).toArray(Class[]::new));
    for (Event e : EVERY_TYPE) {
      assertThat(e.type().payload()).isEqualTo(e.payload().getClass());
    }
  }

  @Test
  void theReadmesTableListsEachTypesFieldsAsTheRecordsName() throws Exception {
    // | `stage_finished` | `status` success/failure/cancelled, `duration_seconds` (...), ... |
    Map<String, List<String>> documented = new java.util.TreeMap<>();
    Pattern row = Pattern.compile("^\\| `([a-z_]+)` \\|(.*)\\|$");
    Pattern field = Pattern.compile("`([a-z][a-z_]*)`");
    for (String line : Files.readAllLines(Path.of("../README.md"))) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        try {
          Event.Type.valueOf(m.group(1));
        } catch (IllegalArgumentException notAType) {
          continue;
        }
        List<String> names = new ArrayList<>();
        Matcher f = field.matcher(m.group(2));
        while (f.find()) {
          names.add(f.group(1));
        }
        documented.put(m.group(1), names);
      }
    }
    Map<String, List<String>> fromRecords = new java.util.TreeMap<>();
    for (Event.Type t : Event.Type.values()) {
      fromRecords.put(t.name(), Wire.fields(t).stream().map(Wire.FieldSpec::name).toList());
    }
    assertThat(documented).isEqualTo(fromRecords);
  }

  @Test
  void aGenericClientSetsFieldsByTheirWireNamesAndAWrongOneFails() {
    assertThat(Wire.payload(Event.Type.records, Map.of("processed", 7L, "dropped", 1)))
        .isEqualTo(new Records(7.0, null, null, 1.0));
    assertThatThrownBy(() -> Wire.payload(Event.Type.records, Map.of("procesed", 7L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("procesed");
  }

  @Test
  void aNameTheAgentExposesItselfIsRefusedWithItsIndexAndField() {
    byte[] body =
        EventJson.ndjson(
            List.of(
                EVERY_TYPE.get(0),
                new Event(
                    "p",
                    null,
                    null,
                    null,
                    null,
                    null,
                    new Metric("node_cpu_seconds_total", MetricKind.counter, 1, null)),
                new Event(
                    "p",
                    null,
                    null,
                    null,
                    null,
                    null,
                    new Metric("mlpipe_stage_running", null, 1, null))));
    EventsParser.Result r = EventsParser.parse(body, true, 0, name -> name.startsWith("node_cpu_"));
    assertThat(r.events()).isEmpty();
    assertThat(r.problems())
        .containsExactly(
            new EventsParser.Problem(
                1,
                "name",
                "'node_cpu_seconds_total' is exposed by the agent itself; choose another name"),
            new EventsParser.Problem(
                2, "name", "names starting with mlpipe_ are the agent's own; choose another"));
    assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"kind\":\"counter\"");
  }
}
