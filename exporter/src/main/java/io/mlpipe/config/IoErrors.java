package io.mlpipe.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * File errors in words for people: NIO's exceptions carry the path and often no reason (an
 * AccessDeniedException's message is just the path, and its toString a Java class name).
 */
public final class IoErrors {

  private IoErrors() {}

  /** {@code PATH: REASON} where the exception names a file, else its message. */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException fse && fse.getFile() != null) {
      return fse.getFile() + ": " + why(e);
    }
    return why(e);
  }

  /** The reason alone, e.g. {@code No such file or directory}. */
  public static String why(IOException e) {
    if (e instanceof FileSystemException fse) {
      if (fse.getReason() != null) {
        return fse.getReason();
      }
      if (fse instanceof AccessDeniedException) {
        return "Permission denied";
      }
      if (fse instanceof NoSuchFileException) {
        return "No such file or directory";
      }
      if (fse instanceof FileAlreadyExistsException) {
        return "File exists and is not a directory";
      }
      if (fse instanceof NotDirectoryException) {
        return "Not a directory";
      }
      return fse.getClass().getSimpleName();
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
  }
}
