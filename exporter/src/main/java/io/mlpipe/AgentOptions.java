package io.mlpipe;

import io.mlpipe.collector.CollectorCatalog;
import io.mlpipe.collector.CollectorContext;
import io.mlpipe.config.ConfigHolder;
import io.mlpipe.http.ListenAddress;
import io.mlpipe.store.FsyncMode;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything an {@link Agent} is started with; the CLI builds it from flags with the one
 * constructor, tests start from {@link #forTest} and change what they need with the {@code with}
 * methods.
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
        Map.of(),
        SecurityOptions.none(),
        null);
  }

  public AgentOptions withFsync(FsyncMode fsync) {
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

  /** With only the collectors of {@code catalog} (a test's own collectors). */
  public AgentOptions withCatalog(CollectorCatalog catalog) {
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

  /** With {@code --web.enable-admin-api} on or off. */
  public AgentOptions withAdminApi(boolean enableAdminApi) {
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
}
