package io.mlpipe.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Sets up logging to stderr in node_exporter's formats ({@code --log.format=logfmt|json}) and
 * levels ({@code --log.level=debug|info|warn|error}). Our code and Jetty log through SLF4J, which
 * is bound to java.util.logging; this class only installs the handler and formatter.
 */
public final class Logging {

  /** Accepted values of {@code --log.level}. */
  public enum LogLevel {
    debug(Level.FINE),
    info(Level.INFO),
    warn(Level.WARNING),
    error(Level.SEVERE);

    final Level jul;

    LogLevel(Level jul) {
      this.jul = jul;
    }
  }

  /** Accepted values of {@code --log.format}. */
  public enum LogFormat {
    logfmt,
    json
  }

  // java.util.logging keeps loggers weakly: hold the one whose level we set.
  private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty");

  private Logging() {}

  public static void configure(LogLevel level, LogFormat format) {
    configure(level, format, System.err);
  }

  static void configure(LogLevel level, LogFormat format, PrintStream out) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Handler handler =
        new StreamHandler(
            out, format == LogFormat.json ? new JsonFormatter() : new LogfmtFormatter()) {
          @Override
          public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
          }
        };
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    root.setLevel(level.jul);
    // Jetty's INFO lines (versions, connector starts) repeat what the agent logs itself.
    Logger.getLogger("org.eclipse.jetty")
        .setLevel(level == LogLevel.debug ? Level.FINE : Level.WARNING);
  }

  static String levelName(Level level) {
    if (level.intValue() >= Level.SEVERE.intValue()) {
      return "error";
    }
    if (level.intValue() >= Level.WARNING.intValue()) {
      return "warn";
    }
    if (level.intValue() >= Level.INFO.intValue()) {
      return "info";
    }
    return "debug";
  }

  /**
   * The message, and the exception: at error level (something unexpected) with its stack trace,
   * which is what a bug report needs; below it, one line.
   */
  static String message(Formatter f, LogRecord r) {
    String msg = f.formatMessage(r);
    Throwable thrown = r.getThrown();
    if (thrown != null) {
      if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
        java.io.StringWriter trace = new java.io.StringWriter();
        thrown.printStackTrace(new java.io.PrintWriter(trace));
        msg = msg + ": " + trace.toString().stripTrailing();
      } else {
        msg = msg + ": " + thrown;
      }
    }
    return msg;
  }

  private static String shortLogger(String name) {
    if (name == null) {
      return "";
    }
    int dot = name.lastIndexOf('.');
    return dot >= 0 ? name.substring(dot + 1) : name;
  }

  static final class LogfmtFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      return "ts="
          + Instant.ofEpochMilli(r.getMillis())
          + " level="
          + levelName(r.getLevel())
          + " caller="
          + quote(shortLogger(r.getLoggerName()))
          + " msg="
          + quote(message(this, r))
          + "\n";
    }

    /** go-logfmt's quoting: every quote, backslash and control character escaped. */
    static String quote(String s) {
      boolean plain = !s.isEmpty();
      for (int i = 0; i < s.length() && plain; i++) {
        char c = s.charAt(i);
        plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
      }
      if (plain) {
        return s;
      }
      return quoted(s);
    }
  }

  static final class JsonFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      return "{\"ts\":\""
          + Instant.ofEpochMilli(r.getMillis())
          + "\",\"level\":\""
          + levelName(r.getLevel())
          + "\",\"caller\":"
          + quoted(shortLogger(r.getLoggerName()))
          + ",\"msg\":"
          + quoted(message(this, r))
          + "}\n";
    }
  }

  /**
   * {@code s} in double quotes with quotes, backslashes and control characters (DEL too) escaped:
   * valid both as a go-logfmt quoted value and as a JSON string.
   */
  static String quoted(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
