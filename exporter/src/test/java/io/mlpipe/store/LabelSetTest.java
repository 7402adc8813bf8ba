package io.mlpipe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSetTest {

  /** Label values read from different pushes are held once: the store's memory per series. */
  @Test
  void repeatedValuesShareOneString() {
    LabelSet a = LabelSet.of(Map.of("stage", new String("train"), "series", new String("s1")));
    LabelSet b = LabelSet.of(Map.of("stage", new String("train"), "series", new String("s1")));
    assertThat(a).isEqualTo(b);
    assertThat(b.get("stage")).isSameAs(a.get("stage"));
    assertThat(b.get("series")).isSameAs(a.get("series"));
  }

  /** Long values are not kept by the cache (it holds only short strings), yet compare equal. */
  @Test
  void longValuesAreKeptAsGiven() {
    String longValue = "x".repeat(100);
    LabelSet a = LabelSet.of("k", new String(longValue));
    LabelSet b = LabelSet.of("k", new String(longValue));
    assertThat(a).isEqualTo(b);
    assertThat(b.get("k")).isNotSameAs(a.get("k"));
  }

  /** The merge of two sorted sets gives what merging their maps gave: {@code other} wins. */
  @Test
  void overriddenByMergesAndTheOtherWins() {
    LabelSet body = LabelSet.of("job", "body", "a", "1", "z", "2", "m", "3");
    LabelSet key = LabelSet.of("job", "key", "instance", "i", "zz", "4");
    Map<String, String> expected = new java.util.TreeMap<>(body.toMap());
    expected.putAll(key.toMap());
    assertThat(body.overriddenBy(key)).isEqualTo(LabelSet.of(expected));
    assertThat(body.overriddenBy(key).toMap()).containsExactlyEntriesOf(expected);
    assertThat(LabelSet.EMPTY.overriddenBy(key)).isEqualTo(key);
    assertThat(body.overriddenBy(LabelSet.EMPTY)).isEqualTo(body);
    assertThat(body.overriddenBy(body)).isEqualTo(body);
  }

  /** Hash and order are those of the interleaved pairs this class held before. */
  @Test
  void hashAndOrderAsThePairsArray() {
    LabelSet a = LabelSet.of("job", "j", "instance", "i1");
    assertThat(a.hashCode())
        .isEqualTo(java.util.Arrays.hashCode(new String[] {"instance", "i1", "job", "j"}));
    LabelSet b = LabelSet.of("job", "j", "instance", "i2");
    LabelSet c = LabelSet.of("instance", "i1");
    LabelSet d = LabelSet.of("a", "z", "job", "j");
    assertThat(a.compareTo(b)).isNegative();
    assertThat(b.compareTo(a)).isPositive();
    assertThat(c.compareTo(a)).isNegative();
    assertThat(a.compareTo(c)).isPositive();
    assertThat(d.compareTo(a)).isNegative();
    assertThat(a.compareTo(LabelSet.of("instance", "i1", "job", "j"))).isZero();
  }

  /** Sets with the same names share one array of names, which is what a stored series saves. */
  @Test
  void setsWithTheSameNamesAreEqualByValue() {
    LabelSet a = LabelSet.of("series", "s1", "stage", "train");
    LabelSet b = LabelSet.of("stage", "train", "series", "s2");
    assertThat(a).isNotEqualTo(b);
    assertThat(a.overriddenBy(LabelSet.of("series", "s2"))).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.toString()).isEqualTo("{series=\"s1\",stage=\"train\"}");
    assertThat(a.get("stage")).isEqualTo("train");
    assertThat(a.get("none")).isNull();
  }
}
