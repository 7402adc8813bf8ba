package io.mlpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** examples/docker-compose.yml parses, and every file or directory it mounts is in the repo. */
class DockerComposeTest {

  private static final Path ROOT =
      Path.of(System.getProperty("mlpipe.root", "..")).toAbsolutePath().normalize();

  @Test
  @SuppressWarnings("unchecked")
  void everyMountedPathExists() throws Exception {
    Path compose = ROOT.resolve("examples/docker-compose.yml");
    Map<String, Object> doc =
        new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(compose));
    Map<String, Object> services = (Map<String, Object>) doc.get("services");
    assertThat(services).containsKeys("agent", "prometheus", "alertmanager", "grafana");
    List<Path> mounted = new ArrayList<>();
    for (Map.Entry<String, Object> s : services.entrySet()) {
      Map<String, Object> svc = (Map<String, Object>) s.getValue();
      for (Object v : (List<Object>) svc.getOrDefault("volumes", List.of())) {
        String source = v.toString().split(":")[0];
        assertThat(source).as(s.getKey() + " mounts " + v).startsWith(".");
        Path p = compose.getParent().resolve(source).normalize();
        assertThat(p).as(s.getKey() + " mounts " + v).exists();
        mounted.add(p);
      }
    }
    assertThat(mounted)
        .contains(
            ROOT.resolve("rules"),
            ROOT.resolve("examples/alertmanager.yml"),
            ROOT.resolve("examples/grafana/provisioning"));
    Path datasources = ROOT.resolve("examples/grafana/provisioning/datasources/prometheus.yml");
    Map<String, Object> ds =
        new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(datasources));
    assertThat(ds.get("datasources").toString()).contains("http://prometheus:9090");
    assertThat(Files.readString(ROOT.resolve("examples/compose/prometheus.yml")))
        .contains("agent:9478", "alertmanager:9093", "/etc/prometheus/rules/*.yml");
  }
}
