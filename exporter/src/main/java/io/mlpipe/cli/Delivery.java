package io.mlpipe.cli;

import io.mlpipe.client.AgentClient;
import io.mlpipe.event.Event;
import io.mlpipe.event.EventJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Sends events to the agent without ever failing the caller: what is spooled goes first (so the
 * agent sees events in order), and what cannot be sent now is spooled, with one warning line.
 */
final class Delivery {

  /** What a flush did: events sent, files refused, and whether anything is still waiting. */
  record Flushed(int events, int files, int rejected, boolean complete, String reason) {}

  private final AgentClient client;
  private final Spool spool;
  private final PrintWriter err;
  private boolean warned;

  Delivery(AgentClient client, Spool spool, PrintWriter err) {
    this.client = client;
    this.spool = spool;
    this.err = err;
  }

  AgentClient client() {
    return client;
  }

  Spool spool() {
    return spool;
  }

  /**
   * Sends {@code events} after whatever is spooled. ACCEPTED: the agent has them; REFUSED: the
   * agent said why not (see {@link AgentClient.Reply#errors()}); UNREACHABLE: they were spooled.
   */
  synchronized AgentClient.Reply deliver(List<Event> events) {
    return deliver(events, true);
  }

  /**
   * As {@link #deliver(List)}; with {@code spoolable} false (heartbeats: a sign of life delivered
   * late means nothing) events the agent cannot take now are dropped instead of spooled.
   */
  synchronized AgentClient.Reply deliver(List<Event> events, boolean spoolable) {
    byte[] body = EventJson.ndjson(events);
    if (!spool.pending().isEmpty()) {
      Flushed f = flush();
      if (!f.complete()) {
        if (spoolable) {
          spoolIt(body, f.reason());
        }
        return new AgentClient.Reply(AgentClient.Outcome.UNREACHABLE, 0, f.reason());
      }
    }
    AgentClient.Reply r = client.postEvents(body);
    if (r.outcome() == AgentClient.Outcome.UNREACHABLE && spoolable) {
      spoolIt(body, r.status() > 0 ? "HTTP " + r.status() : r.body());
    }
    return r;
  }

  /** Sends the spooled files in order; stops at the first one the agent cannot take now. */
  synchronized Flushed flush() {
    int events = 0;
    int files = 0;
    int rejected = 0;
    FileLock lock;
    try {
      lock = spool.lock();
    } catch (IOException e) {
      return new Flushed(0, 0, 0, false, "cannot lock the spool " + spool.dir() + ": " + e);
    }
    try {
      for (Path file : spool.pending()) {
        byte[] body;
        try {
          body = Files.readAllBytes(file);
        } catch (IOException e) {
          continue; // sent and deleted by another process meanwhile
        }
        int n =
            (int)
                new String(body, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
        if (n == 0) {
          Files.deleteIfExists(file);
          continue;
        }
        AgentClient.Reply r = client.postEvents(body);
        switch (r.outcome()) {
          case ACCEPTED -> {
            Files.deleteIfExists(file);
            events += n;
            files++;
          }
          case REFUSED -> {
            Path moved = spool.reject(file);
            rejected++;
            err.println(
                "mlpipe: warning: the agent refused spooled events, moved to "
                    + moved
                    + ": "
                    + String.join("; ", r.errors()));
            err.flush();
          }
          case UNREACHABLE -> {
            return new Flushed(
                events, files, rejected, false, r.status() > 0 ? "HTTP " + r.status() : r.body());
          }
        }
      }
      return new Flushed(events, files, rejected, true, "");
    } catch (IOException e) {
      return new Flushed(events, files, rejected, false, e.toString());
    } finally {
      try {
        lock.channel().close();
      } catch (IOException e) {
        // the lock goes with the process anyway
      }
    }
  }

  private void spoolIt(byte[] body, String reason) {
    String what;
    try {
      spool.append(body);
      what = "; events spooled in " + spool.dir() + " for the next mlpipe run, push or flush";
    } catch (IOException e) {
      what =
          " and the spool "
              + spool.dir()
              + " is not writable ("
              + e.getMessage()
              + "): events lost";
    }
    if (!warned) {
      warned = true;
      err.println(
          "mlpipe: warning: agent " + client.url() + " unreachable (" + reason + ")" + what);
    }
    err.flush();
  }
}
