package io.mlpipe.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JSON answers of {@code /api/v1/pipelines}: {@code {"status":"success","data":...}} or {@code
 * {"status":"error","error":"..."}}, written by {@link PipelinesApi} and read back by {@code mlpipe
 * forget}, so both sides name each field once.
 *
 * <pre>{@code
 * PipelinesReply<Forgotten> r = PipelinesReply.success(new Forgotten("churn", 3, false));
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelinesReply<T>(String status, T data, String error) {

  public static <T> PipelinesReply<T> success(T data) {
    return new PipelinesReply<>("success", data, null);
  }

  public static PipelinesReply<Void> failure(String error) {
    return new PipelinesReply<>("error", null, error);
  }

  public boolean succeeded() {
    return "success".equals(status);
  }

  /**
   * What {@code DELETE /api/v1/pipelines/NAME} did: how many groups went, and whether the pipeline
   * stays listed because the config declares it.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Forgotten(
      String pipeline, @JsonProperty("groups_deleted") int groupsDeleted, boolean declared) {}
}
