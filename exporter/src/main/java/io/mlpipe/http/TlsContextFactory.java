package io.mlpipe.http;

import io.mlpipe.tls.Certificates;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's server TLS set up from a {@link WebConfig.Tls}, with Go's client auth types: Request and
 * RequireAny accept any client certificate unverified (as Go does), the Verify types check it
 * against {@code client_ca_file}. {@link #apply} swaps keys and settings in on reload.
 */
final class TlsContextFactory extends SslContextFactory.Server {

  private volatile WebConfig.Tls tls;

  TlsContextFactory(WebConfig.Tls tls) {
    configure(tls);
  }

  private void configure(WebConfig.Tls tls) {
    this.tls = tls;
    setKeyStore(tls.keyStore());
    setKeyStorePassword("");
    setKeyManagerPassword("");
    setCertAlias("server");
    setTrustStore(tls.trustStore());
    setWantClientAuth(tls.wantsClientCert() && !tls.needsClientCert());
    setNeedClientAuth(tls.needsClientCert());
    setIncludeProtocols(tls.protocols().toArray(new String[0]));
    setExcludeProtocols(); // Jetty excludes nothing we allow; the include list decides
    if (tls.cipherSuites().isEmpty()) {
      setIncludeCipherSuites();
    } else {
      List<String> suites = new ArrayList<>(tls.cipherSuites());
      suites.addAll(WebConfigLoader.TLS13_SUITES);
      setIncludeCipherSuites(suites.toArray(new String[0]));
      setExcludeCipherSuites(); // what the config names explicitly is offered
    }
    setUseCipherSuitesOrder(tls.preferServerCipherSuites());
    setEndpointIdentificationAlgorithm(null);
    setSniRequired(false);
  }

  /** Takes a reloaded config's keys and settings; new connections use them. */
  void apply(WebConfig.Tls next) throws Exception {
    reload(f -> configure(next));
  }

  @Override
  protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls)
      throws Exception {
    if (tls.wantsClientCert() && !tls.verifiesClientCert()) {
      return new TrustManager[] {Certificates.ACCEPT_ANY};
    }
    return super.getTrustManagers(trustStore, crls);
  }
}
