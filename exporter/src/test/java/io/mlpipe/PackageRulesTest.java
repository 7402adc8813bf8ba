package io.mlpipe;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may use whom inside the agent (DESIGN.md, "Inside the exporter"), checked on the compiled
 * classes: the store and the pipeline model know nothing of HTTP, collectors do not go through the
 * store, the demo and the report are clients that import none of the agent's inside, and the small
 * shared packages (events, TLS) depend on no room.
 */
class PackageRulesTest {

  private static final String[] HTTP = {
    "io.mlpipe.http..",
    "io.mlpipe.ingest..",
    "io.mlpipe.web..",
    "jakarta.servlet..",
    "org.eclipse.jetty.."
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
    noClasses()
        .that()
        .resideInAPackage("io.mlpipe.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(concat(HTTP, "io.mlpipe.pipeline..", "io.mlpipe.cli.."))
        .check(classes);
  }

  @Test
  void thePipelineModelKnowsNothingOfHttp() {
    noClasses()
        .that()
        .resideInAPackage("io.mlpipe.pipeline..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(concat(HTTP, "io.mlpipe.cli.."))
        .check(classes);
  }

  @Test
  void collectorsDoNotGoThroughTheStoreOrThePipelineModel() {
    noClasses()
        .that()
        .resideInAPackage("io.mlpipe.collector..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.mlpipe.store..", "io.mlpipe.pipeline..", "io.mlpipe.ingest..", "io.mlpipe.cli..")
        .check(classes);
  }

  @Test
  void theDemoIsAnHttpClientOfTheAgentLikeAnyPipeline() {
    noClasses()
        .that()
        .resideInAPackage("io.mlpipe.demo..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.mlpipe.ingest..", "io.mlpipe.pipeline..", "io.mlpipe.store..")
        .check(classes);
  }

  @Test
  void theReportReadsPrometheusOnly() {
    noClasses()
        .that()
        .resideInAPackage("io.mlpipe.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            concat(
                HTTP,
                "io.mlpipe.store..",
                "io.mlpipe.pipeline..",
                "io.mlpipe.collector..",
                "io.mlpipe.demo..",
                "io.mlpipe.cli.."))
        .check(classes);
  }

  @Test
  void eventsAndTlsDependOnNoRoom() {
    noClasses()
        .that()
        .resideInAnyPackage("io.mlpipe.event..", "io.mlpipe.tls..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            concat(
                HTTP,
                "io.mlpipe.store..",
                "io.mlpipe.pipeline..",
                "io.mlpipe.collector..",
                "io.mlpipe.config..",
                "io.mlpipe.security..",
                "io.mlpipe.client..",
                "io.mlpipe.demo..",
                "io.mlpipe.report..",
                "io.mlpipe.cli.."))
        .check(classes);
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

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
