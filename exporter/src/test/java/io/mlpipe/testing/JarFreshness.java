package io.mlpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Refuses a packaged jar that is older than the sources it is built from, so that {@code mvn -pl
 * e2e test} after an edit fails loudly instead of testing yesterday's agent. The module is the
 * jar's {@code target/..}; its {@code pom.xml} and everything under {@code src/main} count.
 */
public final class JarFreshness {

  private JarFreshness() {}

  public static void check(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          jar + " is missing: package the exporter first (mvn -B -pl exporter -am package)");
    }
    Path module = jar.getParent().getParent();
    try {
      FileTime built = Files.getLastModifiedTime(jar);
      Optional<Path> newer = newestSource(module).filter(p -> modified(p).compareTo(built) > 0);
      if (newer.isPresent()) {
        throw new AssertionError(
            jar
                + " is stale: "
                + module.relativize(newer.get())
                + " changed after it was built; package the exporter again"
                + " (mvn -B -pl exporter -am package), or run the whole build (mvn verify)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Path> newestSource(Path module) throws IOException {
    Path main = module.resolve("src/main");
    Stream<Path> pom = Stream.of(module.resolve("pom.xml")).filter(Files::isRegularFile);
    if (!Files.isDirectory(main)) {
      return pom.findFirst();
    }
    try (Stream<Path> files = Files.walk(main)) {
      return Stream.concat(pom, files.filter(Files::isRegularFile).toList().stream())
          .max((a, b) -> modified(a).compareTo(modified(b)));
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
