package io.mlpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlpipe.client.AgentClient;
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
    JsonNode doc;
    try {
      doc = AgentClient.Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      doc = AgentClient.Json.MAPPER.createObjectNode();
    }
    if (r.outcome() != AgentClient.Outcome.ACCEPTED) {
      String why = doc.path("error").asText(r.status() > 0 ? "HTTP " + r.status() : r.body());
      if (why.isBlank()) {
        why = r.body().strip();
      }
      agent.err().println("mlpipe: " + client.url() + " did not forget " + pipeline + ": " + why);
      agent.err().flush();
      return 1;
    }
    agent
        .out()
        .printf(
            "forgot pipeline %s: %d groups deleted%s%n",
            pipeline,
            doc.path("data").path("groups_deleted").asInt(),
            doc.path("data").path("declared").asBoolean()
                ? " (it stays listed: the config declares it)"
                : "");
    agent.out().flush();
    return 0;
  }
}
