package io.mlpipe.http;

import io.mlpipe.config.ConfigError;
import io.mlpipe.config.ConfigException;
import io.mlpipe.config.IoErrors;
import io.mlpipe.config.YamlNode;
import io.mlpipe.tls.Certificates;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads a web config file in exporter-toolkit's format, reporting problems as the main config does
 * ({@code file:line:column: path: message}). File paths inside it are relative to its directory.
 *
 * <pre>{@code
 * WebConfig web = WebConfigLoader.load(Path.of("web.yml")); // throws ConfigException
 * }</pre>
 */
public final class WebConfigLoader {

  private static final Set<String> TOP_KEYS =
      Set.of("tls_server_config", "http_server_config", "basic_auth_users");
  private static final Set<String> TLS_KEYS =
      Set.of(
          "cert_file",
          "key_file",
          "client_auth_type",
          "client_ca_file",
          "min_version",
          "max_version",
          "cipher_suites",
          "prefer_server_cipher_suites");
  private static final Set<String> HTTP_KEYS = Set.of("headers", "http2");
  // exporter-toolkit accepts these headers only.
  private static final Map<String, String> HEADERS = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  static {
    for (String h :
        List.of(
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "X-XSS-Protection",
            "Strict-Transport-Security")) {
      HEADERS.put(h, h);
    }
  }

  private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");
  private static final List<String> JSSE_VERSIONS =
      List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
  private static final Set<String> CLIENT_AUTH =
      Set.of(
          "NoClientCert",
          "RequestClientCert",
          "RequireAnyClientCert",
          "VerifyClientCertIfGiven",
          "RequireAndVerifyClientCert");

  /** TLS 1.3 suites; Go does not let them be chosen, so they stay on whatever is configured. */
  static final List<String> TLS13_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** Go's crypto/tls cipher suite names that Java also has (same IANA names but two aliases). */
  private static final Map<String, String> CIPHERS = new LinkedHashMap<>();

