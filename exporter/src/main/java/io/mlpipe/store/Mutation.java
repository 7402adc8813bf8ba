package io.mlpipe.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * A change to the store. Mutations are logged to the WAL as they are and re-evaluated on replay, so
 * each one must be deterministic given the state it is applied to.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Mutation.Replace.class, name = "replace"),
  @JsonSubTypes.Type(value = Mutation.Merge.class, name = "merge"),
  @JsonSubTypes.Type(value = Mutation.Delete.class, name = "delete"),
  @JsonSubTypes.Type(value = Mutation.Wipe.class, name = "wipe"),
  @JsonSubTypes.Type(value = Mutation.MarkFailure.class, name = "failure"),
  @JsonSubTypes.Type(value = Mutation.Update.class, name = "update"),
  @JsonSubTypes.Type(value = Mutation.Expire.class, name = "expire"),
  @JsonSubTypes.Type(value = Mutation.Once.class, name = "once")
})
public sealed interface Mutation {

  /** PUT: the group becomes exactly {@code families}. */
  record Replace(GroupKey key, List<Family> families, long timeMillis, long ttlMillis)
      implements Mutation {}

  /** POST: families with the same names are replaced, others kept. */
  record Merge(GroupKey key, List<Family> families, long timeMillis, long ttlMillis)
      implements Mutation {}

  /** DELETE: the group is removed. */
  record Delete(GroupKey key) implements Mutation {}

  /** Removes every group of one source. */
  record Wipe(String source) implements Mutation {}

  /** Records a failed change (Pushgateway's push_failure_time_seconds). */
  record MarkFailure(GroupKey key, long timeMillis, boolean createIfAbsent) implements Mutation {}

  /** Read-modify-write operations on series of one group (the pipeline model's counters). */
  record Update(GroupKey key, List<Op> ops, long timeMillis, long ttlMillis) implements Mutation {}

  /** Removes the group if it has not changed since {@code updatedAtMillis} (TTL expiry). */
  record Expire(GroupKey key, long updatedAtMillis) implements Mutation {}

  /**
   * Applies {@code then} only if no group {@code marker} exists, and creates that (empty) marker
   * group with {@code ttlMillis}: idempotent events, deduplicated by id within the TTL.
   */
  record Once(GroupKey marker, long timeMillis, long ttlMillis, List<Mutation> then)
      implements Mutation {}

  /** One operation of an {@link Update}. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Op.Add.class, name = "add"),
    @JsonSubTypes.Type(value = Op.Set.class, name = "set"),
    @JsonSubTypes.Type(value = Op.Observe.class, name = "observe"),
    @JsonSubTypes.Type(value = Op.Remove.class, name = "remove"),
    @JsonSubTypes.Type(value = Op.Init.class, name = "init"),
    @JsonSubTypes.Type(value = Op.RemoveOthers.class, name = "remove_others"),
    @JsonSubTypes.Type(value = Op.ObserveElapsed.class, name = "observe_elapsed")
  })
  sealed interface Op {
    String name();

    /**
     * Adds {@code delta} to a counter (or gauge); creates it at 0 first. With {@code floorAtZero}
     * the result never goes below 0 (a gauge of things in progress).
     */
    record Add(
        String name,
        MetricType type,
        String help,
        LabelSet labels,
        double delta,
        boolean floorAtZero)
        implements Op {}

    /** Sets a gauge (or counter) to {@code value}. */
    record Set(String name, MetricType type, String help, LabelSet labels, double value)
        implements Op {}

    /** Observes {@code value} into a classic histogram with {@code upperBounds} (+Inf last). */
    record Observe(String name, String help, LabelSet labels, double[] upperBounds, double value)
        implements Op {}

    /** Removes one series. */
    record Remove(String name, LabelSet labels) implements Op {}

    /*
     * The operations below decide from what is stored. They are evaluated by the store's writer in
     * WAL order (WAL format 2), never by a request thread from a read that may be stale by the time
     * its write is applied.
     */

    /**
     * Sets {@code labels} to {@code value} only when family {@code name} holds no series yet: the
     * first writer wins (a run keeps the host it started on).
     */
    record Init(String name, MetricType type, String help, LabelSet labels, double value)
        implements Op {}

    /**
     * Removes every series of {@code name} whose labels equal {@code labels} except for a different
     * value of the label {@code varying}: one version per role, {@code labels} being the one that
     * stays.
     */
    record RemoveOthers(String name, LabelSet labels, String varying) implements Op {}

    /**
     * Observes {@code endSeconds} minus a start time held in the store into a classic histogram,
     * and sets the gauge {@code lastName} to the same duration; does nothing when no start is
     * stored. The start is read as the group held it before this update.
     */
    record ObserveElapsed(
        String name,
        String help,
        LabelSet labels,
        double[] upperBounds,
        String lastName,
        String lastHelp,
        double endSeconds,
        Start start)
        implements Op {}

    /**
     * Where a start time is stored: series {@code labels} of family {@code name} in group {@code
     * group}; with {@code whileName}, only while that family's series of the same labels is above
     * zero (a stage counts as started while runs are in progress).
     */
    record Start(GroupKey group, String name, LabelSet labels, String whileName) {}
  }
}
