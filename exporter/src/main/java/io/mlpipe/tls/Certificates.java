package io.mlpipe.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS pieces the agent's server ({@code http/}, web config) and its clients ({@code report/},
 * Prometheus' API) share: PEM certificates read from a file, a trust store of CAs, and the trust
 * manager that accepts any certificate.
 *
 * <pre>{@code
 * KeyStore cas = Certificates.trustStore(Certificates.read(caFile));
 * }</pre>
 */
public final class Certificates {

  /**
   * Accepts every certificate without checking it: Go's {@code RequestClientCert} and {@code
   * RequireAnyClientCert} on the server side, Prometheus' {@code insecure_skip_verify} on the
   * client side.
   */
  public static final X509TrustManager ACCEPT_ANY =
      new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };

  private Certificates() {}

  /** Every PEM certificate in {@code file}, in order; empty when it holds none. */
  public static List<X509Certificate> read(Path file) throws IOException, GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Certificate c : cf.generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    return out;
  }

  /** A PKCS#12 trust store holding {@code cas} (as {@code ca0}, {@code ca1}, ...). */
  public static KeyStore trustStore(List<X509Certificate> cas)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      ks.setCertificateEntry("ca" + i, cas.get(i));
    }
    return ks;
  }
}
