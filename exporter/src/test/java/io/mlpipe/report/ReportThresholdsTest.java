package io.mlpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.pipeline.Thresholds;
import org.junit.jupiter.api.Test;

/**
 * The report reads Prometheus only and keeps its own copies of the two fixed alert thresholds (it
 * imports nothing of the agent); they stay the status page's and the rules' (ThresholdsTest).
 */
class ReportThresholdsTest {

  @Test
  void theReportJudgesByTheRulesFixedThresholds() {
    assertThat(ReportBuilder.STALL_SECONDS).isEqualTo(Thresholds.STALL_SECONDS);
    assertThat(ReportBuilder.CORRUPT_RATIO).isEqualTo(Thresholds.CORRUPT_RECORDS_MAX_RATIO);
  }
}
