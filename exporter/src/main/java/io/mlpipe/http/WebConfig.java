package io.mlpipe.http;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The web configuration ({@code --web.config.file}) in Prometheus exporter-toolkit's format: {@code
 * tls_server_config}, {@code http_server_config.headers}, {@code basic_auth_users}.
 *
 * @param tls null for plain HTTP
 * @param users user name to bcrypt hash
 * @param headers response headers added to every answer
 * @param files every file it was built from (itself, certificate, key, CA), watched for changes
 */
public record WebConfig(
    String source,
    Tls tls,
    Map<String, String> users,
    Map<String, String> headers,
    List<Path> files) {

  /** No web config: plain HTTP, no users, no extra headers. */
  public static WebConfig none() {
    return new WebConfig("<none>", null, Map.of(), Map.of(), List.of());
  }

  /**
   * {@code tls_server_config}, with the key material already read and checked.
   *
   * @param clientAuth one of Go's {@code tls.ClientAuthType} names
   * @param protocols JSSE protocol names from min_version to max_version
   * @param cipherSuites JSSE names, empty for Java's defaults
   */
  public record Tls(
      Path certFile,
      Path keyFile,
      String clientAuth,
      Path clientCaFile,
      List<String> protocols,
      List<String> cipherSuites,
      boolean preferServerCipherSuites,
      java.security.KeyStore keyStore,
      java.security.KeyStore trustStore) {

    /** Whether a client certificate is asked for. */
    public boolean wantsClientCert() {
      return !clientAuth.equals("NoClientCert");
    }

    /** Whether the connection fails without one. */
    public boolean needsClientCert() {
      return clientAuth.equals("RequireAnyClientCert")
          || clientAuth.equals("RequireAndVerifyClientCert");
    }

    /** Whether a given certificate is checked against client_ca_file. */
    public boolean verifiesClientCert() {
      return clientAuth.equals("VerifyClientCertIfGiven")
          || clientAuth.equals("RequireAndVerifyClientCert");
    }
  }
}
