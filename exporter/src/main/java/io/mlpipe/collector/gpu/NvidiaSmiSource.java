package io.mlpipe.collector.gpu;

import io.mlpipe.collector.HostPaths;
import io.mlpipe.collector.ProcFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPU values from {@code nvidia-smi --query-gpu=... --format=csv,noheader,nounits} and {@code
 * --query-compute-apps}, each run killed after the timeout. A field this driver does not know is
 * dropped from later queries (nvidia-smi refuses the whole query otherwise).
 */
final class NvidiaSmiSource implements GpuSource {

  private static final Logger log = LoggerFactory.getLogger(NvidiaSmiSource.class);
  private static final Pattern INVALID_FIELD =
      Pattern.compile("Field \"([^\"]+)\" is not a valid field to query");

  private final List<String> command;
  private final Duration timeout;
  private final HostPaths paths;
  private final List<String> gpuFields = new ArrayList<>(NvidiaSmiCsv.GPU_FIELDS);
  private boolean appsSupported = true;

  NvidiaSmiSource(List<String> command, Duration timeout, HostPaths paths) {
    this.command = List.copyOf(command);
    this.timeout = timeout;
    this.paths = paths;
  }

  /** The nvidia-smi executable when it can be found: an explicit path, or a name on PATH. */
  static java.util.Optional<Path> locate(String executable) {
    if (executable.contains("/")) {
      Path p = Path.of(executable);
      return Files.isExecutable(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, executable);
        if (Files.isExecutable(p)) {
          return java.util.Optional.of(p);
        }
      }
    }
    return java.util.Optional.empty();
  }

  @Override
  public String name() {
    return "nvidia-smi";
  }

  @Override
  public GpuReading read() throws Exception {
    String gpuCsv = null;
    for (int attempt = 0; gpuCsv == null; attempt++) {
      Result r = run("--query-gpu=" + String.join(",", gpuFields), "--format=csv,noheader,nounits");
      Matcher m = INVALID_FIELD.matcher(r.output);
      if (r.exitCode != 0 && m.find() && gpuFields.remove(m.group(1)) && attempt < 10) {
        log.info("nvidia-smi does not know field {}; querying without it", m.group(1));
        continue;
      }
      if (r.exitCode != 0) {
        throw new IOException(
            "nvidia-smi exited with "
                + r.exitCode
                + ": "
                + r.output.strip().lines().findFirst().orElse(""));
      }
      gpuCsv = r.output;
    }
    String appsCsv = "";
    if (appsSupported) {
      Result r =
          run(
              "--query-compute-apps=" + String.join(",", NvidiaSmiCsv.APP_FIELDS),
              "--format=csv,noheader,nounits");
      if (r.exitCode == 0) {
        appsCsv = r.output;
      } else {
        appsSupported = false;
        log.info("nvidia-smi --query-compute-apps is not supported here: {}", r.output.strip());
      }
    }
    return NvidiaSmiCsv.reading(
        NvidiaSmiCsv.rows(gpuCsv, gpuFields, false),
        NvidiaSmiCsv.rows(appsCsv, NvidiaSmiCsv.APP_FIELDS, false),
        this::deviceName);
  }

  /** nvidia<minor> from /proc/driver/nvidia/gpus/<bus id>/information, as dcgm-exporter labels. */
  private String deviceName(String busId) {
    int colon = busId.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String domain = busId.substring(0, colon);
    domain = domain.length() > 4 ? domain.substring(domain.length() - 4) : domain;
    String id = (domain + busId.substring(colon)).toLowerCase(Locale.ROOT);
    return ProcFiles.readOptional(paths.proc("driver/nvidia/gpus/" + id + "/information"))
        .flatMap(
            info ->
                info.lines()
                    .filter(l -> l.startsWith("Device Minor:"))
                    .map(l -> "nvidia" + l.substring("Device Minor:".length()).strip())
                    .findFirst())
        .orElse(null);
  }

  private record Result(int exitCode, String output) {}

  private Result run(String... args) throws IOException, InterruptedException, TimeoutException {
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getInputStream().readAllBytes();
              } catch (IOException e) {
                return new byte[0];
              }
            });
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new TimeoutException(
          String.join(" ", command) + " did not finish within " + timeout + "; killed");
    }
    try {
      return new Result(
          p.exitValue(), new String(out.get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }
}
