package io.mlpipe.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mlpipe.client.AgentClient;
import io.mlpipe.ingest.ApiReply;
import io.mlpipe.ingest.PipelinesApi;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mlpipe forget --pipeline P}: the agent drops every series of a pipeline (admin). */
@Command(
    name = "forget",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Make the agent forget a pipeline: its stages, runs, data quality, models and the groups"
          + " pushed under it (DELETE /api/v1/pipelines/NAME; needs the admin scope, or"
          + " --web.enable-admin-api on an agent without auth; audited).",
      "Exit status: 0 forgotten, 1 refused or unknown, 2 usage error."
    })
final class ForgetCommand implements Callable<Integer> {

  @Option(names = "--pipeline", required = true, paramLabel = "NAME", description = "Pipeline.")
  String pipeline;

  @Mixin AgentConnection agent;

  @Override
  public Integer call() throws IOException {
    AgentClient client = agent.client();
    AgentClient.Reply r = client.forgetPipeline(pipeline);
    ApiReply<PipelinesApi.Forgotten> reply = parse(r.body());
    if (r.outcome() != AgentClient.Outcome.ACCEPTED
        || reply == null
        || !reply.succeeded()
        || reply.data() == null) {
      // The JSON error when the API wrote one; else the body (a plain-text refusal) or status.
      String why = reply != null && reply.error() != null ? reply.error() : r.body().strip();
      if (why.isBlank() && r.status() > 0) {
        why = "HTTP " + r.status();
      }
      agent.err().println("mlpipe: " + client.url() + " did not forget " + pipeline + ": " + why);
      agent.err().flush();
      return 1;
    }
    PipelinesApi.Forgotten forgotten = reply.data();
    agent
        .out()
        .printf(
            "forgot pipeline %s: %d groups deleted%s%n",
            pipeline,
            forgotten.groupsDeleted(),
            forgotten.declared() ? " (it stays listed: the config declares it)" : "");
    agent.out().flush();
    return 0;
  }

  /** The API's JSON answer, or null when the body is none (a plain-text refusal, no answer). */
  private static ApiReply<PipelinesApi.Forgotten> parse(String body) {
    try {
      return AgentClient.Json.MAPPER.readValue(body, new TypeReference<>() {});
    } catch (IOException e) {
      return null;
    }
  }
}
