package io.mlpipe.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import java.io.IOException;
import java.util.List;

/**
 * Binary encoding of mutations (WAL) and groups (snapshots): Jackson Smile, which keeps NaN and
 * infinities exact and is several times smaller and faster than JSON.
 */
final class Codec {

  private static final TypeReference<List<Mutation>> MUTATIONS = new TypeReference<>() {};
  private static final ObjectMapper MAPPER = mapper();

  /** Resolved once: writerFor per call looked the type up again for every WAL record. */
  private static final ObjectWriter MUTATIONS_WRITER = MAPPER.writerFor(MUTATIONS);

  private Codec() {}

  private static ObjectMapper mapper() {
    SimpleModule labels = new SimpleModule("labels");
    labels.addSerializer(
        LabelSet.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(LabelSet l, JsonGenerator gen, SerializerProvider sp)
              throws IOException {
            gen.writeStartArray();
            for (int i = 0; i < l.size(); i++) {
              gen.writeString(l.name(i));
              gen.writeString(l.value(i));
            }
            gen.writeEndArray();
          }
        });
    labels.addDeserializer(
        LabelSet.class,
        new JsonDeserializer<>() {
          @Override
          public LabelSet deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String[] pairs = p.readValueAs(String[].class);
            return LabelSet.of(pairs);
          }
        });
    // Families hold Map<LabelSet, Series>; the keys repeat the series' own labels, so store a list.
    labels.addSerializer(
        Family.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Family f, JsonGenerator gen, SerializerProvider sp)
              throws IOException {
            gen.writeStartObject();
            gen.writeStringField("name", f.name());
            gen.writeStringField("type", f.type().name());
            if (f.help() != null) {
              gen.writeStringField("help", f.help());
            }
            gen.writeFieldName("series");
            sp.findTypedValueSerializer(Series[].class, true, null)
                .serialize(f.series().values().toArray(new Series[0]), gen, sp);
            gen.writeEndObject();
          }
        });
    labels.addDeserializer(
        Family.class,
        new JsonDeserializer<>() {
          @Override
          public Family deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            FamilyDto dto = p.readValueAs(FamilyDto.class);
            java.util.Map<LabelSet, Series> m = new java.util.LinkedHashMap<>();
            for (Series s : dto.series()) {
              m.put(s.labels(), s);
            }
            return new Family(dto.name(), MetricType.valueOf(dto.type()), dto.help(), m);
          }
        });
    ObjectMapper m = new ObjectMapper(new SmileFactory());
    m.registerModule(labels);
    m.addMixIn(Series.class, SeriesMixin.class);
    m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    return m;
  }

  private record FamilyDto(String name, String type, String help, List<Series> series) {}

  @com.fasterxml.jackson.annotation.JsonTypeInfo(
      use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
      property = "k")
  @com.fasterxml.jackson.annotation.JsonSubTypes({
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Series.Value.class, name = "v"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Series.Histogram.class, name = "h"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Series.Summary.class, name = "s")
  })
  private interface SeriesMixin {}

  static byte[] encodeMutations(List<Mutation> mutations) {
    try {
      return MUTATIONS_WRITER.writeValueAsBytes(mutations);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode mutations", e);
    }
  }

  static List<Mutation> decodeMutations(byte[] bytes, int offset, int length) throws IOException {
    return MAPPER.readerFor(MUTATIONS).readValue(bytes, offset, length);
  }

  static ObjectMapper mapper(boolean forSnapshots) {
    return MAPPER;
  }
}
