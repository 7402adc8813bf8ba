package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * node_exporter's {@code filesystem} collector: size, free and available bytes, inodes and the
 * read-only flag of every mounted filesystem in /proc/1/mounts (or /proc/mounts), minus the
 * excluded mount points and filesystem types.
 *
 * <p>statfs(2) runs on background threads, all mounts at once, and a scrape waits at most {@code
 * mountTimeout} for them: a mount whose statfs has not returned by then (a hung NFS server) is
 * reported with {@code node_filesystem_device_error 1} and not asked again until that first call
 * returns, so it costs one blocked thread, never a blocked scrape.
 */
public final class FilesystemCollector implements Collector {

  static final String SIZE = "node_filesystem_size_bytes";
  static final String FREE = "node_filesystem_free_bytes";
  static final String AVAIL = "node_filesystem_avail_bytes";
  static final String FILES = "node_filesystem_files";
  static final String FILES_FREE = "node_filesystem_files_free";
  static final String READONLY = "node_filesystem_readonly";
  static final String DEVICE_ERROR = "node_filesystem_device_error";

  /** node_exporter 1.5's default {@code --collector.filesystem.mount-points-exclude} (upstream). */
  public static final String DEFAULT_MOUNT_POINTS_EXCLUDE =
      "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";

  /** node_exporter 1.5's default {@code --collector.filesystem.fs-types-exclude}. */
  public static final String DEFAULT_FS_TYPES_EXCLUDE =
      "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs"
          + "|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs"
          + "|squashfs|sysfs|tracefs)$";

  /** The collector's flags. */
  public record Settings(
      Pattern mountPointsExclude, Pattern fsTypesExclude, Duration mountTimeout) {

    public static Settings defaults() {
      return new Settings(
          Pattern.compile(DEFAULT_MOUNT_POINTS_EXCLUDE),
          Pattern.compile(DEFAULT_FS_TYPES_EXCLUDE),
          Duration.ofSeconds(1));
    }
  }

  /** What statfs(2) says about one filesystem, already in bytes. */
  public record Stats(double size, double free, double avail, double files, double filesFree) {}

  /** statfs(2); a test seam for hung and failing mounts. */
  @FunctionalInterface
  public interface StatFs {
    Stats stat(Path path) throws Exception;
  }

  private record Mount(String device, String mountPoint, String fsType, boolean readOnly) {}

  private static final Logger log = LoggerFactory.getLogger(FilesystemCollector.class);

  private final HostPaths paths;
  private final Settings settings;
  private final StatFs statFs;
  private final ExecutorService executor;
  // The mount table, read through a kept descriptor (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(2);

  /** Mount points whose statfs has not returned yet, with that call. */
  private final Map<String, Future<Stats>> stuck = new ConcurrentHashMap<>();

  FilesystemCollector(HostPaths paths, Settings settings) {
    this(paths, settings, NativeCalls::statfs);
  }

  FilesystemCollector(HostPaths paths, Settings settings, StatFs statFs) {
    this.paths = paths;
    this.settings = settings;
    this.statFs = statFs;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "statfs-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether a statfs that outlived its scrape is still running (a test seam). */
  boolean hasHungStatfs() {
    return stuck.values().stream().anyMatch(f -> !f.isDone());
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    List<Mount> mounts = mounts();
    long deadline = System.nanoTime() + settings.mountTimeout().toNanos();

    Map<Mount, Future<Stats>> pending = new LinkedHashMap<>();
    List<Mount> hung = new ArrayList<>();
    for (Mount m : mounts) {
      Future<Stats> previous = stuck.get(m.mountPoint);
      if (previous != null) {
        if (!previous.isDone()) {
          hung.add(m);
          continue;
        }
        stuck.remove(m.mountPoint);
        log.info("statfs of mount point {} returned again, monitoring resumes", m.mountPoint);
      }
      Path path = paths.root(m.mountPoint);
      pending.put(m, executor.submit(() -> statFs.stat(path)));
    }

    Families out = new Families();
    String[] labels = {"device", "fstype", "mountpoint"};
    Family size = out.add(Family.gauge(SIZE, "Filesystem size in bytes.", labels));
    Family free = out.add(Family.gauge(FREE, "Filesystem free space in bytes.", labels));
    Family avail =
        out.add(
            Family.gauge(AVAIL, "Filesystem space available to non-root users in bytes.", labels));
    Family files = out.add(Family.gauge(FILES, "Filesystem total file nodes.", labels));
    Family filesFree =
        out.add(Family.gauge(FILES_FREE, "Filesystem total free file nodes.", labels));
    Family readonly = out.add(Family.gauge(READONLY, "Filesystem read-only status.", labels));
    Family deviceError =
        out.add(
            Family.gauge(
                DEVICE_ERROR,
                "Whether an error occurred while getting statistics for the given device.",
                labels));

    for (Mount m : hung) {
      deviceError.add(1, m.device, m.fsType, m.mountPoint);
    }
    for (Map.Entry<Mount, Future<Stats>> e : pending.entrySet()) {
      Mount m = e.getKey();
      String[] lv = {m.device, m.fsType, m.mountPoint};
      Stats s;
      try {
        s = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException ex) {
        stuck.put(m.mountPoint, e.getValue());
        log.warn(
            "statfs of mount point {} did not return within {}; reporting device_error until it"
                + " does",
            m.mountPoint,
            settings.mountTimeout());
        deviceError.add(1, lv);
        continue;
      } catch (ExecutionException ex) {
        log.debug("statfs of {} failed: {}", m.mountPoint, ex.getCause().toString());
        deviceError.add(1, lv);
        continue;
      }
      deviceError.add(0, lv);
      size.add(s.size, lv);
      free.add(s.free, lv);
      avail.add(s.avail, lv);
      files.add(s.files, lv);
      filesFree.add(s.filesFree, lv);
      readonly.add(m.readOnly ? 1 : 0, lv);
    }
    return out.snapshots();
  }

  /** The mount table of PID 1 (the host's, under hostPID), else of this process. */
  private List<Mount> mounts() throws IOException {
    // node_exporter falls back to /proc/mounts when /proc/1 is hidden (hidepid).
    String text = kept.readOrNull(paths.proc("1/mounts"));
    List<String> lines = (text != null ? text : kept.text(paths.proc("mounts"))).lines().toList();
    List<Mount> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      String[] f = ProcFiles.fields(line);
      if (f.length == 0) {
        continue;
      }
      if (f.length < 4) {
        throw new IOException("malformed mount point information: " + line);
      }
      String mountPoint = paths.stripRootfs(f[1].replace("\\040", " ").replace("\\011", "\t"));
      String fsType = f[2];
      if (settings.mountPointsExclude().matcher(mountPoint).find()
          || settings.fsTypesExclude().matcher(fsType).find()) {
        continue;
      }
      if (!seen.add(f[0] + "\0" + mountPoint + "\0" + fsType)) {
        continue;
      }
      boolean ro = List.of(f[3].split(",")).contains("ro");
      out.add(new Mount(f[0], mountPoint, fsType, ro));
    }
    return out;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    kept.close();
  }
}
