package io.mlpipe;

import io.mlpipe.http.WebConfig;
import io.mlpipe.security.AuditLog;
import java.nio.file.Path;

/**
 * The security flags of {@code mlpipe serve}: the web config ({@code --web.config.file}, already
 * loaded and checked) and the audit log ({@code --audit.*}).
 *
 * @param webConfigFile watched for changes, or null for none
 */
public record SecurityOptions(Path webConfigFile, WebConfig webConfig, AuditLog.Settings audit) {

  public static SecurityOptions none() {
    return new SecurityOptions(null, WebConfig.none(), AuditLog.Settings.off());
  }
}
