package io.mlpipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.junit.jupiter.api.Test;

/** The reason a start-up failure gives: NIO's exceptions often carry only the path. */
class StartupExceptionTest {

  @Test
  void namesThePathAndTheReasonOfNiosFileExceptions() {
    assertThat(StartupException.reason(new AccessDeniedException("/var/log/mlpipe")))
        .isEqualTo("/var/log/mlpipe: Permission denied");
    assertThat(StartupException.reason(new NoSuchFileException("/x")))
        .isEqualTo("/x: No such file or directory");
    assertThat(StartupException.reason(new NotDirectoryException("/f/x")))
        .isEqualTo("/f/x: Not a directory");
    assertThat(StartupException.reason(new FileAlreadyExistsException("/f")))
        .isEqualTo("/f: File exists and is not a directory");
    assertThat(StartupException.reason(new FileSystemException("/d", null, "Is a directory")))
        .isEqualTo("/d: Is a directory");
  }

  @Test
  void otherwiseTheMessageAndItsRootCause() {
    assertThat(StartupException.reason(new IOException("cannot bind"))).isEqualTo("cannot bind");
    assertThat(
            StartupException.reason(
                new IOException("Failed to bind", new IOException("Address already in use"))))
        .isEqualTo("Failed to bind: Address already in use");
  }

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
