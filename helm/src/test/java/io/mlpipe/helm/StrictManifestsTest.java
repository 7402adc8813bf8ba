package io.mlpipe.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rendered object is a valid Kubernetes or Prometheus Operator object, field by field. */
class StrictManifestsTest {

  static List<String> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void everyRenderedObjectParsesStrictly(String set) {
    List<JsonNode> objects = Chart.objects(Chart.template(set));
    assertThat(objects).isNotEmpty();
    for (JsonNode object : objects) {
      HasMetadata parsed = StrictManifests.parse(object);
      assertThat(parsed.getMetadata().getName()).isNotBlank();
      assertThat(parsed.getMetadata().getName().length()).isLessThanOrEqualTo(63);
    }
  }

  @Test
  void typedDaemonSetCarriesTheSecurityContext() {
    DaemonSet ds =
        (DaemonSet) StrictManifests.parse(Chart.one(Chart.template("default"), "DaemonSet"));
    var container = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(ds.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser())
        .isEqualTo(65534L);
  }

  @Test
  void aMisspeltDaemonSetFieldIsRefused() {
    ObjectNode ds = (ObjectNode) Chart.one(Chart.template("default"), "DaemonSet");
    ((ObjectNode) ds.at("/spec/template/spec")).put("hostNetwok", true);
    assertThatThrownBy(() -> StrictManifests.parse(ds))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("hostNetwok");
  }

  @Test
  void aMisspeltContainerFieldIsRefused() {
    ObjectNode ds = (ObjectNode) Chart.one(Chart.template("default"), "DaemonSet");
    ((ObjectNode) ds.at("/spec/template/spec/containers/0")).putArray("arg").add("--x");
    assertThatThrownBy(() -> StrictManifests.parse(ds)).hasMessageContaining("\"arg\"");
  }

  @Test
  void aMisspeltServiceMonitorFieldIsRefused() {
    ObjectNode sm = (ObjectNode) Chart.one(Chart.template("operator"), "ServiceMonitor");
    assertThat(StrictManifests.parse(sm)).isInstanceOf(ServiceMonitor.class);
    ((ObjectNode) sm.at("/spec/endpoints/0")).putArray("relabellings");
    assertThatThrownBy(() -> StrictManifests.parse(sm)).hasMessageContaining("relabellings");
  }

  @Test
  void aWrongTypeIsRefused() {
    ObjectNode ds = (ObjectNode) Chart.one(Chart.template("default"), "DaemonSet");
    ((ObjectNode) ds.at("/spec/template/spec")).putObject("hostPID").put("on", true);
    assertThatThrownBy(() -> StrictManifests.parse(ds)).hasMessageContaining("hostPID");
  }

  @Test
  void aStringForABooleanIsRefused() {
    ObjectNode ds = (ObjectNode) Chart.one(Chart.template("default"), "DaemonSet");
    ((ObjectNode) ds.at("/spec/template/spec")).put("hostNetwork", "true");
    assertThatThrownBy(() -> StrictManifests.parse(ds)).hasMessageContaining("hostNetwork");
  }

  @Test
  void anUnknownKindIsRefused() {
    ObjectNode cm = (ObjectNode) Chart.one(Chart.template("default"), "ConfigMap");
    cm.put("kind", "ConfigMapp");
    assertThatThrownBy(() -> StrictManifests.parse(cm))
        .hasMessageContaining("no model for v1 ConfigMapp");
  }
}
