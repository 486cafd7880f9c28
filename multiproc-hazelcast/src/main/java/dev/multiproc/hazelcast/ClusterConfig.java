package dev.multiproc.hazelcast;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a cluster pool connects: the cluster's name and some of its members' addresses. Immutable.
 *
 * <p>The cluster name is required: a client (and a member) only talks to members of the same name,
 * so two clusters on one network — another team's, another test run's — never mix. Addresses are
 * {@code host:port} ({@code host} alone means port 5701); one reachable member is enough, the
 * client learns the others from it. As a URI: {@code
 * hazelcast://10.0.0.5:5701,10.0.0.6:5701?cluster-name=analytics&connect-timeout=10s}, for {@link
 * dev.multiproc.Pool.Builder#cluster(String)}.
 *
 * <p>Defaults: connect timeout 10 s (how long {@code connect} tries before it gives up).
 *
 * {@snippet :
 * ClusterConfig config = ClusterConfig.of("analytics", "10.0.0.5:5701", "10.0.0.6:5701");
 * try (Pool pool = ClusterPool.connect(config)) {
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }
 *
 * @see ClusterPool
 */
public final class ClusterConfig {
  /** Hazelcast's default member port. */
  public static final int DEFAULT_PORT = 5701;

  private final String clusterName;
  private final List<String> addresses;
  private final Duration connectTimeout;

  private ClusterConfig(String clusterName, List<String> addresses, Duration connectTimeout) {
    this.clusterName = clusterName;
    this.addresses = addresses;
    this.connectTimeout = connectTimeout;
  }

  /**
   * A configuration for the cluster {@code clusterName} reached through {@code addresses}.
   *
   * @param clusterName the cluster's name, as its members were started with ({@code --cluster-name})
   * @param addresses {@code host:port} of one or more members
   * @return the configuration
   * @throws IllegalArgumentException if the name is blank, no address is given or one is malformed
   */
  public static ClusterConfig of(String clusterName, String... addresses) {
    return of(clusterName, List.of(addresses));
  }

  /**
   * A configuration for the cluster {@code clusterName} reached through {@code addresses}.
   *
   * @param clusterName the cluster's name
   * @param addresses {@code host:port} of one or more members
   * @return the configuration
   * @throws IllegalArgumentException if the name is blank, no address is given or one is malformed
   */
  public static ClusterConfig of(String clusterName, List<String> addresses) {
    if (clusterName == null || clusterName.isBlank()) {
      throw new IllegalArgumentException("a cluster name is required (the --cluster-name its members were started with)");
    }
    List<String> checked = new ArrayList<>();
    for (String address : Objects.requireNonNull(addresses, "addresses")) {
      checked.add(checkAddress(address));
    }
    if (checked.isEmpty()) {
      throw new IllegalArgumentException("at least one member address (host:port) is required");
    }
    return new ClusterConfig(clusterName, List.copyOf(checked), Duration.ofSeconds(10));
  }

  /**
   * Parses a URI: {@code hazelcast://host:port[,host:port...]?cluster-name=N[&connect-timeout=10s]}.
   *
   * @param uri the URI
   * @return the configuration
   * @throws IllegalArgumentException if the scheme is not {@code hazelcast}, the cluster name or
   *     the addresses are missing, or a value is malformed
   */
  public static ClusterConfig parse(String uri) {
    URI parsed = URI.create(uri);
    if (!"hazelcast".equalsIgnoreCase(parsed.getScheme())) {
      throw new IllegalArgumentException("expected hazelcast://host:port[,host:port]?cluster-name=N, got " + uri);
    }
    String authority = parsed.getRawAuthority();
    if (authority == null || authority.isBlank()) {
      throw new IllegalArgumentException("no member address in " + uri + "; expected hazelcast://host:port?cluster-name=N");
    }
    String name = null;
    Duration timeout = Duration.ofSeconds(10);
    if (parsed.getRawQuery() != null) {
      for (String pair : parsed.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        switch (key) {
          case "cluster-name" -> name = value;
          case "connect-timeout" -> timeout = parseDuration(value);
          default -> throw new IllegalArgumentException("unknown parameter " + key + " in " + uri + " (known: cluster-name, connect-timeout)");
        }
      }
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("the cluster name is required: add ?cluster-name=N to " + uri);
    }
    return of(name, List.of(authority.split(","))).withConnectTimeout(timeout);
  }

  private static Duration parseDuration(String value) {
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      if (value.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("connect-timeout must look like 10s or 500ms, got " + value, e);
    }
  }

  private static String checkAddress(String address) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("a member address must not be blank");
    }
    String trimmed = address.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon < 0) {
      return trimmed + ":" + DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(trimmed.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a member address is host:port with a port in 1..65535, got " + address, e);
    }
    return trimmed;
  }

  /**
   * {@return a copy that gives up connecting after {@code timeout}}
   *
   * @param timeout positive
   */
  public ClusterConfig withConnectTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("connect timeout must be positive, got " + timeout);
    }
    return new ClusterConfig(clusterName, addresses, timeout);
  }

  /** {@return the cluster's name} */
  public String clusterName() {
    return clusterName;
  }

  /** {@return the member addresses, {@code host:port}} */
  public List<String> addresses() {
    return addresses;
  }

  /** {@return how long connecting may take} */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** {@return this configuration as a {@code hazelcast://} URI} */
  public String toUri() {
    return "hazelcast://" + String.join(",", addresses) + "?cluster-name=" + java.net.URLEncoder.encode(clusterName, StandardCharsets.UTF_8)
        + "&connect-timeout=" + connectTimeout.toMillis() + "ms";
  }

  @Override
  public String toString() {
    return toUri();
  }
}
