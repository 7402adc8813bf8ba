package io.mlpipe.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks dashboards in the spirit of grafana/dashboard-linter, plus mlpipe's own conventions. Each
 * problem is one line naming the dashboard, the panel and the rule.
 *
 * <pre>{@code
 * List<String> problems = new DashboardLinter(dashboards).lint();
 * }</pre>
 *
 * <ul>
 *   <li>template-datasource: one {@code $datasource} variable of type prometheus; {@code $cluster}
 *       multi with All = {@code .*}.
 *   <li>panel-datasource: every target, variable and annotation uses {@code ${datasource}}; no
 *       datasource uid is hard-coded anywhere.
 *   <li>cluster: every selector carries {@code cluster=~"$cluster"}.
 *   <li>target-rate-interval: range windows are {@code $__rate_interval}, or a fixed window the
 *       panel's description justifies with "fixed window W".
 *   <li>target-counter-agg: {@code *_total} only inside rate, irate or increase.
 *   <li>panel-units, panel-title-description, unique ids, grid inside 24 columns without overlaps.
 *   <li>links: every dashboard link, data link and alert {@code dashboard_url} points at a uid that
 *       exists, with variables that dashboard has.
 * </ul>
 */
final class DashboardLinter {

  static final String DATASOURCE = "${datasource}";
  static final String CLUSTER = "cluster=~\"$cluster\"";

  private static final Set<String> NUMERIC_PANELS =
      Set.of(
          "timeseries",
          "stat",
          "gauge",
          "bargauge",
          "table",
          "heatmap",
          "statetimeline",
          "barchart",
          "histogram",
          "piechart");
  private static final Pattern RANGE = Pattern.compile("\\[([^\\]]+)]");
  private static final Pattern COUNTER = Pattern.compile("\\b[a-zA-Z_:][a-zA-Z0-9_:]*_total\\b");
  private static final Pattern FUNCTION_BEFORE = Pattern.compile("([a-zA-Z_]+)\\s*$");
  private static final Pattern LINK =
      Pattern.compile("^/d/([A-Za-z0-9_-]+)(?:/[^?]*)?(?:\\?(.*))?$");
  private static final Pattern VAR_PARAM = Pattern.compile("(?:^|&)var-([A-Za-z0-9_]+)=");

  /**
   * Recording rules that aggregate {@code by} labels without {@code cluster} (the team join and the
   * configured thresholds, kept one per pipeline across the fleet): their series carry no cluster
   * label, so a selector on them takes no cluster matcher.
   */
  static final Set<String> FLEET_WIDE_RULES = fleetWideRules();

  private final Map<String, JsonNode> byUid = new HashMap<>();
  private final List<JsonNode> dashboards;
  private final List<String> problems = new ArrayList<>();

  DashboardLinter(List<JsonNode> dashboards) {
    this.dashboards = dashboards;
    for (JsonNode d : dashboards) {
      byUid.put(d.path("uid").asText(), d);
    }
  }

  List<String> lint() {
    for (JsonNode d : dashboards) {
      lintDashboard(d);
    }
    return problems;
  }

  /** Checks an alert's {@code dashboard_url} (e.g. {@code /d/mlpipe-nodes?var-instance=...}). */
  List<String> lintDashboardUrl(String where, String url) {
    checkLink(where, url);
    return problems;
  }

  Set<String> uids() {
    return byUid.keySet();
  }

