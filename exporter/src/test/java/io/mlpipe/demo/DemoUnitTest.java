package io.mlpipe.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlpipe.config.Config;
import io.mlpipe.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoUnitTest {

  @TempDir Path dir;

  @Test
  void faultTargetsDefaultAndOverride() {
    Fault f = Fault.parse("stage-failure");
    assertThat(f).isEqualTo(new Fault(FaultKind.STAGE_FAILURE, "churn", "train", Duration.ZERO));
    Fault g = Fault.parse("drift@recsys/ingest:after=2m");
    assertThat(g).isEqualTo(new Fault(FaultKind.DRIFT, "recsys", "ingest", Duration.ofMinutes(2)));
    assertThat(Fault.parse("stall").kind()).isEqualTo(FaultKind.STAGE_STALLED);
    assertThat(g.toString()).isEqualTo("drift@recsys/ingest:after=2m");
  }

  @Test
  void badFaultsSayWhy() {
    assertThatThrownBy(() -> Fault.parse("melt")).hasMessageContaining("unknown fault 'melt'");
    assertThatThrownBy(() -> Fault.parse("drift@ads")).hasMessageContaining("unknown pipeline");
    assertThatThrownBy(() -> Fault.parse("drift@churn/cook")).hasMessageContaining("unknown stage");
    assertThatThrownBy(() -> Fault.parse("drift:after=soon")).hasMessageContaining("duration");
    assertThatThrownBy(() -> Fault.parse("drift:when=1m")).hasMessageContaining(":after=");
  }

  @Test
  void listingNamesEveryFaultAndItsAlert() {
    String l = FaultKind.listing();
    for (FaultKind k : FaultKind.values()) {
      assertThat(l).contains(k.id(), k.alert());
    }
  }

  @Test
  void writtenConfigLoadsAndScalesThresholds() throws Exception {
    Path file = dir.resolve("demo.yml");
    Files.writeString(file, Workload.configYaml(60));
    Config c = ConfigLoader.load(file);
    var churn = c.pipelines().declared().get("churn");
    assertThat(churn.team()).isEqualTo("growth");
    assertThat(churn.stages().get("train").sla()).isEqualTo(Duration.ofMinutes(2)); // 2h / 60
    assertThat(churn.stages().get("ingest").expectedInterval()).isEqualTo(Duration.ofMinutes(25));
    // fraud's scale is capped: a run every 10 s real, not every 5 s
    assertThat(c.pipelines().declared().get("fraud").stages().get("train").sla())
        .isEqualTo(Duration.ofSeconds(6));
    assertThat(churn.driftThreshold()).isEqualTo(0.2);
    assertThat(churn.modelMetricTolerance()).containsEntry("auc", 0.01);
    assertThat(churn.missingValuesMaxRatio()).containsEntry("customers", 0.1);
  }
}
