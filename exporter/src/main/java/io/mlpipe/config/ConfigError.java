package io.mlpipe.config;

/**
 * One problem in a configuration file, located by line and column (1-based) and by the key path.
 */
public record ConfigError(String file, int line, int column, String path, String message) {

  @Override
  public String toString() {
    String where = line > 0 ? file + ":" + line + ":" + column : file;
    return path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
  }
}
