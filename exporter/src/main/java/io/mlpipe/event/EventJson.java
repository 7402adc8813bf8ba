package io.mlpipe.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The wire form of {@link Event}s, as every client sends them: one flat JSON object per event, the
 * common fields first, then the payload's in its record's order under their {@link Wire} names.
 * Absent (null) fields are left out; a NaN stays a bare {@code NaN} token, which the events API
 * reads (a training loss can be NaN); a whole number is written without a fraction ({@code
 * "exit_code":1}). Jackson's streaming generator, not its databind: {@code mlpipe run} writes
 * events at every start, and databind's introspection costs more CPU than the whole write.
 */
public final class EventJson {

  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

  private EventJson() {}

  /** One JSON object per line, each line ending in a newline. */
  public static byte[] ndjson(List<Event> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (Event e : events) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
          write(g, e);
        }
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  /** One event as a JSON object. */
  public static String json(Event event) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, Event e) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", e.type().name());
    field(g, "pipeline", e.pipeline());
    field(g, "stage", e.stage());
    field(g, "time", e.time());
    field(g, "host", e.host());
    field(g, "run_id", e.runId());
    field(g, "id", e.id());
    for (Wire.Named f : Wire.names(e.payload())) {
      field(g, f.name(), f.get(e.payload()));
    }
    g.writeEndObject();
  }

  private static void field(JsonGenerator g, String name, Object v) throws IOException {
    if (v != null) {
      g.writeFieldName(name);
      value(g, v);
    }
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Double d) {
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        g.writeNumber((long) (double) d);
      } else {
        g.writeNumber(d);
      }
    } else if (v instanceof Number n) {
      g.writeNumber(n.toString());
    } else if (v instanceof Enum<?> c) {
      g.writeString(c.name());
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> x : m.entrySet()) {
        g.writeFieldName(String.valueOf(x.getKey()));
        value(g, x.getValue());
      }
      g.writeEndObject();
    } else {
      g.writeString(v.toString());
    }
  }
}
