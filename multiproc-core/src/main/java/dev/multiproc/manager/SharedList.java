package dev.multiproc.manager;

import dev.multiproc.function.SerializableFunction;
import dev.multiproc.internal.manager.ManagerProtocol.Op;
import dev.multiproc.internal.manager.ManagerRef;
import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A proxy to a list owned by a {@link Manager}: Python's {@code manager.list()}, as a {@link List}.
 *
 * <p>{@code get}, {@code set}, {@code add}, {@code remove(int)}, {@code size} and {@code clear}
 * are each one atomic operation in the manager; methods inherited from {@link AbstractList}
 * (iteration, {@code indexOf}, {@code addAll}, ...) are sequences of them, not atomic — use
 * {@link #snapshot()} for a consistent copy. Elements are copied in and out: change a nested
 * element with {@link #set} or {@link #update} (see {@link Manager}). Serializable.
 *
 * @param <E> element type
 */
public final class SharedList<E> extends AbstractList<E> implements RandomAccess, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final ManagerRef ref;
  private final long id;

  SharedList(ManagerRef ref, long id) {
    this.ref = ref;
    this.id = id;
  }

  @Override
  public int size() {
    return (Integer) ref.call(id, Op.SIZE);
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    return (E) ref.call(id, Op.GET, index);
  }

  @Override
  @SuppressWarnings("unchecked")
  public E set(int index, E element) {
    return (E) ref.call(id, Op.LIST_SET, index, element);
  }

  @Override
  public void add(int index, E element) {
    ref.call(id, Op.LIST_ADD, index, element);
  }

  /** Appends in one operation (not {@code size()} then {@code add(size, e)}, which could race). */
  @Override
  public boolean add(E element) {
    ref.call(id, Op.LIST_ADD, -1, element);
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public E remove(int index) {
    return (E) ref.call(id, Op.LIST_REMOVE, index);
  }

  @Override
  public void clear() {
    ref.call(id, Op.CLEAR);
  }

  /**
   * Atomically replaces element {@code index} by {@code f} applied to it, in the manager.
   *
   * @param index the position
   * @param f a serializable function of the current element
   * @return the new element
   */
  @SuppressWarnings("unchecked")
  public E update(int index, SerializableFunction<? super E, ? extends E> f) {
    return (E) ref.call(id, Op.LIST_UPDATE, index, f);
  }

  /** {@return a copy of the whole list, taken in one operation} */
  @SuppressWarnings("unchecked")
  public List<E> snapshot() {
    return (List<E>) ref.call(id, Op.SNAPSHOT);
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
    return "SharedList" + snapshot();
  }
}
