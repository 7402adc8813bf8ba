package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * node_exporter's {@code netstat} collector: the protocol counters of /proc/net/netstat,
 * /proc/net/snmp and /proc/net/snmp6 whose {@code Protocol_Field} name matches {@code
 * --collector.netstat.fields}, as {@code node_netstat_Protocol_Field}, untyped as node_exporter
 * exposes them. /proc/net/snmp6 is missing where IPv6 is disabled and then skipped.
 */
final class NetstatCollector implements Collector {

  // Fixed /proc files, read through kept descriptors (see KeptFiles).
  private final KeptFiles kept = new KeptFiles(8);
  // Its many families, put in order the way the last scrape found it (see SnapshotOrder).
  private final SnapshotOrder order = new SnapshotOrder();

  static final String PREFIX = "node_netstat_";

  /** node_exporter 1.5.0's default {@code --collector.netstat.fields}. */
  public static final String DEFAULT_FIELDS =
      "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)"
          + "|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)"
          + "|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)"
          + "|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$";

  private final Path netstat;
  private final Path snmp;
  private final Path snmp6;
  private final Pattern fields;

  /** A selected field's family name and help, made once. */
  private record Selected(String name, String help) {}

  private static final Selected NOT_SELECTED = new Selected("", "");

  // Protocol -> field -> whether --collector.netstat.fields selects it. The kernel's field names
  // are the same on every scrape (a few hundred), so each is matched against the pattern, and its
  // name and help concatenated, once instead of on every scrape (the regex, then the
  // concatenations and a TreeMap of every value, were most of this collector's time in JFR).
  private final Map<String, Map<String, Selected>> selection = new ConcurrentHashMap<>();

  NetstatCollector(HostPaths paths, Pattern fields) {
    this.netstat = paths.proc("net/netstat");
    this.snmp = paths.proc("net/snmp");
    this.snmp6 = paths.proc("net/snmp6");
    this.fields = fields;
  }

  @Override
  public MetricSnapshots collect() throws Exception {
    // protocol -> the selected fields' values (family name -> value); a later file's protocol
    // replaces an earlier one's, as in node_exporter (they never share one). Every value is
    // checked when read, only the selected ones are parsed.
    Map<String, Map<String, Double>> stats = new HashMap<>();
    pairs(netstat, stats);
    pairs(snmp, stats);
    String snmp6Text = kept.textIfExists(snmp6);
    if (snmp6Text != null) {
      snmp6(snmp6Text, snmp6, stats);
    }
    Families out = new Families();
    for (Map<String, Double> values : stats.values()) {
      for (Map.Entry<String, Double> v : values.entrySet()) {
        out.add(Family.untyped(v.getKey(), help.get(v.getKey()))).add(v.getValue());
      }
    }
    return out.snapshots(order);
  }

  /** A selected family's help, by family name (filled with the selection). */
  private final Map<String, String> help = new ConcurrentHashMap<>();

  private Selected selected(String protocol, String field) {
    Map<String, Selected> byField = selection.get(protocol);
    if (byField == null) {
      byField = selection.computeIfAbsent(protocol, k -> new ConcurrentHashMap<>());
    }
    Selected s = byField.get(field);
    if (s == null) {
      String key = protocol + "_" + field;
      // find(): Go's MatchString, anchored only where the pattern says so.
      s =
          fields.matcher(key).find()
              ? new Selected(PREFIX + key, "Statistic " + protocol + field + ".")
              : NOT_SELECTED;
      if (s != NOT_SELECTED) {
        help.put(s.name, s.help);
      }
      byField.put(field, s);
    }
    return s;
  }

  /**
   * A names line of /proc/net/netstat or /proc/net/snmp, split once: {@code tokens[0]} is {@code
   * Protocol:}, {@code selected[j]} the selection of field {@code tokens[j]} (NOT_SELECTED also for
   * all but the last of a repeated field name: the last value wins, as a map's put did).
   */
  private record Header(String protocol, String[] tokens, Selected[] selected) {}

  // Names line -> its Header. The kernel writes the same few names lines (one per protocol) on
  // every scrape, so they are split and matched once; the value lines are scanned in place
  // instead of split into a String per field (JFR: this collector was ~14% of a host scrape's
  // samples, most of it the split of ~300 values and a HashMap entry per value). Bounded like
  // the selection: a kernel has a few dozen protocols; a fixture that keeps changing its names
  // only refills it.
  private final Map<String, Header> headers = new ConcurrentHashMap<>();

  private static final int MAX_HEADERS = 256;

  private Header header(String line) {
    Header h = headers.get(line);
    if (h == null) {
      String[] tokens = ProcFiles.fields(line);
      Selected[] selected = new Selected[tokens.length];
      String protocol =
          tokens[0].endsWith(":") ? tokens[0].substring(0, tokens[0].length() - 1) : tokens[0];
      Set<String> later = new HashSet<>();
      for (int j = tokens.length - 1; j >= 1; j--) {
        selected[j] = later.add(tokens[j]) ? selected(protocol, tokens[j]) : NOT_SELECTED;
      }
      h = new Header(protocol, tokens, selected);
      if (headers.size() >= MAX_HEADERS) {
        headers.clear();
      }
      headers.put(line, h);
    }
    return h;
  }

