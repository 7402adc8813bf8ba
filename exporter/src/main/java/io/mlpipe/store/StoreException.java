package io.mlpipe.store;

/** The store cannot start: its files are from a newer mlpipe, or unreadable. */
public class StoreException extends Exception {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
