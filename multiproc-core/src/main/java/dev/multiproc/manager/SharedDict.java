package dev.multiproc.manager;

import dev.multiproc.function.SerializableBiFunction;
import dev.multiproc.internal.manager.ManagerProtocol.Op;
import dev.multiproc.internal.manager.ManagerRef;
import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * A proxy to a dict owned by a {@link Manager}: Python's {@code manager.dict()}, as a {@link Map}.
 *
 * <p>Each method is one atomic operation in the manager (see {@link Manager} for the consistency
 * model). Keys and values are copied in and out: {@code get} returns a copy, so changing a nested
 * object changes only the copy — write it back with {@link #put}, or apply the change in the
 * manager with {@link #compute}. {@link #entrySet()}, {@code keySet()} and {@code values()} are
 * snapshots; changing them does not change the dict. Serializable: pass it to other processes.
 *
 * {@snippet :
 * SharedDict<String, List<Integer>> d = manager.dict();
 * d.put("xs", new ArrayList<>(List.of(1)));
 * d.get("xs").add(2);                                                  // lost: a local copy
 * d.compute("xs", (k, v) -> { v.add(2); return v; });                 // applied in the manager
 * }
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class SharedDict<K, V> extends AbstractMap<K, V> implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final ManagerRef ref;
  private final long id;

  SharedDict(ManagerRef ref, long id) {
    this.ref = ref;
    this.id = id;
  }

  @Override
  public int size() {
    return (Integer) ref.call(id, Op.SIZE);
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    return (V) ref.call(id, Op.GET, key);
  }

  @Override
  @SuppressWarnings("unchecked")
  public V put(K key, V value) {
    return (V) ref.call(id, Op.PUT, key, value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public V remove(Object key) {
    return (V) ref.call(id, Op.REMOVE, key);
  }

  @Override
  public boolean containsKey(Object key) {
    return (Boolean) ref.call(id, Op.CONTAINS_KEY, key);
  }

  @Override
  public void clear() {
    ref.call(id, Op.CLEAR);
  }

  /**
   * Atomically recomputes the value of {@code key} in the manager ({@link Map#compute} semantics:
   * a null result removes the entry).
   *
   * @param key the key
   * @param remapping a serializable function of the key and its current value (or null)
   * @return the new value
   */
  @SuppressWarnings("unchecked")
  public V compute(K key, SerializableBiFunction<? super K, ? super V, ? extends V> remapping) {
    return (V) ref.call(id, Op.COMPUTE, key, remapping);
  }

  /** {@return a copy of the whole dict, taken in one operation} */
  @SuppressWarnings("unchecked")
  public Map<K, V> snapshot() {
    return (Map<K, V>) ref.call(id, Op.SNAPSHOT);
  }

  /** {@return a snapshot of the entries; changing it does not change the dict} */
  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return snapshot().entrySet();
  }

  @Override
  public boolean equals(Object o) {
    return o == this;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  @Override
  public String toString() {
    return "SharedDict" + snapshot();
  }
}
