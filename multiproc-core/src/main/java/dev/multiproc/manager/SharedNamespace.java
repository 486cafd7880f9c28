package dev.multiproc.manager;

import dev.multiproc.function.SerializableFunction;
import dev.multiproc.internal.manager.ManagerProtocol.Op;
import dev.multiproc.internal.manager.ManagerRef;
import java.io.Serial;
import java.io.Serializable;
import java.util.Map;

/**
 * A proxy to a namespace owned by a {@link Manager}: Python's {@code manager.Namespace()}, whose
 * attributes ({@code ns.x = 1}) become named entries ({@code ns.set("x", 1)}).
 *
 * <p>Each method is one atomic operation in the manager; values are copies (see {@link Manager}).
 * Serializable.
 */
public final class SharedNamespace implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final ManagerRef ref;
  private final long id;

  SharedNamespace(ManagerRef ref, long id) {
    this.ref = ref;
    this.id = id;
  }

  /**
   * {@return the attribute's value, or null if it is not set}
   *
   * @param name the attribute
   * @param <T> its type
   */
  @SuppressWarnings("unchecked")
  public <T> T get(String name) {
    return (T) ref.call(id, Op.GET, name);
  }

  /**
   * Sets an attribute.
   *
   * @param name the attribute
   * @param value its value (copied)
   */
  public void set(String name, Object value) {
    ref.call(id, Op.PUT, name, value);
  }

  /**
   * Atomically replaces an attribute by {@code f} applied to it, in the manager.
   *
   * @param name the attribute
   * @param f a serializable function of its current value (null if unset)
   * @param <T> its type
   * @return the new value
   */
  @SuppressWarnings("unchecked")
  public <T> T update(String name, SerializableFunction<T, T> f) {
    dev.multiproc.function.SerializableBiFunction<Object, Object, Object> g = (k, v) -> f.apply((T) v);
    return (T) ref.call(id, Op.COMPUTE, name, g);
  }

  /**
   * Removes an attribute (Python's {@code del ns.x}).
   *
   * @param name the attribute
   */
  public void delete(String name) {
    ref.call(id, Op.REMOVE, name);
  }

  /** {@return a copy of every attribute, taken in one operation} */
  @SuppressWarnings("unchecked")
  public Map<String, Object> snapshot() {
    return (Map<String, Object>) ref.call(id, Op.SNAPSHOT);
  }

  @Override
  public String toString() {
    return "Namespace" + snapshot();
  }
}
