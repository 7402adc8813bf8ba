package io.mlpipe.cli;

import picocli.CommandLine.Command;

/** The top command; {@code serve} runs when no subcommand is given (see {@link Main}). */
@Command(
    name = "mlpipe",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Monitoring agent for distributed ML pipelines (host, GPU and pipeline metrics).",
    subcommands = {
      ServeCommand.class,
      RunCommand.class,
      PushCommand.class,
      FlushCommand.class,
      StatusCommand.class,
      ForgetCommand.class,
      CheckConfigCommand.class,
      DemoCommand.class,
      ReportCommand.class
    })
final class MlpipeCommand {}
