package io.mlpipe.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarFreshnessTest {

  @TempDir Path module;

  private Path layout(Instant source, Instant jarTime) throws Exception {
    Path java = module.resolve("src/main/java/io/mlpipe/Agent.java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "class Agent {}");
    Files.writeString(module.resolve("pom.xml"), "<project/>");
    Files.setLastModifiedTime(module.resolve("pom.xml"), FileTime.from(Instant.EPOCH));
    Files.setLastModifiedTime(java, FileTime.from(source));
    Path jar = module.resolve("target/mlpipe.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "jar");
    Files.setLastModifiedTime(jar, FileTime.from(jarTime));
    return jar;
  }

  @Test
  void aJarBuiltAfterItsSourcesPasses() throws Exception {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Path jar = layout(t, t.plusSeconds(60));
    assertThatCode(() -> JarFreshness.check(jar)).doesNotThrowAnyException();
  }

  @Test
  void aSourceChangedAfterTheJarFailsLoudlyNamingIt() throws Exception {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Path jar = layout(t.plusSeconds(60), t);
    assertThatThrownBy(() -> JarFreshness.check(jar))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is stale")
        .hasMessageContaining("src/main/java/io/mlpipe/Agent.java");
  }

  @Test
  void aMissingJarSaysHowToBuildIt() {
    assertThatThrownBy(() -> JarFreshness.check(module.resolve("target/mlpipe.jar")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is missing");
  }
}
