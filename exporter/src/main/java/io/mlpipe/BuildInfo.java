package io.mlpipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Version and revision of this build, read from the filtered {@code build.properties}. */
public record BuildInfo(String version, String revision, String javaVersion) {

  private static final BuildInfo CURRENT = load();

  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo load() {
    Properties props = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("failed to read build.properties", e);
    }
    return new BuildInfo(
        orUnknown(props.getProperty("version")),
        orUnknown(props.getProperty("revision")),
        System.getProperty("java.version"));
  }

  // An unfiltered placeholder (a build outside Maven, or no git) reads as "unknown".
  private static String orUnknown(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
  }
}
