package dev.multiproc.manager;

import dev.multiproc.function.SerializableFunction;
import dev.multiproc.internal.manager.ManagerProtocol.Op;
import dev.multiproc.internal.manager.ManagerRef;
import java.io.Serial;
import java.io.Serializable;

/**
 * A proxy to a single value owned by a {@link Manager}: Python's {@code manager.Value(type, v)}.
 * For numbers shared by processes of one machine, {@code dev.multiproc.shared.SharedLong} and
 * friends are far faster; this one holds any serializable object and works across machines.
 *
 * @param <T> the value's type
 */
public final class ManagedValue<T> implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final ManagerRef ref;
  private final long id;

  ManagedValue(ManagerRef ref, long id) {
    this.ref = ref;
    this.id = id;
  }

  /** {@return a copy of the value} */
  @SuppressWarnings("unchecked")
  public T get() {
    return (T) ref.call(id, Op.VALUE_GET);
  }

  /**
   * Sets the value.
   *
   * @param value the new value (copied)
   */
  public void set(T value) {
    ref.call(id, Op.VALUE_SET, value);
  }

  /**
   * Atomically replaces the value by {@code f} applied to it, in the manager.
   *
   * @param f a serializable function of the current value
   * @return the new value
   */
  @SuppressWarnings("unchecked")
  public T update(SerializableFunction<? super T, ? extends T> f) {
    return (T) ref.call(id, Op.VALUE_UPDATE, f);
  }

  @Override
  public String toString() {
    return "ManagedValue[" + get() + "]";
  }
}
