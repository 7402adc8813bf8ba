package io.mlpipe.config;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current configuration, swapped atomically on reload. A reload that fails validation keeps the
 * old configuration; readers always see one whole configuration.
 */
public final class ConfigHolder {

  private final Path file; // null when running on defaults
  private final AtomicReference<Config> current;

  public ConfigHolder(Path file, Config initial) {
    this.file = file;
    this.current = new AtomicReference<>(initial);
  }

  /** Loads {@code file} (or defaults when null); fails fast on any problem. */
  public static ConfigHolder load(Path file) throws ConfigException {
    return new ConfigHolder(file, file == null ? Config.defaults() : ConfigLoader.load(file));
  }

  public Config get() {
    return current.get();
  }

  public Path file() {
    return file;
  }

  /** Re-reads the file; on success swaps it in, else keeps the old one. */
  public synchronized Config reload() throws ConfigException {
    Config next = file == null ? Config.defaults() : ConfigLoader.load(file);
    current.set(next);
    return next;
  }
}
