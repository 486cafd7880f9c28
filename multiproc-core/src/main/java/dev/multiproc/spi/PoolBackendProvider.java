package dev.multiproc.spi;

import java.net.URI;

/**
 * Opens a {@link PoolBackend} from a URI such as {@code hazelcast://host:5701,host2:5701?cluster-name=N},
 * for {@link dev.multiproc.Pool.Builder#cluster(String)}. Found with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/dev.multiproc.spi.PoolBackendProvider} entry on the class path, or
 * {@code provides} in a module), so code that builds pools never names the backend's classes.
 */
public interface PoolBackendProvider {
  /** {@return the URI scheme this provider opens, e.g. {@code "hazelcast"}} */
  String scheme();

  /**
   * Connects to the backend the URI names.
   *
   * @param uri the URI, with this provider's scheme
   * @return the connected backend; the pool owns it from then on
   * @throws IllegalArgumentException if the URI is malformed (the message says how)
   * @throws dev.multiproc.MultiprocException if the backend cannot be reached
   */
  PoolBackend open(URI uri);
}
