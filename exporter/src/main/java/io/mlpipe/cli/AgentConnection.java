package io.mlpipe.cli;

import io.mlpipe.client.AgentClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every client subcommand shares: where the agent is, the token, the spool. */
final class AgentConnection {

  static final String DEFAULT_AGENT = "http://127.0.0.1:9478";

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--agent",
      paramLabel = "URL",
      description = "The agent's URL (default: $MLPIPE_AGENT or " + DEFAULT_AGENT + ").")
  String agent;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Sent as Authorization: Bearer TOKEN (default: $MLPIPE_TOKEN).")
  String token;

  @Option(
      names = "--spool-dir",
      paramLabel = "DIR",
      description =
          "Where events wait while the agent is unreachable (default: $MLPIPE_SPOOL or"
              + " ~/.mlpipe/spool).")
  Path spoolDir;

  @Option(
      converter = Converters.PositiveDuration.class,
      names = "--timeout",
      defaultValue = "2s", // RunArgs.DEFAULT_TIMEOUT
      paramLabel = "DURATION",
      description = "How long to wait for the agent before spooling (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  String agentUrl() {
    if (agent != null && !agent.isBlank()) {
      return agent;
    }
    String env = System.getenv("MLPIPE_AGENT");
    return env == null || env.isBlank() ? DEFAULT_AGENT : env;
  }

  /** Why {@link #agentUrl()} cannot be used, or null. */
  String urlProblem() {
    String url = agentUrl();
    try {
      java.net.URI u = java.net.URI.create(url);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return null;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    return "the agent URL must look like http://HOST:PORT, got '" + url + "'";
  }

  /** The client; a usage error when the URL or --timeout is unusable. */
  AgentClient client() {
    if (urlProblem() != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), urlProblem());
    }
    String t = token != null ? token : System.getenv("MLPIPE_TOKEN");
    return new AgentClient(agentUrl(), t, timeout());
  }

  Duration timeout() {
    return timeout;
  }

  Spool spool() {
    if (spoolDir != null) {
      return new Spool(spoolDir);
    }
    String env = System.getenv("MLPIPE_SPOOL");
    if (env != null && !env.isBlank()) {
      return new Spool(Path.of(env));
    }
    return new Spool(Path.of(System.getProperty("user.home"), ".mlpipe", "spool"));
  }

  Delivery delivery() {
    return new Delivery(client(), spool(), err());
  }

  /** Without picocli (see {@link RunArgs}): the writer picocli would have given. */
  private PrintWriter err;

  PrintWriter err() {
    if (spec != null) {
      return spec.commandLine().getErr();
    }
    if (err == null) {
      err = new PrintWriter(System.err, true);
    }
    return err;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
