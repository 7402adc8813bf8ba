package io.mlpipe.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the real binaries tests run against. A missing one fails the test loudly with the Debian
 * package that provides it: tests never skip because a tool is absent.
 */
public final class Binaries {

  private static final Map<String, String> PACKAGES =
      Map.of(
          "prometheus", "prometheus",
          "promtool", "prometheus",
          "prometheus-alertmanager", "prometheus-alertmanager",
          "amtool", "prometheus-alertmanager",
          "prometheus-pushgateway", "prometheus-pushgateway",
          "prometheus-node-exporter", "prometheus-node-exporter",
          "chromium", "chromium",
          "python3", "python3-prometheus-client");

  private Binaries() {}

  /** The absolute path of {@code name} on PATH (or /usr/bin, /usr/sbin), or an AssertionError. */
  public static Path require(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin:/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        name
            + " is not installed; scripts/test.sh installs it (Debian package "
            + PACKAGES.getOrDefault(name, name)
            + ")");
  }
}
