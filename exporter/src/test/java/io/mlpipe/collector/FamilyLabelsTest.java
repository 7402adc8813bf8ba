package io.mlpipe.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.Labels;
import org.junit.jupiter.api.Test;

/** Family shares client_java's Labels per label set; what it exposes is what Labels.of makes. */
class FamilyLabelsTest {

  @Test
  void labelsAreExactlyTheGivenOnesAcrossScrapesAndPastTheCacheBound() {
    // More label sets than the cache holds, twice, with names in a different order each family.
    for (int scrape = 0; scrape < 2; scrape++) {
      for (int i = 0; i < 20_000; i++) {
        Family f = Family.gauge("t", "help", "device", "mode");
        f.add(i, "dev" + i, "m" + (i % 7));
        Family g = Family.gauge("u", "help", "mode", "device");
        g.add(i, "m" + (i % 7), "dev" + i);
        Labels expected = Labels.of("device", "dev" + i, "mode", "m" + (i % 7));
        assertThat((Object) f.build().getDataPoints().get(0).getLabels()).isEqualTo(expected);
        assertThat((Object) g.build().getDataPoints().get(0).getLabels()).isEqualTo(expected);
      }
    }
    Family none = Family.gauge("v", "help");
    none.add(1);
    assertThat((Object) none.build().getDataPoints().get(0).getLabels()).isEqualTo(Labels.EMPTY);
  }

  @Test
  void aRepeatedLabelSetIsDroppedAsBefore() {
    Family f = Family.counter("c_total", "help", "cpu");
    f.add(1, "0").add(2, "0").add(3, "1");
    assertThat(f.build().getDataPoints()).hasSize(2);
  }
}
