package io.mlpipe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** OpenMetrics' closing line held back from a stream, however the writer splits its writes. */
class WithoutEofTest {

  @Test
  void withoutEofDropsOnlyAClosingEofLineWhateverTheWriteSizes() throws Exception {
    String[][] cases = {
      {"a 1\n# EOF\n", "a 1\n"},
      {"# EOF\n", ""},
      {"a 1\n", "a 1\n"},
      {"", ""},
      {"x# EOF\n", "x# EOF\n"},
      {"# EOF\nb 2\n# EOF\n", "# EOF\nb 2\n"},
      {"EOF\n", "EOF\n"},
    };
    for (String[] c : cases) {
      byte[] in = c[0].getBytes(StandardCharsets.UTF_8);
      for (int chunk = 1; chunk <= in.length + 1; chunk++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WithoutEof w = new WithoutEof(out);
        for (int off = 0; off < in.length; off += chunk) {
          w.write(in, off, Math.min(chunk, in.length - off));
        }
        w.finish();
        assertThat(out.toString(StandardCharsets.UTF_8)).as(c[0] + " by " + chunk).isEqualTo(c[1]);
      }
    }
  }
}
