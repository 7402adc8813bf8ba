package io.mlpipe;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The agent could not start because of its surroundings (a path it cannot write, a port in use),
 * not because of a bug: the CLI prints the message, naming the setting, and exits 1 without a stack
 * trace.
 */
public final class StartupException extends Exception {

  /** What could not be opened; the CLI names its flag. */
  public enum Part {
    LISTEN_ADDRESS,
    STORAGE,
    AUDIT_LOG
  }

  private final Part part;
  private final String value;

  public StartupException(Part part, String value, String what, IOException cause) {
    super(what + ": " + reason(cause), cause);
    this.part = part;
    this.value = value;
  }

  public Part part() {
    return part;
  }

  /** The setting's value, e.g. the path. */
  public String value() {
    return value;
  }

  /**
   * The cause in words: NIO's file exceptions carry the path and often no reason (an
   * AccessDeniedException's message is just the path).
   */
  static String reason(IOException e) {
    if (e instanceof FileSystemException fse) {
      String why = fse.getReason();
      if (why == null) {
        why =
            fse instanceof AccessDeniedException
                ? "Permission denied"
                : fse instanceof NoSuchFileException
                    ? "No such file or directory"
                    : fse instanceof FileAlreadyExistsException
                        ? "File exists and is not a directory"
                        : fse instanceof NotDirectoryException
                            ? "Not a directory"
                            : fse.getClass().getSimpleName();
      }
      return fse.getFile() + ": " + why;
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
  }
}
