package io.mlpipe.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code auth:} section: who may read and write. Off (everything open, as without the section)
 * until a token is configured or the web config has {@code basic_auth_users}.
 *
 * @param anonymous scopes granted to requests without credentials while auth is on
 * @param basicAuthScopes scopes of the web config's {@code basic_auth_users} (all pipelines/jobs)
 * @param tokens bearer tokens, from the section and from {@code tokens_file}
 * @param tokensFile where more tokens are read from, or null
 */
public record AuthConfig(
    Set<String> anonymous,
    Set<String> basicAuthScopes,
    List<TokenConfig> tokens,
    String tokensFile) {

  /** The scopes a token or user may hold. */
  public static final Set<String> SCOPES = Set.of("read", "write", "admin");

  public static AuthConfig defaults() {
    return new AuthConfig(Set.of(), Set.of("read", "write", "admin"), List.of(), null);
  }

  public AuthConfig withTokens(List<TokenConfig> more) {
    List<TokenConfig> all = new ArrayList<>(tokens);
    all.addAll(more);
    return new AuthConfig(anonymous, basicAuthScopes, List.copyOf(all), tokensFile);
  }

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("anonymous", List.copyOf(new java.util.TreeSet<>(anonymous)));
    out.put("basic_auth_scopes", List.copyOf(new java.util.TreeSet<>(basicAuthScopes)));
    List<Object> t = new ArrayList<>();
    for (TokenConfig token : tokens) {
      t.add(token.toDisplayMap());
    }
    out.put("tokens", t);
    if (tokensFile != null) {
      out.put("tokens_file", tokensFile);
    }
    return out;
  }
}
