package dev.multiproc.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import dev.multiproc.hazelcast.ClusterConfig;
import java.io.Serial;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Overview: the cluster objects' connection, one per JVM and cluster.
 *
 * A ClusterCounter or ClusterLock travels to a task as its cluster URI and name. Where it arrives
 * — the caller, or a worker JVM of some member, which is no cluster client of its own — the first
 * use opens one Hazelcast client for that cluster and every later object of the cluster in that
 * JVM shares it (opening one costs about a second and some 20-40 MB). Clients stay open until
 * closeAll() (ClusterPool.closeSharedObjects(): a client's threads are not daemons, so a caller's
 * JVM would not exit by itself) or the JVM exits; worker JVMs exit explicitly, which drops their
 * client's connections and releases any key lock still held (Hazelcast frees a dead client's locks).
 */
/** One Hazelcast client per JVM and cluster, for the cluster objects; and their entry processors. */
public final class SharedClients {
  private static final Map<String, HazelcastInstance> CLIENTS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("multiproc-cluster-objects-exit").unstarted(
        () -> CLIENTS.values().forEach(HazelcastInstance::shutdown)));
  }

  private SharedClients() {}

  /**
   * {@return the shared client for the cluster at {@code uri}, connecting on first use}
   *
   * @param uri the cluster's URI ({@link ClusterConfig#toUri()})
   */
  public static HazelcastInstance get(String uri) {
    return CLIENTS.computeIfAbsent(uri, u -> {
      ClusterConfig config = ClusterConfig.parse(u);
      return ClusterBackend.newClient(config.clusterName(), config.addresses(), config.connectTimeout());
    });
  }

  /** Closes every client opened here; objects used afterwards connect again. */
  public static void closeAll() {
    for (String uri : CLIENTS.keySet()) {
      HazelcastInstance client = CLIENTS.remove(uri);
      if (client != null) {
        client.shutdown();
      }
    }
  }

  /**
   * Adds to a counter on its partition owner, atomically; returns the new value.
   *
   * @param delta the amount to add
   */
  public record Add(long delta) implements EntryProcessor<String, Long, Long> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public Long process(Map.Entry<String, Long> entry) {
      long value = (entry.getValue() == null ? 0 : entry.getValue()) + delta;
      entry.setValue(value);
      return value;
    }
  }

  /**
   * Sets a counter to {@code update} if it holds {@code expect}, atomically; returns whether it did.
   *
   * @param expect the value it must hold
   * @param update the value to set
   */
  public record CompareAndSet(long expect, long update) implements EntryProcessor<String, Long, Boolean> {
    @Serial private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(Map.Entry<String, Long> entry) {
      long value = entry.getValue() == null ? 0 : entry.getValue();
      if (value != expect) {
        return false;
      }
      entry.setValue(update);
      return true;
    }
  }
}