  /**
   * /proc/net/netstat and /proc/net/snmp: for each protocol a line of field names, then a line of
   * values, both starting with {@code Protocol:}.
   */
  private void pairs(Path file, Map<String, Map<String, Double>> stats) throws IOException {
    String text = kept.text(file);
    int pos = 0;
    while (true) {
      int[] names = nextLine(text, pos);
      if (names == null) {
        return;
      }
      Header h = header(text.substring(names[0], names[1]));
      int[] values = nextLine(text, names[1]);
      if (values == null) {
        throw new IOException("no value line after " + h.tokens[0] + " in " + file);
      }
      pos = values[1];
      // The value line's first token must be the names line's Protocol:.
      int i = ProcFiles.skipSpace(text, values[0], values[1]);
      int end = ProcFiles.skipToken(text, i, values[1]);
      String first = h.tokens[0];
      if (!first.endsWith(":")
          || end - i != first.length()
          || !text.regionMatches(i, first, 0, first.length())) {
        throw new IOException(
            "invalid line pair in "
                + file
                + ": '"
                + first
                + "' then '"
                + text.substring(i, end)
                + "'");
      }
      int count = 1;
      for (int k = ProcFiles.skipSpace(text, end, values[1]);
          k < values[1];
          k = ProcFiles.skipSpace(text, ProcFiles.skipToken(text, k, values[1]), values[1])) {
        count++;
      }
      if (count != h.tokens.length) {
        throw new IOException(
            "field count mismatch in "
                + file
                + " for "
                + h.protocol
                + ": "
                + (h.tokens.length - 1)
                + " names, "
                + (count - 1)
                + " values");
      }
      Map<String, Double> selected = new HashMap<>();
      int j = 1;
      for (int k = ProcFiles.skipSpace(text, end, values[1]); k < values[1]; j++) {
        int e = ProcFiles.skipToken(text, k, values[1]);
        double v = value(text, k, e, h.protocol, h.tokens[j], file);
        if (h.selected[j] != NOT_SELECTED) {
          selected.put(h.selected[j].name, v);
        }
        k = ProcFiles.skipSpace(text, e, values[1]);
      }
      stats.put(h.protocol, selected);
    }
  }

  /** A /proc/net/snmp6 name split at its protocol, with its selection. */
  private record Snmp6Name(String protocol, Selected selected) {}

  private final LineTokens<Snmp6Name> snmp6Names = new LineTokens<>();

  /** /proc/net/snmp6: {@code Ip6InReceives 123} lines; the protocol ends at the first "6". */
  private void snmp6(String text, Path file, Map<String, Map<String, Double>> stats)
      throws IOException {
    Map<String, Map<String, Double>> out = new HashMap<>();
    int pos = 0;
    int lineNo = 0;
    for (int[] line = nextLine(text, pos); line != null; line = nextLine(text, pos), lineNo++) {
      pos = line[1];
      int i = ProcFiles.skipSpace(text, line[0], line[1]);
      int e = ProcFiles.skipToken(text, i, line[1]);
      int vi = ProcFiles.skipSpace(text, e, line[1]);
      if (vi == line[1]) {
        continue; // fewer than two fields
      }
      int ve = ProcFiles.skipToken(text, vi, line[1]);
      Snmp6Name n = snmp6Names.get(lineNo, text, i, e);
      if (n == null) {
        String name = text.substring(i, e);
        int six = name.indexOf('6');
        if (six >= 0) {
          String protocol = name.substring(0, six + 1);
          n = new Snmp6Name(protocol, selected(protocol, name.substring(six + 1)));
        } else {
          n = new Snmp6Name(null, NOT_SELECTED);
        }
        snmp6Names.put(lineNo, name, n);
      }
      if (n.protocol == null) {
        continue;
      }
      double v;
      try {
        v = ProcFiles.number(text, vi, ve);
      } catch (NumberFormatException ex) {
        throw new IOException(
            "invalid value '"
                + text.substring(vi, ve)
                + "' for "
                + text.substring(i, e)
                + " in "
                + file);
      }
      Map<String, Double> fieldValues = out.get(n.protocol);
      if (fieldValues == null) {
        fieldValues = new HashMap<>();
        out.put(n.protocol, fieldValues);
      }
      if (n.selected != NOT_SELECTED) {
        fieldValues.put(n.selected.name, v);
      }
    }
    stats.putAll(out);
  }

  /** The next non-blank line at or after {@code from}: {start, end (before its newline)}. */
  private static int[] nextLine(String text, int from) {
    int n = text.length();
    int start = from;
    while (start < n) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? n : nl;
      if (ProcFiles.skipSpace(text, start, end) < end) {
        return new int[] {start, end};
      }
      start = end + 1;
    }
    return null;
  }

  /**
   * The number in {@code text[start, end)}, as node_exporter checks every value, selected or not;
   * the exception names {@code protocol + field} (joined only then).
   */
  private static double value(
      String text, int start, int end, String protocol, String field, Path file)
      throws IOException {
    try {
      return ProcFiles.number(text, start, end);
    } catch (NumberFormatException e) {
      throw new IOException(
          "invalid value '"
              + text.substring(start, end)
              + "' for "
              + protocol
              + field
              + " in "
              + file);
    }
  }

  @Override
  public void close() {
    kept.close();
  }
}
