package io.mlpipe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesMapTest {

  private static Map<LabelSet, Series> series(int n) {
    Map<LabelSet, Series> m = new LinkedHashMap<>();
    for (int i = n - 1; i >= 0; i--) { // not in label order: insertion order must hold
      LabelSet l = LabelSet.of("series", "s" + i, "stage", "train");
      m.put(l, new Series.Value(l, i));
    }
    return m;
  }

  /** Small maps scan, large ones use the index: both find every series and nothing else. */
  @Test
  void behavesAsTheLinkedHashMapItWasMadeFrom() {
    for (int n : new int[] {0, 1, 8, 9, 100, 1000}) {
      Map<LabelSet, Series> expected = series(n);
      Map<LabelSet, Series> actual = SeriesMap.of(expected);
      assertThat(actual).isEqualTo(expected).hasSameHashCodeAs(expected).hasSize(n);
      assertThat(new ArrayList<>(actual.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
      assertThat(List.copyOf(actual.values())).isEqualTo(List.copyOf(expected.values()));
      for (LabelSet l : expected.keySet()) {
        assertThat(actual.get(l)).isEqualTo(expected.get(l));
        assertThat(actual.containsKey(l)).isTrue();
      }
      LabelSet absent = LabelSet.of("series", "s" + n, "stage", "train");
      assertThat(actual.get(absent)).isNull();
      assertThat(actual.containsKey(absent)).isFalse();
      assertThat(actual.get("not a label set")).isNull();
    }
  }

  @Test
  void aFamilyKeepsItsMapWithoutCopying() {
    Family f = new Family("g", MetricType.GAUGE, null, series(20));
    assertThat(new Family("g", MetricType.GAUGE, "help", f.series()).series()).isSameAs(f.series());
  }

  @Test
  void refusesASeriesUnderAnotherSeriesLabels() {
    LabelSet a = LabelSet.of("k", "a");
    assertThatThrownBy(() -> SeriesMap.of(Map.of(a, new Series.Value(LabelSet.of("k", "b"), 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k=\"b\"");
  }

  /** Families with histograms or summaries keep their series as they are; values compare exact. */
  @Test
  void mixedAndSpecialValues() {
    for (int n : new int[] {3, 20}) {
      Map<LabelSet, Series> expected = series(n);
      LabelSet h = LabelSet.of("series", "h");
      expected.put(
          h,
          new Series.Histogram(
              h, new double[] {1, Double.POSITIVE_INFINITY}, new double[] {1, 2}, 3, 2));
      LabelSet nan = LabelSet.of("series", "nan");
      expected.put(nan, new Series.Value(nan, Double.NaN));
      Map<LabelSet, Series> actual = SeriesMap.of(expected);
      assertThat(actual).isEqualTo(expected);
      assertThat(actual.get(h)).isSameAs(expected.get(h));
      assertThat(List.copyOf(actual.values())).isEqualTo(List.copyOf(expected.values()));
    }
    LabelSet z = LabelSet.of("series", "z");
    Map<LabelSet, Series> signed = Map.of(z, new Series.Value(z, -0.0));
    assertThat(((Series.Value) SeriesMap.of(signed).get(z)).value()).isEqualTo(-0.0);
    assertThat(SeriesMap.of(signed))
        .isEqualTo(signed)
        .isNotEqualTo(Map.of(z, new Series.Value(z, 0.0)));
  }
}
