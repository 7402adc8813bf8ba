package io.mlpipe;

import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorContext;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.http.ListenAddress;
import java.util.Map;

/**
 * Everything an {@link Agent} is started with; the CLI builds it from flags, tests build it
 * directly.
 *
 * @param collectorChoices explicit {@code --[no-]collector.NAME} choices; others take defaults
 */
public record AgentOptions(
    ListenAddress listenAddress,
    ConfigHolder config,
    CollectorCatalog catalog,
    Map<String, Boolean> collectorChoices,
    CollectorContext collectorContext) {

  /** Defaults on 127.0.0.1 with a free port: the starting point of tests. */
  public static AgentOptions forTest() {
    return new AgentOptions(
        new ListenAddress("127.0.0.1", 0),
        new ConfigHolder(null, io.mlpipe.config.Config.defaults()),
        CollectorCatalog.standard(),
        Map.of(),
        CollectorContext.defaults());
  }

  public AgentOptions withConfig(ConfigHolder config) {
    return new AgentOptions(listenAddress, config, catalog, collectorChoices, collectorContext);
  }

  public AgentOptions withCollectorChoices(Map<String, Boolean> choices) {
    return new AgentOptions(listenAddress, config, catalog, choices, collectorContext);
  }

  public AgentOptions withCatalog(CollectorCatalog catalog) {
    return new AgentOptions(listenAddress, config, catalog, collectorChoices, collectorContext);
  }
}
