package io.mlpipe.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Copies of shipped rule files with some {@code for:} durations cut to 2 s, for tests that cannot
 * wait minutes; the shipped files stay as they are.
 */
final class ShortFor {

  /** The copy and how many rules had their {@code for:} cut. */
  record Copy(Path file, int changed) {}

  private ShortFor() {}

  /**
   * Copies {@code rules} to {@code copy}, cutting {@code for:} of every rule {@code which} picks.
   */
  @SuppressWarnings("unchecked")
  static Copy copy(Path rules, Path copy, Predicate<Map<String, Object>> which) throws IOException {
    Map<String, Object> doc =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Files.readString(rules, StandardCharsets.UTF_8));
    int changed = 0;
    for (Object group : (List<Object>) doc.get("groups")) {
      for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
        Map<String, Object> r = (Map<String, Object>) rule;
        if (which.test(r)) {
          r.put("for", "2s");
          changed++;
        }
      }
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.createDirectories(copy.getParent());
    Files.writeString(copy, new Yaml(options).dump(doc));
    return new Copy(copy, changed);
  }
}
