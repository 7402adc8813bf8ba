package io.mlpipe;

import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorContext;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.http.ListenAddress;
import io.mlpipe.store.FsyncMode;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything an {@link Agent} is started with; the CLI builds it from flags, tests build it
 * directly.
 *
 * @param collectorChoices explicit {@code --[no-]collector.NAME} choices; others take defaults
 * @param flags the command line as given, for {@code /api/v1/status}
 * @param grafanaUrl {@code --web.grafana-url}: Grafana's base URL for links to the dashboards, or
 *     null
 */
public record AgentOptions(
    ListenAddress listenAddress,
    ConfigHolder config,
    CollectorCatalog catalog,
    Map<String, Boolean> collectorChoices,
    CollectorContext collectorContext,
    Path storagePath,
    FsyncMode fsync,
    boolean enableAdminApi,
    Map<String, String> flags,
    SecurityOptions security,
    String grafanaUrl) {

  public AgentOptions(
      ListenAddress listenAddress,
      ConfigHolder config,
      CollectorCatalog catalog,
      Map<String, Boolean> collectorChoices,
      CollectorContext collectorContext,
      Path storagePath,
      FsyncMode fsync,
      boolean enableAdminApi,
      Map<String, String> flags,
      SecurityOptions security) {
    this(
        listenAddress,
        config,
        catalog,
        collectorChoices,
        collectorContext,
        storagePath,
        fsync,
        enableAdminApi,
        flags,
        security,
        null);
  }

  public AgentOptions(
      ListenAddress listenAddress,
      ConfigHolder config,
      CollectorCatalog catalog,
      Map<String, Boolean> collectorChoices,
      CollectorContext collectorContext,
      Path storagePath,
      FsyncMode fsync,
      boolean enableAdminApi,
      Map<String, String> flags) {
    this(
        listenAddress,
        config,
        catalog,
        collectorChoices,
        collectorContext,
        storagePath,
        fsync,
        enableAdminApi,
        flags,
        SecurityOptions.none());
  }

  /** Defaults on 127.0.0.1 with a free port and the store in {@code storage}: for tests. */
  public static AgentOptions forTest(Path storage) {
    return new AgentOptions(
        new ListenAddress("127.0.0.1", 0),
        new ConfigHolder(null, io.mlpipe.config.Config.defaults()),
        CollectorCatalog.standard(),
        Map.of(),
        CollectorContext.defaults(),
        storage,
        FsyncMode.always,
        true,
        Map.of());
  }

  public AgentOptions withConfig(ConfigHolder config) {
    return new AgentOptions(
        listenAddress,
        config,
        catalog,
        collectorChoices,
        collectorContext,
        storagePath,
        fsync,
        enableAdminApi,
        flags,
        security,
        grafanaUrl);
  }

  public AgentOptions withSecurity(SecurityOptions security) {
    return new AgentOptions(
        listenAddress,
        config,
        catalog,
        collectorChoices,
        collectorContext,
        storagePath,
        fsync,
        enableAdminApi,
        flags,
        security,
        grafanaUrl);
  }

  /** With {@code --web.grafana-url}: the landing and pipelines pages link to the dashboards. */
  public AgentOptions withGrafanaUrl(String url) {
    return new AgentOptions(
        listenAddress,
        config,
        catalog,
        collectorChoices,
        collectorContext,
        storagePath,
        fsync,
        enableAdminApi,
        flags,
        security,
        url);
  }
}
