package io.mlpipe;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may use whom inside the agent (DESIGN.md, "Inside the exporter"; docs/architecture.md),
 * checked on the compiled classes: the store and the pipeline model know nothing of HTTP,
 * collectors do not go through the store, the demo and the report are clients that import none of
 * the agent's inside, and the small shared packages (events, TLS) depend on no room.
 */
class PackageRulesTest {

  private static final String[] HTTP = {
    "io.mlpipe.http..",
    "io.mlpipe.ingest..",
    "io.mlpipe.web..",
    "jakarta.servlet..",
    "org.eclipse.jetty.."
  };

  private static final String[] ROOMS = {
    "io.mlpipe.store..",
    "io.mlpipe.pipeline..",
    "io.mlpipe.collector..",
    "io.mlpipe.config..",
    "io.mlpipe.security..",
    "io.mlpipe.client..",
    "io.mlpipe.demo..",
    "io.mlpipe.report..",
    "io.mlpipe.cli.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.mlpipe");
  }

  @Test
  void theStoreKnowsNothingOfHttpNorOfPipelines() {
    forbid("io.mlpipe.store..", HTTP, "io.mlpipe.pipeline..", "io.mlpipe.cli..");
  }

  @Test
  void thePipelineModelKnowsNothingOfHttp() {
    forbid("io.mlpipe.pipeline..", HTTP, "io.mlpipe.cli..");
  }

  @Test
  void collectorsDoNotGoThroughTheStoreOrThePipelineModel() {
    forbid(
        "io.mlpipe.collector..",
        new String[] {"io.mlpipe.ingest.."},
        "io.mlpipe.store..",
        "io.mlpipe.pipeline..",
        "io.mlpipe.cli..");
  }

  @Test
  void theDemoIsAnHttpClientOfTheAgentLikeAnyPipeline() {
    forbid(
        "io.mlpipe.demo..",
        new String[] {"io.mlpipe.ingest.."},
        "io.mlpipe.pipeline..",
        "io.mlpipe.store..");
  }

  @Test
  void theReportReadsPrometheusOnly() {
    forbid(
        "io.mlpipe.report..",
        HTTP,
        "io.mlpipe.store..",
        "io.mlpipe.pipeline..",
        "io.mlpipe.collector..",
        "io.mlpipe.demo..",
        "io.mlpipe.cli..");
  }

  @Test
  void eventsDependOnNoRoom() {
    forbid("io.mlpipe.event..", HTTP, ROOMS);
  }

  @Test
  void tlsDependsOnNoRoom() {
    forbid("io.mlpipe.tls..", HTTP, ROOMS);
  }

  @Test
  void onlyTheCliUsesTheCli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.mlpipe.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.mlpipe.cli..")
        .check(classes);
  }

  /** No class in {@code room} depends on a class in any of {@code forbidden} and {@code more}. */
  private static void forbid(String room, String[] forbidden, String... more) {
    noClasses()
        .that()
        .resideInAPackage(room)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            Stream.concat(Stream.of(forbidden), Stream.of(more)).toArray(String[]::new))
        .check(classes);
  }
}