  private void lintDashboard(JsonNode d) {
    String uid = d.path("uid").asText();
    String name = "dashboard " + uid;
    if (!contains(d.path("tags"), "mlpipe")) {
      problems.add(name + ": no tag mlpipe");
    }
    lintVariables(name, d.path("templating").path("list"));
    hardCodedDatasources(name, d);
    for (JsonNode a : d.path("annotations").path("list")) {
      String where = name + " annotation " + a.path("name").asText();
      checkDatasource(where, a.path("datasource"));
      checkExpr(where, a.path("expr").asText(), "");
    }
    for (JsonNode l : d.path("links")) {
      checkLink(name + " link " + l.path("title").asText(), l.path("url").asText());
    }
    Set<Integer> ids = new HashSet<>();
    List<int[]> boxes = new ArrayList<>();
    List<String> boxNames = new ArrayList<>();
    for (JsonNode p : d.path("panels")) {
      String where =
          name + " panel " + p.path("id").asText() + " '" + p.path("title").asText() + "'";
      if (!ids.add(p.path("id").asInt(-1))) {
        problems.add(where + ": panel id not unique");
      }
      if (p.path("title").asText().isBlank()) {
        problems.add(where + ": no title");
      }
      JsonNode g = p.path("gridPos");
      int[] box = {
        g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()
      };
      if (box[0] < 0 || box[2] < 1 || box[3] < 1 || box[0] + box[2] > 24) {
        problems.add(where + ": gridPos outside the 24 columns: " + g);
      }
      for (int i = 0; i < boxes.size(); i++) {
        if (overlap(box, boxes.get(i))) {
          problems.add(where + ": overlaps " + boxNames.get(i));
        }
      }
      boxes.add(box);
      boxNames.add(where);
      if (!p.path("type").asText().equals("row")) {
        lintPanel(where, p);
      }
    }
  }

  private void lintVariables(String name, JsonNode vars) {
    int datasources = 0;
    boolean cluster = false;
    for (JsonNode v : vars) {
      String where = name + " variable " + v.path("name").asText();
      switch (v.path("type").asText()) {
        case "datasource" -> {
          datasources++;
          if (!v.path("name").asText().equals("datasource")
              || !v.path("query").asText().equals("prometheus")) {
            problems.add(
                where + ": the datasource variable must be $datasource of type prometheus");
          }
        }
        case "query" -> {
          checkDatasource(where, v.path("datasource"));
          JsonNode q = v.path("query");
          checkExpr(where, q.isObject() ? q.path("query").asText() : q.asText(), "");
          if (v.path("name").asText().equals("cluster")) {
            cluster =
                v.path("multi").asBoolean()
                    && v.path("includeAll").asBoolean()
                    && v.path("allValue").asText().equals(".*");
          }
        }
        default -> {}
      }
    }
    if (datasources != 1) {
      problems.add(name + ": needs exactly one datasource variable, has " + datasources);
    }
    if (!cluster) {
      problems.add(name + ": needs a $cluster variable, multi, with All = .*");
    }
  }

  private void lintPanel(String where, JsonNode p) {
    if (p.path("description").asText().isBlank()) {
      problems.add(where + ": no description");
    }
    if (NUMERIC_PANELS.contains(p.path("type").asText())
        && p.path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
      problems.add(where + ": no unit");
    }
    if (!p.path("datasource").isMissingNode()) {
      checkDatasource(where, p.path("datasource"));
    }
    JsonNode targets = p.path("targets");
    if (targets.isEmpty()) {
      problems.add(where + ": no targets");
    }
    for (JsonNode t : targets) {
      String tw = where + " target " + t.path("refId").asText();
      checkDatasource(tw, t.path("datasource"));
      checkExpr(tw, t.path("expr").asText(), p.path("description").asText());
    }
    for (JsonNode l : p.path("fieldConfig").path("defaults").path("links")) {
      checkLink(where + " data link", l.path("url").asText());
    }
    for (JsonNode o : p.path("fieldConfig").path("overrides")) {
      for (JsonNode prop : o.path("properties")) {
        if (prop.path("id").asText().equals("links")) {
          for (JsonNode l : prop.path("value")) {
            checkLink(where + " data link", l.path("url").asText());
          }
        }
      }
    }
  }

  private void checkDatasource(String where, JsonNode ds) {
    if (!ds.path("uid").asText().equals(DATASOURCE)) {
      problems.add(where + ": datasource must be " + DATASOURCE + ", is " + ds);
    }
  }

