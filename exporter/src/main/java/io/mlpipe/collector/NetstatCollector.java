package io.mlpipe.collector;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * node_exporter's {@code netstat} collector: the protocol counters of /proc/net/netstat,
 * /proc/net/snmp and /proc/net/snmp6 whose {@code Protocol_Field} name matches {@code
 * --collector.netstat.fields}, as {@code node_netstat_Protocol_Field}, untyped as node_exporter
 * exposes them. /proc/net/snmp6 is missing where IPv6 is disabled and then skipped.
 */
final class NetstatCollector implements Collector {

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
    // protocol -> field -> value as written; a later file's protocol replaces an earlier one's,
    // as in node_exporter (they never share one). Every value is checked when read, only the
    // selected ones are parsed.
    Map<String, Map<String, String>> stats = new HashMap<>();
    stats.putAll(pairs(netstat));
    stats.putAll(pairs(snmp));
    if (Files.exists(snmp6)) {
      stats.putAll(snmp6(snmp6));
    }
    Families out = new Families();
    for (Map.Entry<String, Map<String, String>> p : stats.entrySet()) {
      for (Map.Entry<String, String> v : p.getValue().entrySet()) {
        Selected s = selected(p.getKey(), v.getKey());
        if (s != NOT_SELECTED) {
          out.add(Family.untyped(s.name, s.help)).add(Double.parseDouble(v.getValue()));
        }
      }
    }
    return out.snapshots();
  }

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
      byField.put(field, s);
    }
    return s;
  }

  /**
   * /proc/net/netstat and /proc/net/snmp: for each protocol a line of field names, then a line of
   * values, both starting with {@code Protocol:}.
   */
  static Map<String, Map<String, String>> pairs(Path file) throws IOException {
    List<String> lines = ProcFiles.lines(file).stream().filter(l -> !l.isBlank()).toList();
    Map<String, Map<String, String>> out = new HashMap<>();
    for (int i = 0; i < lines.size(); i += 2) {
      String[] names = ProcFiles.fields(lines.get(i));
      if (i + 1 >= lines.size()) {
        throw new IOException("no value line after " + names[0] + " in " + file);
      }
      String[] values = ProcFiles.fields(lines.get(i + 1));
      if (!names[0].endsWith(":") || !names[0].equals(values[0])) {
        throw new IOException(
            "invalid line pair in " + file + ": '" + names[0] + "' then '" + values[0] + "'");
      }
      String protocol = names[0].substring(0, names[0].length() - 1);
      if (names.length != values.length) {
        throw new IOException(
            "field count mismatch in "
                + file
                + " for "
                + protocol
                + ": "
                + (names.length - 1)
                + " names, "
                + (values.length - 1)
                + " values");
      }
      Map<String, String> fieldValues = new HashMap<>();
      for (int j = 1; j < names.length; j++) {
        fieldValues.put(names[j], checked(values[j], protocol + names[j], file));
      }
      out.put(protocol, fieldValues);
    }
    return out;
  }

  /** /proc/net/snmp6: {@code Ip6InReceives 123} lines; the protocol ends at the first "6". */
  static Map<String, Map<String, String>> snmp6(Path file) throws IOException {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String line : ProcFiles.lines(file)) {
      String[] f = ProcFiles.fields(line);
      if (f.length < 2) {
        continue;
      }
      int six = f[0].indexOf('6');
      if (six < 0) {
        continue;
      }
      String protocol = f[0].substring(0, six + 1);
      String name = f[0].substring(six + 1);
      Map<String, String> fieldValues = out.get(protocol);
      if (fieldValues == null) {
        fieldValues = new HashMap<>();
        out.put(protocol, fieldValues);
      }
      fieldValues.put(name, checked(f[1], f[0], file));
    }
    return out;
  }

  /**
   * {@code value} when it is a number, as node_exporter checks every value, selected or not. The
   * kernel writes integers, checked by a scan; anything else goes through the parser.
   */
  private static String checked(String value, String field, Path file) throws IOException {
    int i = value.startsWith("-") ? 1 : 0;
    boolean digits = i < value.length();
    for (; digits && i < value.length(); i++) {
      char c = value.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    if (!digits) {
      try {
        Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new IOException("invalid value '" + value + "' for " + field + " in " + file);
      }
    }
    return value;
  }
}
