package dev.multiproc.hazelcast;

import com.hazelcast.map.IMap;
import dev.multiproc.hazelcast.internal.SharedClients;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

/**
 * What {@link ClusterCounter} and {@link ClusterLock} share: a name in one of the cluster's maps,
 * and a connection opened where the object is first used. Only the cluster's URI and the name
 * travel; the map is looked up again in each JVM.
 *
 * @param <V> the map's value type
 */
abstract class NamedClusterObject<V> implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final String clusterUri;
  private final String name;
  private final String mapName;
  private transient volatile IMap<String, V> map;

  NamedClusterObject(ClusterConfig config, String name, String mapName) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a " + getClass().getSimpleName() + " needs a name");
    }
    this.clusterUri = Objects.requireNonNull(config, "config").toUri();
    this.name = name;
    this.mapName = mapName;
  }

  final IMap<String, V> map() {
    IMap<String, V> m = map;
    if (m == null) {
      map = m = SharedClients.get(clusterUri).getMap(mapName);
    }
    return m;
  }

  /** {@return the object's name; the same name is the same object everywhere in the cluster} */
  public final String name() {
    return name;
  }

  @Override
  public final String toString() {
    return getClass().getSimpleName() + "[" + name + "]";
  }
}
