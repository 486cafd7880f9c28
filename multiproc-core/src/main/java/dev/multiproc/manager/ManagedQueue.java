package dev.multiproc.manager;

import dev.multiproc.internal.manager.ManagerProtocol.Op;
import dev.multiproc.internal.manager.ManagerRef;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * A proxy to an unbounded FIFO queue owned by a {@link Manager}: Python's {@code manager.Queue()},
 * usable across machines. For processes of one machine, {@code dev.multiproc.queue.ProcessQueue}
 * is far faster and survives producer crashes without a middleman.
 *
 * @param <E> element type
 */
public final class ManagedQueue<E> implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final ManagerRef ref;
  private final long id;

  ManagedQueue(ManagerRef ref, long id) {
    this.ref = ref;
    this.id = id;
  }

  /**
   * Appends an item.
   *
   * @param item the item, not null (copied)
   */
  public void put(E item) {
    ref.call(id, Op.QUEUE_PUT, java.util.Objects.requireNonNull(item, "item"));
  }

  /** {@return the oldest item, waiting for one} */
  @SuppressWarnings("unchecked")
  public E take() {
    return (E) ref.call(id, Op.QUEUE_POLL, -1L);
  }

  /**
   * Takes the oldest item, waiting up to {@code timeout}.
   *
   * @param timeout the longest wait
   * @return the item, or null if none came
   */
  @SuppressWarnings("unchecked")
  public E poll(Duration timeout) {
    return (E) ref.call(id, Op.QUEUE_POLL, Math.max(0, timeout.toNanos()));
  }

  /** {@return the number of items} */
  public int size() {
    return (Integer) ref.call(id, Op.SIZE);
  }
}
