package io.mlpipe.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.Map;

/**
 * Parses rendered objects into fabric8's Kubernetes and Prometheus Operator models, refusing any
 * field the model does not know. fabric8 models keep unknown fields in an {@code
 * additionalProperties} map (a Jackson any-setter), which would accept {@code hostNetwok: true}
 * silently; here the any-setter is removed, so Jackson fails on the first unknown field with its
 * name and path.
 */
final class StrictManifests {

  private static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.of(
          "apps/v1 DaemonSet", DaemonSet.class,
          "batch/v1 CronJob", CronJob.class,
          "v1 Service", Service.class,
          "v1 ConfigMap", ConfigMap.class,
          "v1 Secret", Secret.class,
          "v1 ServiceAccount", ServiceAccount.class,
          "networking.k8s.io/v1 NetworkPolicy", NetworkPolicy.class,
          "monitoring.coreos.com/v1 ServiceMonitor", ServiceMonitor.class,
          "monitoring.coreos.com/v1 PodMonitor", PodMonitor.class,
          "monitoring.coreos.com/v1 PrometheusRule", PrometheusRule.class);

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // hostNetwork: "true" is refused by the API server; Jackson would coerce it.
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .addModule(
              new SimpleModule("no-additional-properties")
                  .setDeserializerModifier(
                      new BeanDeserializerModifier() {
                        @Override
                        public BeanDeserializerBuilder updateBuilder(
                            DeserializationConfig config,
                            BeanDescription description,
                            BeanDeserializerBuilder builder) {
                          builder.setAnySetter(null);
                          return builder;
                        }
                      }))
          .build();

  private StrictManifests() {}

  /** The object as its model class; an unknown apiVersion/kind or field is an AssertionError. */
  static HasMetadata parse(JsonNode object) {
    String key = object.path("apiVersion").asText() + " " + object.path("kind").asText();
    Class<? extends HasMetadata> type = TYPES.get(key);
    if (type == null) {
      throw new AssertionError("no model for " + key + " (known: " + TYPES.keySet() + ")");
    }
    try {
      return STRICT.treeToValue(object, type);
    } catch (JsonMappingException e) {
      throw new AssertionError(
          key
              + " "
              + object.at("/metadata/name").asText()
              + ": "
              + e.getOriginalMessage()
              + " at "
              + e.getPathReference(),
          e);
    } catch (JsonProcessingException e) {
      throw new AssertionError(key + ": " + e.getOriginalMessage(), e);
    }
  }
}
