package dev.multiproc.hazelcast.internal;

import dev.multiproc.hazelcast.ClusterConfig;
import dev.multiproc.spi.PoolBackend;
import dev.multiproc.spi.PoolBackendProvider;
import java.net.URI;

/** Opens {@code hazelcast://host:port[,host:port]?cluster-name=N} for {@code Pool.builder().cluster(uri)}. */
public final class HazelcastBackendProvider implements PoolBackendProvider {
  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public HazelcastBackendProvider() {}

  @Override
  public String scheme() {
    return "hazelcast";
  }

  @Override
  public PoolBackend open(URI uri) {
    ClusterConfig config = ClusterConfig.parse(uri.toString());
    return ClusterBackend.connect(config.clusterName(), config.addresses(), config.connectTimeout());
  }
}
