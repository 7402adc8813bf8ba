package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlpipe.pipeline.Health;
import io.mlpipe.pipeline.PipelineView;
import io.mlpipe.pipeline.StageView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mlpipe status} reads the agent's records; a newer agent's additions do not break it. */
class StatusCommandReadTest {

  @Test
  void unknownFieldsAreSkippedAndUnknownStatesReadAsUnknown() throws Exception {
    String json =
        """
        {"name":"churn","declared":false,"status":"quarantined","problems":["x"],"new_field":1,
         "stages":{"train":{"status":"paused","health":"ok","records":{"processed":5,"late":2},
                            "runs":{"success":1}}}}
        """;
    List<PipelineView> read = StatusCommand.pipelines(new ObjectMapper().readTree(json));
    assertThat(read).hasSize(1);
    PipelineView p = read.get(0);
    assertThat(p.status()).isEqualTo(Health.unknown);
    assertThat(p.problems()).containsExactly("x");
    StageView train = p.stages().get("train");
    assertThat(train.status()).isEqualTo(StageView.RunState.unknown);
    assertThat(train.health()).isEqualTo(Health.ok);
    assertThat(train.records().processed()).isEqualTo(5.0);
    assertThat(train.runs().success()).isEqualTo(1.0);
    assertThat(StatusCommand.table(read, 0)).contains("churn     unknown  train  ok");
  }
}
