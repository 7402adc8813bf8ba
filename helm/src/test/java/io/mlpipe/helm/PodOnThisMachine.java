package io.mlpipe.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rendered DaemonSet's agent container, laid out on this machine: each volume mount becomes a
 * directory under {@code root} (ConfigMaps and Secrets written from the rendered objects, emptyDir
 * and the WAL's hostPath empty), except the host's /proc, /sys and /, which map to this machine's;
 * the container's args have their paths and listen address rewritten accordingly.
 *
 * <p>Relative paths inside the files (the config's {@code auth.tokens_file}, the web config's
 * certificate files) work unchanged, since the mounts keep their relative places under root.
 */
final class PodOnThisMachine {

  private static final List<String> HOST_PATHS = List.of("/proc", "/sys", "/");

  final JsonNode container;
  final Path root;

  /** Container mount path to the directory here, longest first. */
  final Map<String, Path> mounts =
      new TreeMap<>(
          Comparator.comparingInt(String::length)
              .reversed()
              .thenComparing(Comparator.naturalOrder()));

  /**
   * @param external Secrets the chart mounts but does not render (existing Secret, TLS Secret): by
   *     name, file name to content
   */
  PodOnThisMachine(String rendered, Path root, Map<String, Map<String, String>> external) {
    this.root = root;
    JsonNode ds = Chart.one(rendered, "DaemonSet");
    this.container = ChartRenderTest.container(ds);
    Map<String, JsonNode> volumes = ChartRenderTest.byName(ds.at("/spec/template/spec/volumes"));
    for (JsonNode mount : container.at("/volumeMounts")) {
      String path = mount.at("/mountPath").asText();
      JsonNode volume = volumes.get(mount.at("/name").asText());
      if (volume == null) {
        throw new AssertionError("volumeMount " + mount + " names no volume");
      }
      mounts.put(path, place(rendered, path, volume, external));
    }
  }

  private Path place(
      String rendered,
      String mountPath,
      JsonNode volume,
      Map<String, Map<String, String>> external) {
    Path here = root.resolve(mountPath.substring(1));
    try {
      Files.createDirectories(here);
      if (volume.has("hostPath")) {
        String hostPath = volume.at("/hostPath/path").asText();
        return HOST_PATHS.contains(hostPath) ? Path.of(hostPath) : here;
      } else if (volume.has("emptyDir")) {
        return here;
      } else if (volume.has("configMap")) {
        String name = volume.at("/configMap/name").asText();
        write(here, data(named(rendered, "ConfigMap", name), false), "ConfigMap " + name);
      } else if (volume.has("secret")) {
        String name = volume.at("/secret/secretName").asText();
        JsonNode secret = named(rendered, "Secret", name);
        Map<String, String> files = secret != null ? data(secret, true) : external.get(name);
        write(here, files, "Secret " + name);
      } else {
        throw new AssertionError("volume kind not handled: " + volume);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return here;
  }

  private static JsonNode named(String rendered, String kind, String name) {
    return Chart.objects(rendered, kind).stream()
        .filter(o -> o.at("/metadata/name").asText().equals(name))
        .findFirst()
        .orElse(null);
  }

  private static Map<String, String> data(JsonNode object, boolean secret) {
    if (object == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    object
        .at("/data")
        .properties()
        .forEach(
            e ->
                out.put(
                    e.getKey(),
                    secret
                        ? new String(
                            Base64.getDecoder().decode(e.getValue().asText()),
                            StandardCharsets.UTF_8)
                        : e.getValue().asText()));
    object.at("/stringData").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static void write(Path dir, Map<String, String> files, String what) throws IOException {
    if (files == null) {
      throw new AssertionError(what + " is mounted but neither rendered nor given by the test");
    }
    for (var f : files.entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
  }

  /** Where a container path is on this machine. */
  Path local(String containerPath) {
    for (var m : mounts.entrySet()) {
      String mount = m.getKey();
      if (containerPath.equals(mount)) {
        return m.getValue();
      }
      String prefix = mount.endsWith("/") ? mount : mount + "/";
      if (containerPath.startsWith(prefix)) {
        return m.getValue().resolve(containerPath.substring(prefix.length()));
      }
    }
    throw new AssertionError(containerPath + " is in no volume mount of " + mounts.keySet());
  }

  /**
   * The container's args with every absolute path value moved here and the listen address set to
   * 127.0.0.1:{@code port} (the chart's must be the container port).
   */
  List<String> args(int port) {
    List<String> out = new ArrayList<>();
    int containerPort = container.at("/ports/0/containerPort").asInt();
    for (JsonNode a : container.at("/args")) {
      String arg = a.asText();
      int eq = arg.indexOf('=');
      String flag = eq < 0 ? arg : arg.substring(0, eq);
      String value = eq < 0 ? null : arg.substring(eq + 1);
      if (flag.equals("--web.listen-address")) {
        if (!value.equals(":" + containerPort)) {
          throw new AssertionError(arg + " does not listen on the container port " + containerPort);
        }
        out.add(flag + "=127.0.0.1:" + port);
      } else if (value != null && value.startsWith("/")) {
        out.add(flag + "=" + local(value));
      } else {
        out.add(arg);
      }
    }
    return out;
  }

  /** The container's env (plain values; valueFrom is not used by the chart). */
  Map<String, String> env() {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode e : container.at("/env")) {
      if (!e.has("value")) {
        throw new AssertionError("env without a plain value: " + e);
      }
      out.put(e.at("/name").asText(), e.at("/value").asText());
    }
    return out;
  }

  /** The value of {@code --flag=} in the container's args, mapped here; null when absent. */
  Path argPath(String flag) {
    for (JsonNode a : container.at("/args")) {
      if (a.asText().startsWith(flag + "=")) {
        return local(a.asText().substring(flag.length() + 1));
      }
    }
    return null;
  }
}
