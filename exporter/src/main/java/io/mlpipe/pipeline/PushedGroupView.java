package io.mlpipe.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.SortedMap;

/**
 * A group pushed through the Pushgateway API whose grouping key names a pipeline (and maybe a
 * stage). It makes no stage and changes no health: it is listed under its pipeline.
 *
 * @param groupingKey label name to value, sorted by name
 * @param stage the grouping key's {@code stage}, or null
 * @param lastPush time of the last successful push, or null
 * @param lastPushFailure time of the last failed push, or null
 * @param families the names of the group's metric families, sorted
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PushedGroupView(
    SortedMap<String, String> groupingKey,
    String stage,
    Double lastPush,
    Double lastPushFailure,
    List<String> families) {

  public PushedGroupView {
    groupingKey = Views.sorted(groupingKey);
    families = families == null ? List.of() : List.copyOf(families);
  }

  /** Whether the latest push attempt failed. */
  public boolean failedLast() {
    return lastPushFailure != null && (lastPush == null || lastPushFailure >= lastPush);
  }
}
