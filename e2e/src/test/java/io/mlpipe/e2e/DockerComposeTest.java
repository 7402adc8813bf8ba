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
            ROOT.resolve("examples/alertmanager.tmpl"),
            ROOT.resolve("examples/grafana/provisioning"));
    Path datasources = ROOT.resolve("examples/grafana/provisioning/datasources/prometheus.yml");
    Map<String, Object> ds =
        new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(datasources));
    assertThat(ds.get("datasources").toString()).contains("http://prometheus:9090");
    grafanaProvisionsTheGeneratedDashboards((Map<String, Object>) services.get("grafana"));
    assertThat(Files.readString(ROOT.resolve("examples/compose/prometheus.yml")))
        .contains("agent:9478", "alertmanager:9093", "/etc/prometheus/rules/*.yml");
  }

  /**
   * The dashboard provider reads the directory where compose mounts each of the seven generated
   * dashboards/mlpipe-*.json (one by one: dashboards/ also holds package.json and node_modules).
   */
  @SuppressWarnings("unchecked")
  private static void grafanaProvisionsTheGeneratedDashboards(Map<String, Object> grafana)
      throws Exception {
    Map<String, Object> provider =
        ((List<Map<String, Object>>)
                new Yaml(new SafeConstructor(new LoaderOptions()))
                    .<Map<String, Object>>load(
                        Files.readString(
                            ROOT.resolve("examples/grafana/provisioning/dashboards/mlpipe.yml")))
                    .get("providers"))
            .get(0);
    String path = ((Map<String, Object>) provider.get("options")).get("path").toString();
    List<String> dashboards;
    try (var files = Files.list(ROOT.resolve("dashboards"))) {
      dashboards =
          files
              .map(f -> f.getFileName().toString())
              .filter(f -> f.matches("mlpipe-.*\\.json"))
              .sorted()
              .toList();
    }
    assertThat(dashboards).hasSize(7);
    assertThat((List<Object>) grafana.get("volumes"))
        .map(Object::toString)
        .containsAll(
            dashboards.stream()
                .map(f -> "../dashboards/" + f + ":" + path + "/" + f + ":ro")
                .toList());
  }
}
