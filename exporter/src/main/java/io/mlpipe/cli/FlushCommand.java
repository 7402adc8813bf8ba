package io.mlpipe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mlpipe flush}: sends the spooled events; exit 1 while some still wait. */
@Command(
    name = "flush",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Send the events spooled while the agent was unreachable.",
      "Exit status: 0 when the spool is empty afterwards, 1 when events still wait."
    })
final class FlushCommand implements Callable<Integer> {

  @Mixin AgentConnection agent;

  @Override
  public Integer call() {
    Delivery d = agent.delivery();
    Delivery.Flushed f = d.flush();
    int waiting = d.spool().pending().size();
    agent
        .out()
        .printf(
            "sent %d events from %d spooled files to %s; %d files refused (in %s); %d files"
                + " waiting%n",
            f.events(),
            f.files(),
            d.client().url(),
            f.rejected(),
            d.spool().rejectedDir(),
            waiting);
    agent.out().flush();
    if (!f.complete()) {
      agent.err().println("mlpipe: agent " + d.client().url() + " unreachable: " + f.reason());
      agent.err().flush();
    }
    return waiting == 0 ? 0 : 1;
  }
}
