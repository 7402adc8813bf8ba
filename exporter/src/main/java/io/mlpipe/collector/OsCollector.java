package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * node_exporter's {@code os} collector: {@code node_os_info} and {@code node_os_version} from
 * /etc/os-release (else /usr/lib/os-release) under rootfs. No file: no series, no error.
 */
final class OsCollector implements Collector {

  static final String INFO = "node_os_info";
  static final String VERSION = "node_os_version";

  private static final Pattern MAJOR_MINOR = Pattern.compile("^[0-9]+\\.?[0-9]*");

  private final List<Path> files;

  OsCollector(HostPaths paths) {
    this.files = List.of(paths.root("/etc/os-release"), paths.root("/usr/lib/os-release"));
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    Path file = files.stream().filter(ProcFiles::isRegularFile).findFirst().orElse(null);
    if (file == null) {
      return out.snapshots();
    }
    Map<String, String> env = parse(ProcFiles.lines(file));
    out.add(
            Family.info(
                INFO,
                "A metric with a constant '1' value labeled by build_id, id, id_like, image_id,"
                    + " image_version, name, pretty_name, variant, variant_id, version,"
                    + " version_codename, version_id.",
                "build_id",
                "id",
                "id_like",
                "image_id",
                "image_version",
                "name",
                "pretty_name",
                "variant",
                "variant_id",
                "version",
                "version_codename",
                "version_id"))
        .add(
            1,
            env.getOrDefault("BUILD_ID", ""),
            env.getOrDefault("ID", ""),
            env.getOrDefault("ID_LIKE", ""),
            env.getOrDefault("IMAGE_ID", ""),
            env.getOrDefault("IMAGE_VERSION", ""),
            env.getOrDefault("NAME", ""),
            env.getOrDefault("PRETTY_NAME", ""),
            env.getOrDefault("VARIANT", ""),
            env.getOrDefault("VARIANT_ID", ""),
            env.getOrDefault("VERSION", ""),
            env.getOrDefault("VERSION_CODENAME", ""),
            env.getOrDefault("VERSION_ID", ""));
    Matcher m = MAJOR_MINOR.matcher(env.getOrDefault("VERSION_ID", ""));
    if (m.find() && Double.parseDouble(m.group()) > 0) {
      out.add(
              Family.gauge(
                  VERSION,
                  "Metric containing the major.minor part of the OS version.",
                  "id",
                  "id_like",
                  "name"))
          .add(
              Double.parseDouble(m.group()),
              env.getOrDefault("ID", ""),
              env.getOrDefault("ID_LIKE", ""),
              env.getOrDefault("NAME", ""));
    }
    return out.snapshots();
  }

  /** os-release(5): KEY=value lines, values optionally in single or double quotes. */
  static Map<String, String> parse(List<String> lines) {
    Map<String, String> env = new HashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      int eq = line.indexOf('=');
      if (line.startsWith("#") || eq <= 0) {
        continue;
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2
          && (value.charAt(0) == '"' || value.charAt(0) == '\'')
          && value.charAt(value.length() - 1) == value.charAt(0)) {
        value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      env.put(line.substring(0, eq).strip(), value);
    }
    return env;
  }
}
