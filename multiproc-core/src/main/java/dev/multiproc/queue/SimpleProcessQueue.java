package dev.multiproc.queue;

import java.io.Serial;
import java.io.Serializable;

/**
 * A minimal unbounded queue shared by processes and threads: Python's {@code
 * multiprocessing.SimpleQueue} ({@code put}, {@code get}, {@code empty}, {@code close}).
 *
 * <p>The same shared-memory ring as {@link ProcessQueue}, with the same guarantees (exactly-once
 * delivery, no feeder thread, producer-death recovery, process and thread safety), behind the
 * smallest API. Use {@link ProcessQueue} for timeouts, an item limit or the {@code
 * BlockingQueue} interface.
 *
 * {@snippet :
 * SimpleProcessQueue<String> q = SimpleProcessQueue.create();
 * ChildProcess<Void> p = ChildProcess.of(() -> q.put("hello"));
 * p.start();
 * String greeting = q.get();
 * }
 *
 * @param <E> the element type
 */
public final class SimpleProcessQueue<E> implements Serializable, AutoCloseable {
  @Serial private static final long serialVersionUID = 1L;

  private final transient ProcessQueue<E> queue;

  SimpleProcessQueue(ProcessQueue<E> queue) {
    this.queue = queue;
  }

  /**
   * {@return a new simple queue, in its own shared segment}
   *
   * @param <E> the element type
   */
  public static <E> SimpleProcessQueue<E> create() {
    return ProcessQueue.create(0, ProcessQueue.DEFAULT_CAPACITY_BYTES, QueueHandle.SIMPLE);
  }

  /**
   * Puts an item; waits only while the ring's bytes are all in use.
   *
   * @param item the item, not null
   * @throws InterruptedException if interrupted while waiting
   */
  public void put(E item) throws InterruptedException {
    queue.put(item);
  }

  /**
   * Takes the oldest item, waiting for one.
   *
   * @return the item
   * @throws InterruptedException if interrupted while waiting
   */
  public E get() throws InterruptedException {
    return queue.take();
  }

  /** {@return whether the queue is empty now (Python's {@code empty()})} */
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Detaches this process, as {@link ProcessQueue#close()}. */
  @Override
  public void close() {
    queue.close();
  }

  @Override
  public String toString() {
    return "SimpleProcessQueue[" + queue.name() + "]";
  }

  @Serial
  Object writeReplace() {
    return new QueueHandle(queue.name());
  }
}
