package io.mlpipe.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * One pipeline as {@code GET /api/v1/pipelines} sends it (Jackson writes this record; snake_case
 * names, null fields left out), the status page shows it and {@code mlpipe status} reads it back.
 * {@link PipelineStatus#all} derives it from the store and the config.
 *
 * <pre>{@code
 * PipelineView p = PipelineStatus.all(store.groups(), config, now).get("churn");
 * p.status(); // Health.failed
 * p.stages().get("train").problems(); // ["failed (exit code 1)"]
 * }</pre>
 *
 * @param declared whether the config declares it (then {@code team} and {@code owner} are set)
 * @param status the worst health of its stages and of its drift
 * @param problems every problem of the pipeline and its stages, as "pipeline/stage: text"
 * @param stages declared stages in config order, then the others as they first reported
 * @param drift score by feature
 * @param driftThreshold the threshold the drift was judged by (only with drift)
 * @param newestRecord by dataset, the time of its newest record
 * @param models by model name
 * @param trainingLoss by "model:split"
 * @param pushed groups pushed through the Pushgateway API whose grouping key names the pipeline
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelineView(
    String name,
    boolean declared,
    String team,
    String owner,
    Health status,
    List<String> problems,
    Map<String, StageView> stages,
    SortedMap<String, Double> drift,
    Double driftThreshold,
    SortedMap<String, Double> newestRecord,
    SortedMap<String, ModelView> models,
    SortedMap<String, Double> trainingLoss,
    List<PushedGroupView> pushed) {

  public PipelineView {
    status = status == null ? Health.unknown : status;
    problems = problems == null ? List.of() : List.copyOf(problems);
    // Insertion order is the page's order: declared stages as the config lists them.
    stages = stages == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    drift = Views.sorted(drift);
    newestRecord = Views.sorted(newestRecord);
    models = Views.sorted(models);
    trainingLoss = Views.sorted(trainingLoss);
    pushed = Views.list(pushed);
  }
}
