package io.mlpipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

/** A start-up failure names what could not be done, and why ({@link io.mlpipe.config.IoErrors}). */
class StartupExceptionTest {

  @Test
  void theMessageSaysWhatCouldNotBeDoneAndWhy() {
    StartupException e =
        new StartupException(
            StartupException.Part.AUDIT_LOG,
            "/var/log/mlpipe/audit.log",
            "cannot open the audit log",
            new AccessDeniedException("/var/log/mlpipe"));
    assertThat(e.getMessage())
        .isEqualTo("cannot open the audit log: /var/log/mlpipe: Permission denied");
    assertThat(e.part()).isEqualTo(StartupException.Part.AUDIT_LOG);
    assertThat(e.value()).isEqualTo("/var/log/mlpipe/audit.log");
  }
}
