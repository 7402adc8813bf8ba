package io.mlpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * SLA compliance from cumulative bucket counts: certain within, certain breached, a range between.
 */
class SlaTest {

  /** 10 runs: 4 under 1 s, 3 in (1, 5], 2 in (5, 10], 1 over 10 s. */
  private static TreeMap<Double, Long> buckets() {
    TreeMap<Double, Long> b = new TreeMap<>();
    b.put(1.0, 4L);
    b.put(5.0, 7L);
    b.put(10.0, 9L);
    b.put(30.0, 10L);
    b.put(Double.POSITIVE_INFINITY, 10L);
    return b;
  }

  @Test
  void slaOnABucketBoundIsExact() {
    Report.Sla s = ReportBuilder.sla(buckets(), 5.0);
    assertThat(s.runs()).isEqualTo(10);
    assertThat(s.within()).isEqualTo(7);
    assertThat(s.breached()).isEqualTo(3);
    assertThat(s.min()).isEqualTo(0.7);
    assertThat(s.max()).isEqualTo(0.7);
  }

  @Test
  void slaInsideABucketGivesARange() {
    Report.Sla s = ReportBuilder.sla(buckets(), 2.0);
    assertThat(s.within()).isEqualTo(4);
    assertThat(s.breached()).isEqualTo(3);
    assertThat(s.min()).isEqualTo(0.4);
    assertThat(s.max()).isEqualTo(0.7);
  }

  @Test
  void slaUnderTheFirstBucketIsUndecided() {
    Report.Sla s = ReportBuilder.sla(buckets(), 0.5);
    assertThat(s.min()).isEqualTo(0.0);
    assertThat(s.max()).isEqualTo(0.4);
  }

  @Test
  void noRunsNoFigure() {
    TreeMap<Double, Long> b = new TreeMap<>();
    b.put(1.0, 0L);
    b.put(Double.POSITIVE_INFINITY, 0L);
    assertThat(ReportBuilder.sla(b, 2.0).min()).isNull();
    assertThat(ReportBuilder.sla(null, 2.0)).isNull();
  }
}
