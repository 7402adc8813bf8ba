package io.mlpipe.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests, made with BouncyCastle: a CA, server certificates
 * for 127.0.0.1/localhost and client certificates, written as PEM files like openssl would.
 *
 * <pre>{@code
 * TestCa ca = TestCa.create("test-ca");
 * TestCa.Issued server = ca.server(dir, "server");  // server.cert(), server.key()
 * Path caFile = ca.writeCert(dir.resolve("ca.pem"));
 * SSLContext client = ca.clientContext(null);
 * }</pre>
 */
public final class TestCa {

  /** A certificate and its key, as objects and as PEM files. */
  public record Issued(X509Certificate certificate, KeyPair keys, Path cert, Path key) {}

  private final X509Certificate certificate;
  private final KeyPair keys;
  private long serial = 2;

  private TestCa(X509Certificate certificate, KeyPair keys) {
    this.certificate = certificate;
    this.keys = keys;
  }

  public static TestCa create(String name) {
    try {
      KeyPair keys = rsa();
      X500Name subject = new X500Name("CN=" + name);
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.ONE,
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(2))),
              subject,
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new TestCa(sign(b, keys), keys);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test CA", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** A server certificate for 127.0.0.1 and localhost, written to dir/name.crt and name.key. */
  public Issued server(Path dir, String name) {
    return issue(dir, name, true);
  }

  /** A client certificate (CN=name), written to dir/name.crt and name.key. */
  public Issued client(Path dir, String name) {
    return issue(dir, name, false);
  }

  private Issued issue(Path dir, String name, boolean server) {
    try {
      KeyPair kp = rsa();
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              certificate,
              BigInteger.valueOf(serial++),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              new X500Name("CN=" + name),
              kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
      if (server) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(
                new GeneralName[] {
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                  new GeneralName(GeneralName.dNSName, "localhost")
                }));
      }
      X509Certificate cert = sign(b, keys);
      Files.createDirectories(dir);
      Path certFile = dir.resolve(name + ".crt");
      Path keyFile = dir.resolve(name + ".key");
      Files.writeString(certFile, pem(cert));
      Files.writeString(keyFile, pem(kp.getPrivate()));
      return new Issued(cert, kp, certFile, keyFile);
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue " + name, e);
    }
  }

  /** Writes the CA certificate as PEM. */
  public Path writeCert(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, pem(certificate));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client SSLContext that trusts this CA and presents {@code client} (may be null). */
  public SSLContext clientContext(Issued client) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (client != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
            "client",
            client.keys().getPrivate(),
            new char[0],
            new java.security.cert.Certificate[] {client.certificate()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a client TLS context", e);
    }
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, new SecureRandom());
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
    ContentSigner s = new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(s));
  }

  private static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    }
    return w.toString();
  }
}