  /** Every object named datasource with a uid anywhere in the dashboard uses the variable. */
  private void hardCodedDatasources(String name, JsonNode node) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().equals("datasource")
                    && e.getValue().has("uid")
                    && !e.getValue().path("uid").asText().equals(DATASOURCE)) {
                  problems.add(name + ": hard-coded datasource " + e.getValue());
                }
                hardCodedDatasources(name, e.getValue());
              });
    } else if (node.isArray()) {
      node.forEach(n -> hardCodedDatasources(name, n));
    }
  }

  private void checkExpr(String where, String expr, String description) {
    if (expr.isBlank()) {
      problems.add(where + ": empty query");
      return;
    }
    long selectors = expr.chars().filter(c -> c == '{').count();
    for (String rule : FLEET_WIDE_RULES) {
      selectors -= expr.split(Pattern.quote(rule + "{"), -1).length - 1;
    }
    int clusters = expr.split(Pattern.quote(CLUSTER), -1).length - 1;
    if (selectors != clusters) {
      problems.add(
          where + ": " + selectors + " selectors but " + clusters + " " + CLUSTER + ": " + expr);
    }
    if (selectors == 0 && COUNTER.matcher(expr).find() || expr.matches("(?s).*[a-z_]\\[.*")) {
      problems.add(where + ": a metric without a {" + CLUSTER + "} selector: " + expr);
    }
    Matcher m = RANGE.matcher(expr);
    while (m.find()) {
      String window = m.group(1);
      if (!window.equals("$__rate_interval")
          && !description.contains("fixed window " + window + ":")) {
        problems.add(
            where
                + ": window ["
                + window
                + "] is neither $__rate_interval nor justified by 'fixed window "
                + window
                + ":' in the description");
      }
    }
    Matcher c = COUNTER.matcher(expr);
    while (c.find()) {
      String fn = enclosingFunction(expr, c.start());
      if (!Set.of("rate", "irate", "increase").contains(fn)) {
        problems.add(where + ": counter " + c.group() + " outside rate/irate/increase: " + expr);
      }
    }
  }

  /** The name of the function whose parentheses enclose {@code pos}, or "" at the top level. */
  private static String enclosingFunction(String expr, int pos) {
    int depth = 0;
    for (int i = pos - 1; i >= 0; i--) {
      char ch = expr.charAt(i);
      if (ch == ')') {
        depth++;
      } else if (ch == '(') {
        if (depth == 0) {
          Matcher fn = FUNCTION_BEFORE.matcher(expr.substring(0, i));
          return fn.find() ? fn.group(1) : "";
        }
        depth--;
      }
    }
    return "";
  }

  private void checkLink(String where, String url) {
    Matcher m = LINK.matcher(url);
    if (!m.matches()) {
      problems.add(where + ": not a relative /d/<uid> link: " + url);
      return;
    }
    JsonNode target = byUid.get(m.group(1));
    if (target == null) {
      problems.add(where + ": no dashboard with uid " + m.group(1) + " (" + url + ")");
      return;
    }
    if (m.group(2) == null) {
      return;
    }
    Set<String> vars = new HashSet<>();
    target.path("templating").path("list").forEach(v -> vars.add(v.path("name").asText()));
    Matcher v = VAR_PARAM.matcher(m.group(2));
    while (v.find()) {
      if (!vars.contains(v.group(1))) {
        problems.add(
            where
                + ": dashboard "
                + m.group(1)
                + " has no variable "
                + v.group(1)
                + " ("
                + url
                + ")");
      }
    }
  }

  private static boolean overlap(int[] a, int[] b) {
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (n.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> fleetWideRules() {
    String yaml;
    try {
      yaml = Files.readString(Dashboards.ROOT.resolve("rules/recording.yml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> out = new HashSet<>();
    // Each chunk is one rule: its name, then its expression (comments dropped: they describe the
    // next rule).
    for (String chunk : yaml.split("- record:")) {
      String body =
          chunk.lines().filter(l -> !l.strip().startsWith("#")).collect(Collectors.joining("\n"));
      String name = body.strip().split("\\s+", 2)[0];
      if (name.matches("[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]*[a-zA-Z0-9_]")
          && body.contains("by (")
          && !body.contains("cluster")) {
        out.add(name);
      }
    }
    return Set.copyOf(out);
  }
}
