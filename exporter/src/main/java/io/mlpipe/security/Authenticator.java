package io.mlpipe.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.mlpipe.config.AuthConfig;
import io.mlpipe.config.TokenConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns an {@code Authorization} header into an {@link Identity}: HTTP basic auth against the web
 * config's bcrypt-hashed users, or a bearer token against the auth config's hashed tokens. Digests
 * are compared with {@link MessageDigest#isEqual} over every token (no early exit); successful
 * bcrypt checks are remembered (by a SHA-256 of the credentials) so that only the first request of
 * a client pays bcrypt's cost, as exporter-toolkit does.
 *
 * <pre>{@code
 * Authenticator a = new Authenticator(authConfig, Map.of("prometheus", "$2y$10$..."));
 * Authenticator.Result r = a.authenticate(req.getHeader("Authorization"), Instant.now());
 * }</pre>
 */
public final class Authenticator {

  /** The identity, or the reason for refusing: missing, bad_password, bad_token, expired_token. */
  public record Result(Identity identity, String failure) {
    public boolean ok() {
      return failure == null;
    }
  }

  // Compared against when the user is unknown, so that unknown and known users cost the same.
  private static final String DUMMY_HASH =
      "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
  private static final int CACHE_SIZE = 1024;

  private final AuthConfig auth;
  private final Map<String, String> users;
  private final List<Compiled> tokens = new ArrayList<>();
  private final Map<String, Boolean> verified =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > CACHE_SIZE;
            }
          });

  private record Compiled(TokenConfig config, Identity identity) {}

  public Authenticator(AuthConfig auth, Map<String, String> users) {
    this.auth = auth;
    this.users = Map.copyOf(users);
    for (TokenConfig t : auth.tokens()) {
      tokens.add(
          new Compiled(
              t,
              new Identity(
                  t.name(), "token", t.scopes(), compile(t.pipelines()), compile(t.jobs()))));
    }
  }

  private static List<Pattern> compile(List<String> globs) {
    return globs.stream().map(Glob::compile).toList();
  }

  /** Auth is on once a token or a basic-auth user exists; off, everything stays open. */
  public boolean enabled() {
    return !tokens.isEmpty() || !users.isEmpty();
  }

  public boolean hasUsers() {
    return !users.isEmpty();
  }

  public boolean hasTokens() {
    return !tokens.isEmpty();
  }

  public Result authenticate(String header, Instant now) {
    if (!enabled()) {
      return new Result(Identity.OPEN, null);
    }
    if (header == null || header.isBlank()) {
      return new Result(Identity.anonymous(auth.anonymous()), null);
    }
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    String value = space < 0 ? "" : header.substring(space + 1).strip();
    if (scheme.equalsIgnoreCase("Basic")) {
      return basic(value);
    }
    if (scheme.equalsIgnoreCase("Bearer")) {
      return bearer(value, now);
    }
    return new Result(null, "missing");
  }

  private Result basic(String encoded) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Result(null, "bad_password");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return new Result(null, "bad_password");
    }
    String user = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    String hash = users.get(user);
    boolean ok = bcryptMatches(user, password, hash == null ? DUMMY_HASH : hash) && hash != null;
    if (!ok) {
      return new Result(null, "bad_password");
    }
    return new Result(new Identity(user, "basic", auth.basicAuthScopes(), null, null), null);
  }

  private Result bearer(String token, Instant now) {
    if (token.isEmpty()) {
      return new Result(null, "bad_token");
    }
    byte[] digest = sha256(token.getBytes(StandardCharsets.UTF_8));
    Compiled match = null;
    for (Compiled t : tokens) {
      // every sha256 token is compared, whatever matched before: no timing hint of which
      if (t.config().sha256() != null && MessageDigest.isEqual(digest, t.config().sha256())) {
        match = t;
      }
    }
    if (match == null) {
      for (Compiled t : tokens) {
        if (t.config().bcrypt() != null && bcryptMatches("", token, t.config().bcrypt())) {
          match = t;
          break;
        }
      }
    }
    if (match == null) {
      return new Result(null, "bad_token");
    }
    Instant expires = match.config().expires();
    if (expires != null && !now.isBefore(expires)) {
      return new Result(null, "expired_token");
    }
    return new Result(match.identity(), null);
  }

  private boolean bcryptMatches(String user, String password, String hash) {
    String key =
        Base64.getEncoder()
            .encodeToString(
                sha256((user + '\0' + password + '\0' + hash).getBytes(StandardCharsets.UTF_8)));
    if (verified.containsKey(key)) {
      return true;
    }
    boolean ok;
    try {
      ok =
          BCrypt.verifyer()
              .verify(
                  password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8))
              .verified;
    } catch (RuntimeException e) {
      ok = false; // malformed hash or a password over bcrypt's 72 bytes
    }
    if (ok) {
      verified.put(key, Boolean.TRUE);
    }
    return ok;
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java", e);
    }
  }
}
