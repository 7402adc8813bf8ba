package io.mlpipe.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image tarball Jib built in this build ({@code helm/target/image/mlpipe.tar}, {@code docker
 * load}-able): its config runs the agent jar as user 65534 on port 9478 with OCI labels, and its
 * layers hold that jar and the Java runtime the entrypoint names.
 */
class ImageTarballTest {

  private static final Path TAR =
      Path.of(System.getProperty("mlpipe.image.tar", "target/image/mlpipe.tar"));
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode config;
  private static List<String> layers;

  @BeforeAll
  static void read() throws IOException {
    assertThat(TAR).as("built by jib:buildTar in process-test-classes").isRegularFile();
    Map<String, byte[]> files = entries(Files.newInputStream(TAR));
    JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
    config = JSON.readTree(files.get(manifest.at("/Config").asText())).at("/config");
    layers = new java.util.ArrayList<>();
    manifest.at("/Layers").forEach(l -> layers.add(l.asText()));
    layerFiles = new LinkedHashMap<>();
    for (String layer : layers) {
      try (InputStream in =
          new GZIPInputStream(new java.io.ByteArrayInputStream(files.get(layer)))) {
        layerFiles.putAll(headers(in));
      }
    }
  }

  /** Path in the image to its tar header (mode, size), over all layers. */
  private static Map<String, Header> layerFiles;

  @Test
  void entrypointRunsTheAgentJarWithTheImagesJava() {
    assertThat(texts(config.at("/Entrypoint")))
        .containsExactly("/opt/java/openjdk/bin/java", "-jar", "/app/mlpipe.jar");
    Header java = layerFiles.get("opt/java/openjdk/bin/java");
    assertThat(java).as("the JRE's java in a layer").isNotNull();
    assertThat(java.mode() & 0111).as("executable").isNotZero();
    assertThat(layerFiles).containsKey("opt/java/openjdk/lib/server/libjvm.so");
  }

  @Test
  void theJarIsTheOneThisBuildMade() throws IOException {
    Header jar = layerFiles.get("app/mlpipe.jar");
    assertThat(jar).isNotNull();
    assertThat(jar.size()).isEqualTo(Files.size(io.mlpipe.testing.AgentProcess.jar()));
  }

  @Test
  void runsAsNobodyAndExposesTheAgentPort() {
    assertThat(config.at("/User").asText()).isEqualTo("65534:65534");
    assertThat(fieldNames(config.at("/ExposedPorts"))).containsExactly("9478/tcp");
  }

  @Test
  void carriesOpenContainersLabels() {
    JsonNode labels = config.at("/Labels");
    assertThat(labels.at("/org.opencontainers.image.title").asText()).isEqualTo("mlpipe");
    assertThat(labels.at("/org.opencontainers.image.version").asText()).isNotBlank();
    assertThat(labels.at("/org.opencontainers.image.revision").asText()).matches("[0-9a-f]{40}");
    assertThat(labels.at("/org.opencontainers.image.source").asText()).startsWith("https://");
    assertThat(labels.at("/org.opencontainers.image.base.name").asText()).isNotBlank();
  }

  private record Header(int mode, long size) {}

  /** Contents of the (uncompressed) tar's regular files by name. */
  private static Map<String, byte[]> entries(InputStream raw) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (InputStream in = raw) {
      walk(in, (name, header, content) -> out.put(name, content));
    }
    return out;
  }

  private static Map<String, Header> headers(InputStream in) throws IOException {
    Map<String, Header> out = new LinkedHashMap<>();
    walk(in, (name, header, content) -> out.put(name, header));
    return out;
  }

  private interface Visitor {
    void entry(String name, Header header, byte[] content);
  }

  /** A ustar/pax reader: 512-byte headers, octal fields, pax "path" records honoured. */
  private static void walk(InputStream in, Visitor visitor) throws IOException {
    byte[] block = new byte[512];
    String paxPath = null;
    while (in.readNBytes(block, 0, 512) == 512) {
      if (block[0] == 0) {
        return;
      }
      String name = field(block, 0, 100);
      String prefix = field(block, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      int mode = (int) octal(block, 100, 8);
      long size = octal(block, 124, 12);
      char type = (char) block[156];
      byte[] content = in.readNBytes((int) size);
      in.readNBytes((int) ((512 - size % 512) % 512));
      if (type == 'x') {
        for (String record : new String(content, StandardCharsets.UTF_8).split("\n")) {
          int sp = record.indexOf(' ');
          if (sp > 0 && record.substring(sp + 1).startsWith("path=")) {
            paxPath = record.substring(sp + 1 + "path=".length());
          }
        }
        continue;
      }
      if (paxPath != null) {
        name = paxPath;
        paxPath = null;
      }
      name = name.startsWith("./") ? name.substring(2) : name;
      name = name.startsWith("/") ? name.substring(1) : name;
      if (type == '0' || type == 0) {
        visitor.entry(name, new Header(mode, size), content);
      }
    }
  }

  private static String field(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int off, int len) {
    String s = field(b, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

  private static List<String> texts(JsonNode array) {
    return ChartRenderTest.texts(array);
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
