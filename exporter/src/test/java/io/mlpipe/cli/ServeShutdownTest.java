package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.Agent;
import io.mlpipe.testing.Http;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve} registers its shutdown hook before the agent starts, and a SIGTERM that comes while
 * the agent starts still closes it once started: the hook runs (as the JVM runs it on SIGTERM) from
 * inside the start, and serve returns 0 with the agent closed.
 */
class ServeShutdownTest {

  @TempDir Path dir;

  @Test
  void aSigtermDuringStartUpClosesTheAgentOnceStarted() throws Exception {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.getSubcommands().get("serve").setErr(new PrintWriter(err, true));
    ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
    List<String> events = new CopyOnWriteArrayList<>();
    AtomicReference<Thread> hook = new AtomicReference<>();
    AtomicReference<Agent> agent = new AtomicReference<>();
    serve.addShutdownHook =
        t -> {
          events.add("hook registered");
          hook.set(t);
        };
    serve.starter =
        options -> {
          events.add("agent starting");
          Thread h = hook.get();
          if (h == null) {
            throw new AssertionError("the shutdown hook is not registered yet");
          }
          h.start(); // SIGTERM while the agent starts
          Agent a = Agent.start(options);
          agent.set(a);
          events.add("agent started, ready " + a.isReady());
          return a;
        };

    int code =
        cli.execute(
            "serve",
            "--web.listen-address=127.0.0.1:0",
            "--storage.path=" + dir.resolve("data"),
            "--no-collector.gpu",
            "--no-collector.filesystem");

    assertThat(code).as(err.toString()).isZero();
    assertThat(events)
        .containsExactly("hook registered", "agent starting", "agent started, ready true");
    hook.get().join(10_000);
    assertThat(hook.get().isAlive()).isFalse();
    // Closed by the hook: not ready, and its port no longer answers.
    assertThat(agent.get().isReady()).isFalse();
    assertThat(Http.isOk("http://127.0.0.1:" + agent.get().port() + "/-/healthy")).isFalse();
  }
}
