package io.mlpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LoggingTest {

  @Test
  void logfmtEscapesEveryControlCharacterAndQuote() {
    assertThat(Logging.LogfmtFormatter.quote("plain")).isEqualTo("plain");
    assertThat(Logging.LogfmtFormatter.quote("a \"b\"\r\n\tc\u0000\u001b[31m\u007f\\"))
        .isEqualTo("\"a \\\"b\\\"\\r\\n\\tc\\u0000\\u001b[31m\\u007f\\\\\"");
  }

  @Test
  void anErrorKeepsItsStackTraceAWarningOneLine() {
    RuntimeException boom = new IllegalStateException("boom");
    LogRecord error = new LogRecord(Level.SEVERE, "unexpected");
    error.setThrown(boom);
    LogRecord warn = new LogRecord(Level.WARNING, "expected");
    warn.setThrown(boom);
    Logging.LogfmtFormatter f = new Logging.LogfmtFormatter();
    assertThat(f.format(error))
        .contains(
            "msg=\"unexpected: java.lang.IllegalStateException: boom\\n\\tat io.mlpipe.cli.LoggingTest")
        .endsWith("\"\n")
        .hasLineCount(1);
    assertThat(f.format(warn))
        .contains("msg=\"expected: java.lang.IllegalStateException: boom\"")
        .doesNotContain("\\tat ");
  }

  @Test
  void oneRecordIsOneLineEvenWithAHostileMessage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Logging.configure(
        Logging.LogLevel.info,
        Logging.LogFormat.logfmt,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      java.util.logging.Logger.getLogger("io.mlpipe.x").info("forged\rts=0 level=error msg=x");
    } finally {
      Logging.configure(Logging.LogLevel.info, Logging.LogFormat.logfmt);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).hasLineCount(1).doesNotContain("\r");
  }
}
