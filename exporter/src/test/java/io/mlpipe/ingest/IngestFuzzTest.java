package io.mlpipe.ingest;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mlpipe.config.LimitsConfig;
import io.mlpipe.store.LabelSet;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets of the ingest wire formats: whatever the bytes, the parsers either return or throw
 * {@link BadRequestException} (a 4xx); anything else is a finding. Plain {@code mvn test} replays
 * the committed seeds under {@code src/test/resources/io/mlpipe/ingest/IngestFuzzTestInputs/};
 * {@code scripts/fuzz.sh} fuzzes each target for longer.
 */
class IngestFuzzTest {

  private static final LimitsConfig LIMITS =
      new LimitsConfig(10_000, 100_000, 64, 128, 2048, 1 << 20);

  @FuzzTest(maxDuration = "10s")
  void textFormat(FuzzedDataProvider data) {
    byte[] body = data.consumeRemainingAsBytes();
    try {
      List<ParsedFamily> parsed = TextFormatParser.parse(body);
      PushConverter.convert(parsed, LabelSet.of(Map.of("job", "fuzz")), LIMITS);
    } catch (BadRequestException expected) {
      // documented: answered 400/413
    }
  }

  @FuzzTest(maxDuration = "10s")
  void protobuf(FuzzedDataProvider data) {
    byte[] body = data.consumeRemainingAsBytes();
    try {
      List<ParsedFamily> parsed = ProtobufParser.parse(body);
      PushConverter.convert(parsed, LabelSet.of(Map.of("job", "fuzz")), LIMITS);
    } catch (BadRequestException expected) {
      // documented: answered 400/413
    }
  }

  @FuzzTest(maxDuration = "10s")
  void events(FuzzedDataProvider data) {
    boolean ndjson = data.consumeBoolean();
    byte[] body = data.consumeRemainingAsBytes();
    EventsParser.Result r = EventsParser.parse(body, ndjson, 1.7e9);
    if (r.ok() == r.problems().size() > 0) {
      throw new IllegalStateException("ok() disagrees with the problems: " + r.problems());
    }
  }

  @FuzzTest(maxDuration = "10s")
  void groupingKeyPath(FuzzedDataProvider data) {
    String path = data.consumeRemainingAsString();
    try {
      Map<String, String> key = GroupingKeyPath.parse(path);
      if (!key.containsKey("job") || key.get("job").isEmpty()) {
        throw new IllegalStateException("a grouping key without a job: " + key);
      }
      LabelSet.of(key);
    } catch (BadRequestException expected) {
      // documented: answered 400
    }
  }
}