  static {
    for (String s :
        List.of(
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")) {
      CIPHERS.put(s, s);
    }
    CIPHERS.put(
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    CIPHERS.put(
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
  }

  private static final Set<String> INSECURE_GO_CIPHERS =
      Set.of(
          "TLS_RSA_WITH_RC4_128_SHA",
          "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
          "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
          "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA");

  private WebConfigLoader() {}

  public static WebConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(
              new ConfigError(file.toString(), 0, 0, "", "cannot read file: " + IoErrors.why(e))));
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(file.toString(), text, dir, file);
  }

  /**
   * Parses web config text; {@code source} names it in errors, {@code dir} resolves relative paths.
   */
  public static WebConfig parse(String source, String text, Path dir) throws ConfigException {
    return parse(source, text, dir, null);
  }

  private static WebConfig parse(String source, String text, Path dir, Path self)
      throws ConfigException {
    List<ConfigError> errors = new ArrayList<>();
    YamlNode root;
    try {
      root = YamlNode.parse(source, text, errors);
    } catch (RuntimeException e) {
      throw new ConfigException(
          List.of(new ConfigError(source, 0, 0, "", "invalid YAML: " + e.getMessage())));
    }
    WebConfig result = null;
    if (errors.isEmpty()) {
      List<Path> files = new ArrayList<>();
      if (self != null) {
        files.add(self.toAbsolutePath());
      }
      Map<String, YamlNode> top = root.asMapping(TOP_KEYS);
      WebConfig.Tls tls = null;
      if (top.containsKey("tls_server_config") && !top.get("tls_server_config").isNull()) {
        tls = tls(top.get("tls_server_config"), dir, files);
      }
      Map<String, String> headers = new LinkedHashMap<>();
      if (top.containsKey("http_server_config")) {
        Map<String, YamlNode> h = top.get("http_server_config").asMapping(HTTP_KEYS);
        if (h.containsKey("http2")) {
          h.get("http2").asBoolean();
        }
        if (h.containsKey("headers")) {
          h.get("headers")
              .asAnyMapping()
              .forEach(
                  (name, value) -> {
                    String canonical = HEADERS.get(name);
                    if (canonical == null) {
                      value.error(
                          "header '"
                              + name
                              + "' cannot be set (allowed: "
                              + String.join(", ", HEADERS.values())
                              + ")");
                    } else {
                      value
                          .asString()
                          .ifPresent(
                              v -> {
                                if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                                  value.error("must not contain control characters");
                                } else {
                                  headers.put(canonical, v);
                                }
                              });
                    }
                  });
        }
      }
      Map<String, String> users = new TreeMap<>();
      if (top.containsKey("basic_auth_users")) {
        top.get("basic_auth_users")
            .asAnyMapping()
            .forEach(
                (user, hash) ->
                    hash.asString()
                        .ifPresent(
                            h -> {
                              if (user.isEmpty() || user.contains(":")) {
                                hash.error("user name must be non-empty and without ':'");
                              } else if (!h.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                                hash.error(
                                    "must be a bcrypt hash like $2y$10$... (htpasswd -nBC 10 USER)");
                              } else {
                                users.put(user, h);
                              }
                            }));
      }
      result = new WebConfig(source, tls, users, headers, List.copyOf(files));
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return result;
  }

  private static WebConfig.Tls tls(YamlNode node, Path dir, List<Path> files) {
    Map<String, YamlNode> f = node.asMapping(TLS_KEYS);
    YamlNode certNode = f.get("cert_file");
    YamlNode keyNode = f.get("key_file");
    Path cert = path(certNode, dir);
    Path key = path(keyNode, dir);
    if (certNode == null || keyNode == null) {
      node.error("cert_file and key_file are both required for TLS");
    }
    String clientAuth = "NoClientCert";
    if (f.containsKey("client_auth_type")) {
      YamlNode c = f.get("client_auth_type");
      Optional<String> v = c.asString();
      if (v.isPresent() && CLIENT_AUTH.contains(v.get())) {
        clientAuth = v.get();
      } else if (v.isPresent()) {
        c.error(
            "unknown client_auth_type '"
                + v.get()
                + "' (allowed: "
                + String.join(", ", new java.util.TreeSet<>(CLIENT_AUTH))
                + ")");
      }
    }
    YamlNode caNode = f.get("client_ca_file");
    Path ca = path(caNode, dir);
    if (ca != null && clientAuth.equals("NoClientCert")) {
      caNode.error("client_ca_file is set but client_auth_type is NoClientCert (no client auth)");
    }
    if (ca == null
        && (clientAuth.equals("VerifyClientCertIfGiven")
            || clientAuth.equals("RequireAndVerifyClientCert"))) {
      f.get("client_auth_type").error(clientAuth + " needs client_ca_file to verify against");
    }
    int min = version(f.get("min_version"), 2);
    int max = version(f.get("max_version"), 3);
    if (min > max) {
      f.get("min_version").error("min_version is above max_version");
    }
    List<String> protocols = JSSE_VERSIONS.subList(Math.min(min, max), max + 1);
    List<String> ciphers = new ArrayList<>();
    if (f.containsKey("cipher_suites")) {
      for (YamlNode c : f.get("cipher_suites").asSequence()) {
        c.asString()
            .ifPresent(
                name -> {
                  String jsse = CIPHERS.get(name);
                  if (jsse != null) {
                    ciphers.add(jsse);
                  } else if (INSECURE_GO_CIPHERS.contains(name)) {
                    c.error("cipher suite " + name + " is insecure and not offered by Java");
                  } else if (TLS13_SUITES.contains(name)) {
                    c.error(
                        name
                            + " is a TLS 1.3 suite; as in Go, TLS 1.3 suites are not configurable");
                  } else {
                    c.error("unknown cipher suite '" + name + "' (use Go's crypto/tls names)");
                  }
                });
      }
    }
    boolean prefer =
        f.containsKey("prefer_server_cipher_suites")
            && f.get("prefer_server_cipher_suites").asBoolean().orElse(false);
    KeyStore keyStore = null;
    if (cert != null && key != null) {
      files.add(cert);
      files.add(key);
      keyStore = keyStore(cert, key, certNode, keyNode);
    }
    KeyStore trustStore = null;
    if (ca != null) {
      files.add(ca);
      trustStore = trustStore(ca, caNode);
    }
    return new WebConfig.Tls(
        cert,
        key,
        clientAuth,
        ca,
        List.copyOf(protocols),
        List.copyOf(ciphers),
        prefer,
        keyStore,
        trustStore);
  }

  private static Path path(YamlNode node, Path dir) {
    if (node == null) {
      return null;
    }
    Optional<String> s = node.asString();
    if (s.isEmpty() || s.get().isEmpty()) {
      if (s.isPresent()) {
        node.error("must not be empty");
      }
      return null;
    }
    Path p = dir.resolve(s.get()).normalize();
    if (!Files.isReadable(p)) {
      node.error("cannot read " + p);
      return null;
    }
    return p;
  }

  private static int version(YamlNode node, int fallback) {
    if (node == null) {
      return fallback;
    }
    Optional<String> v = node.asString();
    if (v.isEmpty()) {
      return fallback;
    }
    int i = VERSIONS.indexOf(v.get().toUpperCase(Locale.ROOT));
    if (i < 0) {
      node.error("unknown TLS version '" + v.get() + "' (allowed: TLS10, TLS11, TLS12, TLS13)");
      return fallback;
    }
    if (i < 2) {
      node.error("TLS versions below TLS12 are disabled in Java; use TLS12 or TLS13");
      return fallback;
    }
    return i;
  }

  /** The certificate chain and private key of {@code cert_file}/{@code key_file} as a KeyStore. */
  private static KeyStore keyStore(
      Path certFile, Path keyFile, YamlNode certNode, YamlNode keyNode) {
    List<X509Certificate> chain;
    try {
      chain = Certificates.read(certFile);
    } catch (Exception e) {
      certNode.error("cannot read certificates from " + certFile + ": " + e.getMessage());
      return null;
    }
    if (chain.isEmpty()) {
      certNode.error(certFile + " holds no PEM certificate");
      return null;
    }
    PrivateKey key;
    try {
      key = privateKey(keyFile);
    } catch (Exception e) {
      keyNode.error("cannot read a private key from " + keyFile + ": " + e.getMessage());
      return null;
    }
    if (!chain.get(0).getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
      keyNode.error(
          "the private key does not match the certificate's "
              + chain.get(0).getPublicKey().getAlgorithm()
              + " key");
      return null;
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", key, new char[0], chain.toArray(new Certificate[0]));
      return ks;
    } catch (Exception e) {
      keyNode.error("cannot use the key pair: " + e.getMessage());
      return null;
    }
  }

  private static KeyStore trustStore(Path caFile, YamlNode caNode) {
    try {
      List<X509Certificate> cas = Certificates.read(caFile);
      if (cas.isEmpty()) {
        caNode.error(caFile + " holds no PEM certificate");
        return null;
      }
      return Certificates.trustStore(cas);
    } catch (Exception e) {
      caNode.error("cannot read CA certificates from " + caFile + ": " + e.getMessage());
      return null;
    }
  }

  /** PKCS#8, PKCS#1 RSA or SEC1 EC keys in PEM, as Go's tls.X509KeyPair reads them. */
  static PrivateKey privateKey(Path file) throws Exception {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        PEMParser parser = new PEMParser(r)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      }
    }
    throw new IOException("no unencrypted PEM private key found");
  }
}
