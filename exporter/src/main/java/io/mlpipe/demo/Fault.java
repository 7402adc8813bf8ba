package io.mlpipe.demo;

import io.mlpipe.config.Durations;
import java.time.Duration;

/**
 * One {@code --fault NAME[@PIPELINE[/STAGE]][:after=DURATION]}: what, where, and from when (real
 * time since the demo started).
 *
 * <pre>{@code
 * Fault f = Fault.parse("drift@recsys:after=2m");
 * }</pre>
 */
public record Fault(FaultKind kind, String pipeline, String stage, Duration after) {

  /** Parses the flag's value; {@link IllegalArgumentException} with a usable message. */
  public static Fault parse(String text) {
    String rest = text.trim();
    Duration after = Duration.ZERO;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      String opt = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!opt.startsWith("after=")) {
        throw new IllegalArgumentException(
            "fault '" + text + "': expected :after=DURATION, got ':" + opt + "'");
      }
      String d = opt.substring("after=".length());
      after =
          Durations.parse(d)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "fault '"
                              + text
                              + "': after must be a duration like 30s or 2m, got '"
                              + d
                              + "'"));
    }
    String name = rest;
    String pipeline = null;
    String stage = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      name = rest.substring(0, at);
      String target = rest.substring(at + 1);
      int slash = target.indexOf('/');
      pipeline = slash >= 0 ? target.substring(0, slash) : target;
      stage = slash >= 0 ? target.substring(slash + 1) : null;
    }
    String n = name;
    FaultKind kind =
        FaultKind.byName(name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown fault '" + n + "' (mlpipe demo --list-faults lists them)"));
    if (pipeline != null && Workload.pipeline(pipeline).isEmpty()) {
      throw new IllegalArgumentException(
          "fault '"
              + text
              + "': unknown pipeline '"
              + pipeline
              + "', expected one of churn, recsys, fraud");
    }
    if (stage != null && !Workload.STAGES.contains(stage)) {
      throw new IllegalArgumentException(
          "fault '"
              + text
              + "': unknown stage '"
              + stage
              + "', expected one of "
              + Workload.STAGES);
    }
    if (pipeline == null) {
      pipeline = kind.defaultPipeline();
    }
    if (stage == null) {
      stage = kind.defaultStage();
    }
    return new Fault(kind, pipeline, stage, after);
  }

  /** Whether this fault strikes {@code pipeline}/{@code stage} (null stage: any). */
  boolean hits(String pipeline, String stage) {
    return pipeline.equals(this.pipeline)
        && (this.stage == null || stage == null || this.stage.equals(stage));
  }

  @Override
  public String toString() {
    return kind.id()
        + (pipeline == null ? "" : "@" + pipeline + (stage == null ? "" : "/" + stage))
        + (after.isZero() ? "" : ":after=" + Durations.format(after));
  }
}
