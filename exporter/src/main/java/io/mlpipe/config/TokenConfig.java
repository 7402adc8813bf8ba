package io.mlpipe.config;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One bearer token, known only by its hash: {@code sha256} (hex of the token's SHA-256; right for
 * long random tokens) or {@code bcrypt}.
 *
 * @param sha256 the 32-byte digest, or null
 * @param bcrypt a bcrypt hash ({@code $2a$...}, {@code $2b$...}, {@code $2y$...}), or null
 * @param pipelines globs of pipelines the token may write events for and push {@code pipeline}
 *     labels of
 * @param jobs globs of Pushgateway {@code job} names the token may push to and delete
 * @param expires after this instant the token is refused (401), or null
 */
public record TokenConfig(
    String name,
    byte[] sha256,
    String bcrypt,
    Set<String> scopes,
    List<String> pipelines,
    List<String> jobs,
    Instant expires) {

  Map<String, Object> toDisplayMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put(sha256 != null ? "sha256" : "bcrypt", "<secret>");
    out.put("scopes", List.copyOf(new java.util.TreeSet<>(scopes)));
    out.put("pipelines", pipelines);
    out.put("jobs", jobs);
    if (expires != null) {
      out.put("expires", expires.toString());
    }
    return out;
  }
}
