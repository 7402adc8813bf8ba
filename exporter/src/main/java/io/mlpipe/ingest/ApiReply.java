package io.mlpipe.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The envelope of the JSON APIs, Prometheus' and Pushgateway's: {@code
 * {"status":"success","data":...}} or {@code {"status":"error","error":"..."}}. Written by {@link
 * PipelinesApi} and {@link PushStatusApi}, read back by {@code mlpipe forget}, so each field is
 * named once.
 *
 * <pre>{@code
 * ApiReply<Forgotten> r = ApiReply.success(new PipelinesApi.Forgotten("churn", 3, false));
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApiReply<T>(String status, T data, String error) {

  public static <T> ApiReply<T> success(T data) {
    return new ApiReply<>("success", data, null);
  }

  public static ApiReply<Void> failure(String error) {
    return new ApiReply<>("error", null, error);
  }

  public boolean succeeded() {
    return "success".equals(status);
  }
}
