package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlpipe.Agent;
import io.mlpipe.testing.Http;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code demo} shuts down through serve's {@link ShutdownHook}: registered before its agent starts,
 * a SIGTERM that comes while the agent starts still closes the demo, the agent and the temporary
 * directory once started; {@code --duration} running out closes them the same way.
 */
class DemoShutdownTest {

  @TempDir Path dir;

  private final CommandLine cli = Main.commandLine();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicReference<Thread> hook = new AtomicReference<>();
  private final AtomicReference<Agent> agent = new AtomicReference<>();

  private DemoCommand demo(boolean signalDuringStart) {
    // The parent's writers too: its first getOut() would otherwise set System.out on every
    // subcommand.
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    CommandLine sub = cli.getSubcommands().get("demo");
    sub.setOut(new PrintWriter(out, true));
    sub.setErr(new PrintWriter(err, true));
    DemoCommand demo = sub.getCommand();
    demo.addShutdownHook =
        t -> {
          events.add("hook registered");
          hook.set(t);
        };
    demo.starter =
        options -> {
          events.add("agent starting");
          Thread h = hook.get();
          if (h == null) {
            throw new AssertionError("the shutdown hook is not registered yet");
          }
          if (signalDuringStart) {
            h.start(); // SIGTERM while the agent starts
          }
          Agent a = Agent.start(options);
          agent.set(a);
          events.add("agent started, ready " + a.isReady());
          return a;
        };
    return demo;
  }

  @Test
  void aSigtermDuringStartUpClosesTheDemoAndItsAgentOnceStarted() throws Exception {
    demo(true);

    int code =
        cli.execute(
            "demo", "--web.listen-address=127.0.0.1:0", "--storage.path=" + dir.resolve("data"));

    assertThat(code).as(err.toString()).isZero();
    assertThat(events)
        .containsExactly("hook registered", "agent starting", "agent started, ready true");
    hook.get().join(10_000);
    assertThat(hook.get().isAlive()).isFalse();
    assertClosed();
  }

  @Test
  void theDurationRunningOutClosesTheDemoAndItsAgent() throws Exception {
    demo(false);

    int code =
        cli.execute(
            "demo",
            "--web.listen-address=127.0.0.1:0",
            "--storage.path=" + dir.resolve("data"),
            "--duration=1s");

    assertThat(code).as(err.toString()).isZero();
    assertThat(events)
        .containsExactly("hook registered", "agent starting", "agent started, ready true");
    assertThat(hook.get().isAlive()).as("closed on the command's thread").isFalse();
    assertClosed();
  }

  /** Closed by the hook: not ready, its port no longer answers, its temporary directory gone. */
  private void assertClosed() {
    assertThat(agent.get().isReady()).isFalse();
    assertThat(Http.isOk("http://127.0.0.1:" + agent.get().port() + "/-/healthy")).isFalse();
    Matcher config = Pattern.compile("\\(config (\\S+)\\)").matcher(out.toString());
    assertThat(config.find()).as(out.toString()).isTrue();
    assertThat(Files.exists(Path.of(config.group(1)).getParent())).isFalse();
  }
}
