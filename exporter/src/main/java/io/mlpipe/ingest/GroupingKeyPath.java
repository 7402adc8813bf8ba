package io.mlpipe.ingest;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes Pushgateway's grouping key from a URL path: {@code job/<job>{/<label>/<value>}}, where a
 * name suffixed {@code @base64} carries a base64url value (so values may contain {@code /}) and
 * {@code =} alone is the empty value.
 */
public final class GroupingKeyPath {

  private GroupingKeyPath() {}

  /**
   * @param path the part after {@code /metrics/}, still percent-decoded by the servlet container
   */
  public static Map<String, String> parse(String path) throws BadRequestException {
    if (path == null || path.isEmpty()) {
      throw new BadRequestException(
          "missing grouping key: use /metrics/job/<job>{/<label>/<value>}");
    }
    String[] parts = path.split("/", -1);
    if (parts.length % 2 != 0) {
      throw new BadRequestException("odd number of components in label string \"/" + path + "\"");
    }
    Map<String, String> key = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i += 2) {
      String name = parts[i];
      String value = parts[i + 1];
      if (name.endsWith("@base64")) {
        name = name.substring(0, name.length() - "@base64".length());
        value = decodeBase64(name, value);
      }
      if (i == 0 && !name.equals("job")) {
        throw new BadRequestException("the grouping key must start with job: /metrics/job/<job>");
      }
      if (!MetricNames.isValidLabelName(name)) {
        throw new BadRequestException("improper label name \"" + name + "\"");
      }
      if (name.equals("job") && value.isEmpty()) {
        throw new BadRequestException("job name is required and must not be empty");
      }
      if (key.put(name, value) != null) {
        throw new BadRequestException(
            "label name \"" + name + "\" appears twice in the grouping key");
      }
    }
    return key;
  }

  private static String decodeBase64(String name, String value) throws BadRequestException {
    if (value.equals("=")) {
      return "";
    }
    String padded = value.replace('+', '-').replace('/', '_');
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(padded);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(
          "invalid base64 encoding for label \""
              + name
              + "\" value \""
              + value
              + "\": "
              + e.getMessage());
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException(
          "label \"" + name + "\" value is not valid UTF-8 after base64 decoding");
    }
  }
}
