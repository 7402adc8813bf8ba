package io.mlpipe.store;

/**
 * Identifies a group: the unit that is written, replaced, deleted and expired as a whole. For the
 * Pushgateway API the labels are the grouping key ({@code job} and the path labels).
 *
 * @param source who owns the group: {@link #PUSH} or {@link #EVENTS}
 */
public record GroupKey(String source, LabelSet labels) {

  public static final String PUSH = "push";
  public static final String EVENTS = "events";

  @Override
  public String toString() {
    return source + labels;
  }
}
