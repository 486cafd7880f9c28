package dev.multiproc.queue;

import dev.multiproc.internal.queue.SharedRing;
import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.WaitStrategy;
import java.io.Serial;
import java.time.Duration;

/**
 * A {@link ProcessQueue} that counts unfinished tasks: Python's {@code
 * multiprocessing.JoinableQueue}. Every put adds a task; consumers call {@link #taskDone()} once
 * per item they have finished with; {@link #join()} waits, in any process, until the count is zero.
 *
 * <p>Everything {@link ProcessQueue} guarantees holds. The count is in shared memory, so producers,
 * consumers and joiners may all be different processes. Memory consistency: actions before a
 * {@code taskDone()} happen-before the return of a {@code join()} it released. An item lost because
 * its producer died while putting it is counted done when a consumer skips it, so {@code join()}
 * still returns; a consumer that dies after taking an item but before {@code taskDone()} leaves the
 * count one too high (as in Python): {@code join(Duration)} bounds that wait.
 *
 * {@snippet :
 * JoinableProcessQueue<String> jobs = JoinableProcessQueue.create();
 * ChildProcess<Void> worker = ChildProcess.of(() -> {
 *   for (;;) { String job = jobs.take(); handle(job); jobs.taskDone(); }
 * });
 * worker.start();
 * jobs.put("a"); jobs.put("b");
 * jobs.join();                          // both handled
 * worker.terminate();
 * }
 *
 * @param <E> the element type
 */
public final class JoinableProcessQueue<E> extends ProcessQueue<E> {
  @Serial private static final long serialVersionUID = 1L;

  JoinableProcessQueue(Segment segment, SharedRing ring) {
    super(segment, ring);
  }

  /**
   * {@return a new joinable queue without an item limit}
   *
   * @param <E> the element type
   */
  public static <E> JoinableProcessQueue<E> create() {
    return create(0);
  }

  /**
   * Creates a joinable queue holding at most {@code maxsize} items.
   *
   * @param maxsize the item limit; 0 for none
   * @param <E> the element type
   * @return the queue, in its own shared segment
   */
  public static <E> JoinableProcessQueue<E> create(int maxsize) {
    return create(maxsize, DEFAULT_CAPACITY_BYTES, QueueHandle.JOINABLE);
  }

  @Override
  boolean countsTasks() {
    return true;
  }

  /**
   * Marks one taken item as finished (Python's {@code task_done()}).
   *
   * @throws IllegalStateException if called more times than items were put (Python's {@code ValueError})
   */
  public void taskDone() {
    checkOpen();
    ring.taskDone();
  }

  /** {@return items put and not yet marked done} */
  public int unfinishedTasks() {
    checkOpen();
    return ring.unfinishedTasks();
  }

  /**
   * Waits until every item put has been marked done (Python's {@code join()}).
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void join() throws InterruptedException {
    checkOpen();
    ring.join(WaitStrategy.untimed(true));
  }

  /**
   * Waits until every item put has been marked done, or the timeout passes.
   *
   * @param timeout the longest wait
   * @return false if tasks were still unfinished at the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean join(Duration timeout) throws InterruptedException {
    checkOpen();
    return ring.join(WaitStrategy.timed(timeout.toNanos(), true));
  }
}
