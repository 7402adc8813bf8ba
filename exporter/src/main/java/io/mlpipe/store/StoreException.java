package io.mlpipe.store;

import java.nio.file.Path;

/** The store cannot start: its files are from a newer mlpipe, or unreadable. */
public class StoreException extends Exception {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code file}, in the store directory {@code dir}, has a format {@code version} newer than this
   * mlpipe reads ({@code format}: "WAL", "snapshot").
   */
  static StoreException newerFormat(
      Path file, String format, int version, int readsUpTo, Path dir) {
    return new StoreException(
        file
            + " was written by a newer mlpipe ("
            + format
            + " format version "
            + version
            + ", this one reads up to "
            + readsUpTo
            + "); upgrade mlpipe or move "
            + dir
            + " away");
  }
}
