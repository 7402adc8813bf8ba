package io.mlpipe.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The committed dashboards: {@code dashboards/mlpipe-*.json}. */
final class Dashboards {

  static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();
  static final Path DIR = ROOT.resolve("dashboards");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Dashboards() {}

  /** {@code mlpipe-*.json} in {@code dir}, sorted by name. */
  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("mlpipe-.*\\.json"))
          .sorted()
          .toList();
    }
  }

  static List<JsonNode> load() {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (Path f : files(DIR)) {
        out.add(JSON.readTree(f.toFile()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
