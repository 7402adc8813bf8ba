package io.mlpipe.cli;

import io.mlpipe.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code mlpipe --version}, in the style of the Prometheus tools. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    BuildInfo b = BuildInfo.current();
    return new String[] {
      "mlpipe, version " + b.version() + " (revision: " + b.revision() + ")",
      "  java version: " + b.javaVersion()
    };
  }
}
