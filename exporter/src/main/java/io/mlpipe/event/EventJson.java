package io.mlpipe.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The wire form of {@link Event}s, as every client sends them: one JSON object per line (NDJSON). A
 * NaN stays a bare {@code NaN} token, which the events API reads (a training loss can be NaN), and
 * a whole number is written without a fraction ({@code "exit_code":1}, not {@code 1.0}).
 */
public final class EventJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          // An absent field is left out, never sent as null (which the events API refuses).
          .defaultPropertyInclusion(JsonInclude.Value.construct(Include.NON_NULL, Include.NON_NULL))
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS) // stage_started has no own fields
          .addModule(
              new SimpleModule()
                  .addSerializer(Double.class, new WholeNumbers())
                  .addSerializer(double.class, new WholeNumbers()))
          .build();

  private static final ObjectWriter WRITER = MAPPER.writer();

  private EventJson() {}

  /** One JSON object per line, each line ending in a newline. */
  public static byte[] ndjson(List<Event> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (Event e : events) {
        WRITER.writeValue(out, e);
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  /** One event as a JSON object. */
  public static String json(Event event) {
    try {
      return WRITER.writeValueAsString(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The payload of a {@code type} event from its fields by their names on the wire (a generic
   * client such as {@code mlpipe push} that sets fields by name).
   *
   * @throws IllegalArgumentException when a field is not one of the type's or has the wrong type
   */
  public static Payload payload(Event.Type type, Map<String, ?> fields) {
    return MAPPER.convertValue(fields, type.payload());
  }

  private static final class WholeNumbers extends StdSerializer<Double> {
    WholeNumbers() {
      super(Double.class);
    }

    @Override
    public void serialize(Double d, JsonGenerator g, SerializerProvider p) throws IOException {
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        g.writeNumber((long) (double) d);
      } else {
        g.writeNumber(d);
      }
    }
  }
}
