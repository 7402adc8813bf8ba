package io.mlpipe.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code dashboards/mlpipe-*.json} are exactly what the generator writes: the build
 * ran {@code tsx src/main.ts target/generated-dashboards} before the tests (kube-prometheus' habit:
 * a stale, hand-edited or deleted file fails the build). Regenerate with {@code npm run generate}
 * in {@code dashboards/}.
 */
class GeneratedDashboardsTest {

  private static final Path GENERATED =
      Path.of(System.getProperty("dashboards.generated", "target/generated-dashboards"));

  @Test
  void committedJsonEqualsGeneratorOutput() throws IOException {
    List<Path> generated = Dashboards.files(GENERATED);
    List<Path> committed = Dashboards.files(Dashboards.DIR);
    assertThat(generated).as("the generator wrote nothing into %s", GENERATED).isNotEmpty();
    assertThat(committed.stream().map(p -> p.getFileName().toString()))
        .as("committed dashboards (run `npm run generate` in dashboards/)")
        .containsExactlyElementsOf(
            generated.stream().map(p -> p.getFileName().toString()).toList());
    for (Path g : generated) {
      Path c = Dashboards.DIR.resolve(g.getFileName());
      assertThat(Files.readString(c))
          .as("%s differs from the generator's output (run `npm run generate` in dashboards/)", c)
          .isEqualTo(Files.readString(g));
    }
  }
}
