package io.mlpipe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.junit.jupiter.api.Test;

/** File errors in words: NIO's exceptions often carry only the path. */
class IoErrorsTest {

  @Test
  void namesThePathAndTheReasonOfNiosFileExceptions() {
    assertThat(IoErrors.describe(new AccessDeniedException("/var/log/mlpipe")))
        .isEqualTo("/var/log/mlpipe: Permission denied");
    assertThat(IoErrors.describe(new NoSuchFileException("/x")))
        .isEqualTo("/x: No such file or directory");
    assertThat(IoErrors.describe(new NotDirectoryException("/f/x")))
        .isEqualTo("/f/x: Not a directory");
    assertThat(IoErrors.describe(new FileAlreadyExistsException("/f")))
        .isEqualTo("/f: File exists and is not a directory");
    assertThat(IoErrors.describe(new FileSystemException("/d", null, "Is a directory")))
        .isEqualTo("/d: Is a directory");
  }

  @Test
  void otherwiseTheMessageAndItsRootCause() {
    assertThat(IoErrors.describe(new IOException("cannot bind"))).isEqualTo("cannot bind");
    assertThat(
            IoErrors.describe(
                new IOException("Failed to bind", new IOException("Address already in use"))))
        .isEqualTo("Failed to bind: Address already in use");
  }

  @Test
  void whyAloneLeavesThePathOut() {
    assertThat(IoErrors.why(new NoSuchFileException("/x"))).isEqualTo("No such file or directory");
  }
}
