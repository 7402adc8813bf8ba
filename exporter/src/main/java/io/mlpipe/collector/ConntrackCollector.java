package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * node_exporter's {@code conntrack} collector: connection tracking table size and limit from
 * /proc/sys/net/netfilter/nf_conntrack_{count,max}, and the per-CPU statistics of
 * /proc/net/stat/nf_conntrack summed over CPUs ({@code node_nf_conntrack_stat_*}), all gauges as in
 * node_exporter 1.5.0.
 *
 * <p>Without the nf_conntrack module the files do not exist: node_exporter then reports no series
 * (ErrNoData, which it counts as {@code success 0}); the agent reports no series and success, so
 * that {@code MlpipeCollectorFailing} does not fire on every host that simply has no conntrack.
 */
final class ConntrackCollector implements Collector {

  // Its three /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(4);

  static final String ENTRIES = "node_nf_conntrack_entries";
  static final String LIMIT = "node_nf_conntrack_entries_limit";

  /**
   * Column of /proc/net/stat/nf_conntrack (the metric's suffix) and help, in node_exporter's order.
   */
  private static final String[][] STATS = {
    {"found", "Number of searched entries which were successful."},
    {"invalid", "Number of packets seen which can not be tracked."},
    {"ignore", "Number of packets seen which are already connected to a conntrack entry."},
    {"insert", "Number of entries inserted into the list."},
    {"insert_failed", "Number of entries for which list insertion was attempted but failed."},
    {"drop", "Number of packets dropped due to conntrack failure."},
    {
      "early_drop",
      "Number of dropped conntrack entries to make room for new ones, if maximum table size was"
          + " reached."
    },
    {
      "search_restart",
      "Number of conntrack table lookups which had to be restarted due to hashtable resizes."
    },
  };

  private final Path count;
  private final Path max;
  private final Path stat;

  ConntrackCollector(HostPaths paths) {
    this.count = paths.proc("sys/net/netfilter/nf_conntrack_count");
    this.max = paths.proc("sys/net/netfilter/nf_conntrack_max");
    this.stat = paths.proc("net/stat/nf_conntrack");
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    Families out = new Families();
    String countText = kept.textIfExists(count);
    if (countText == null) {
      return out.snapshots();
    }
    out.add(
            Family.gauge(
                ENTRIES, "Number of currently allocated flow entries for connection tracking."))
        .add(uint(countText.strip(), count));
    String maxText = kept.textIfExists(max);
    if (maxText == null) {
      return out.snapshots();
    }
    out.add(Family.gauge(LIMIT, "Maximum size of connection tracking table."))
        .add(uint(maxText.strip(), max));
    String statText = kept.textIfExists(stat);
    if (statText == null) {
      return out.snapshots();
    }
    double[] sums = statSums(statText.lines().toList());
    for (int i = 0; i < STATS.length; i++) {
      out.add(Family.gauge("node_nf_conntrack_stat_" + STATS[i][0], STATS[i][1])).add(sums[i]);
    }
    return out.snapshots();
  }

  private static double uint(String s, Path file) throws IOException {
    try {
      return unsigned(Long.parseUnsignedLong(s));
    } catch (NumberFormatException e) {
      throw new IOException("invalid value '" + s + "' in " + file);
    }
  }

  /** The STATS columns summed over the per-CPU lines (hexadecimal) under the header line. */
  private double[] statSums(List<String> lines) throws IOException {
    if (lines.isEmpty()) {
      throw new IOException("no header line in " + stat);
    }
    List<String> header = Arrays.asList(ProcFiles.fields(lines.get(0)));
    int[] columns = new int[STATS.length];
    for (int i = 0; i < STATS.length; i++) {
      columns[i] = header.indexOf(STATS[i][0]);
      if (columns[i] < 0) {
        throw new IOException("no column " + STATS[i][0] + " in the header of " + stat);
      }
    }
    double[] sums = new double[STATS.length];
    for (String line : lines.subList(1, lines.size())) {
      String[] f = ProcFiles.fields(line);
      if (f.length == 0) {
        continue;
      }
      if (f.length != header.size()) {
        throw new IOException(
            "invalid line in " + stat + ": " + f.length + " fields, header has " + header.size());
      }
      for (int i = 0; i < STATS.length; i++) {
        try {
          sums[i] += unsigned(Long.parseUnsignedLong(f[columns[i]], 16));
        } catch (NumberFormatException e) {
          throw new IOException("invalid value '" + f[columns[i]] + "' in " + stat);
        }
      }
    }
    return sums;
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  @Override
  public void close() {
    kept.close();
  }
}
