package io.mlpipe.http;

/**
 * A {@code host:port} to listen on, as node_exporter's {@code --web.listen-address}: {@code :9478}
 * (every interface), {@code 127.0.0.1:9478}, {@code [::1]:9478}; port 0 picks a free port.
 *
 * @param host null for every interface
 */
public record ListenAddress(String host, int port) {

  public static ListenAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "listen address '" + text + "' must be host:port or :port");
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "listen address '" + text + "': put an IPv6 host in brackets, e.g. [::1]:9478");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "listen address '" + text + "': port '" + portText + "' is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "listen address '" + text + "': port must be between 0 and 65535");
    }
    return new ListenAddress(host.isEmpty() ? null : host, port);
  }

  @Override
  public String toString() {
    String h = host == null ? "" : host.contains(":") ? "[" + host + "]" : host;
    return h + ":" + port;
  }
}
