package io.mlpipe.ingest;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlpipe.config.LimitsConfig;
import io.mlpipe.store.LabelSet;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PushConverterTest {

  /**
   * Regression: a name over a limit below 40 characters threw StringIndexOutOfBoundsException while
   * the message was built (a 500) instead of the 413.
   */
  @Test
  void aShortNameOverASmallLimitIsA413() {
    LimitsConfig limits = new LimitsConfig(10_000, 1_000_000, 64, 8, 2048, 1 << 20);
    byte[] body = "m{label_name_12=\"v\"} 1\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                PushConverter.convert(
                    TextFormatParser.parse(body), LabelSet.of("job", "j"), limits))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(413);
              org.assertj.core.api.Assertions.assertThat(e.getMessage())
                  .contains("label_name_12")
                  .contains("over the limit of 8");
            });
  }
}
