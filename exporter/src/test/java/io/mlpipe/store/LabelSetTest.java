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
}
