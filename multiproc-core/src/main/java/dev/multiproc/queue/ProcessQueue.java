package dev.multiproc.queue;

import dev.multiproc.internal.queue.ItemEncoding;
import dev.multiproc.internal.queue.SharedRing;
import dev.multiproc.internal.queue.SpillFiles;
import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import dev.multiproc.internal.shm.WaitStrategy;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A first-in, first-out queue shared by processes and threads: Python's {@code
 * multiprocessing.Queue(maxsize)}, as a {@link BlockingQueue}.
 *
 * <p>Pass it to child processes and pool tasks as an ordinary argument: it travels as a handle and
 * every receiving JVM attaches the same queue, a ring buffer in one shared-memory segment. Any
 * number of processes and threads may put and take at once. Items are copied in: an item is
 * encoded (boxed numbers, strings, primitive arrays raw; other objects by JDK serialization) when
 * it is put, and a fresh copy is decoded by whoever takes it, so later changes to the object are not
 * seen by the taker.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li><b>Thread and process safety; order.</b> Every item put is taken exactly once. Items put by
 *       one thread are taken in the order it put them; items from different producers interleave.
 *       Memory consistency: actions of a thread before it puts an item happen-before actions after
 *       the taking of that item, in any process (as for {@code java.util.concurrent} queues).
 *   <li><b>No feeder thread.</b> When {@code put} returns, the item is in shared memory, not in a
 *       buffer of the producer's process (Python's feeder thread): a process that put items can
 *       always exit at once, and waiting for it before the queue is drained never deadlocks. Items
 *       larger than an eighth of the ring (at most 1 MiB) are written to a file of their own in
 *       {@code /dev/shm}, so a producer may put 100 MB and exit before anyone reads it.
 *   <li><b>Producer death.</b> A producer killed while putting (even by {@code SIGKILL}) never
 *       blocks the queue: a consumer that finds the dead producer's half-written record skips it
 *       (within ~20-40 ms), and {@link #lostItems()} counts it. Only that item is lost; no item is
 *       duplicated. A consumer killed while taking loses nothing: the next consumer takes the item.
 *       A process killed holding the queue's internal producer or consumer lock is detected by its
 *       pid and start time and the lock passes on.
 *   <li><b>Capacity.</b> {@code maxsize} bounds the number of items ({@code 0}: no item limit, as in
 *       Python). The ring's byte capacity (8 MiB unless given) bounds them too: when it is full,
 *       {@code put} waits as for a full bounded queue. {@link #size()} is exact for completed puts
 *       and takes (an item being written counts once it is complete).
 *   <li><b>Waiting.</b> Blocked calls spin briefly, then sleep on a futex (platform threads) or
 *       park with back-off (virtual threads, which never block in the kernel). Every blocking call
 *       has a timed form and responds to interrupts.
 *   <li><b>Lifecycle.</b> {@link #close()} detaches this process (Python's {@code close()}); the
 *       queue lives while any live process has it attached, and its memory and files go away with
 *       the last one. Processes detach automatically when they exit.
 * </ul>
 *
 * <p><b>{@code BlockingQueue} methods.</b> {@code put}, {@code offer} (with and without timeout),
 * {@code take}, {@code poll}, {@code peek}, {@code add}, {@code remove()}, {@code element}, {@code
 * size}, {@code isEmpty}, {@code remainingCapacity}, {@code drainTo}, {@code addAll} and {@code
 * clear} work as specified. The methods that need to look at every element — {@code iterator},
 * {@code contains}, {@code remove(Object)}, {@code removeAll}, {@code retainAll}, {@code toArray}
 * and {@code containsAll} — throw {@link UnsupportedOperationException}: the elements are bytes
 * in shared memory that other processes are taking at the same time, so a traversal could neither
 * be consistent nor remove from the middle of the ring. {@code null} elements are refused (as by
 * every {@code BlockingQueue}). {@code equals} and {@code hashCode} are identity-based.
 *
 * <p><b>Python names.</b> {@code put(x)} = {@link #put}; {@code put(x, timeout=t)} = {@link
 * #offer(Object, Duration)}; {@code put_nowait(x)} = {@link #putNowait}; {@code get()} = {@link
 * #take}; {@code get(timeout=t)} = {@link #poll(Duration)}; {@code get_nowait()} = {@link
 * #getNowait}; {@code qsize()} = {@link #size}; {@code empty()}/{@code full()} = {@link #isEmpty}/
 * {@link #isFull}; {@code close()} = {@link #close}; {@code join_thread()}, {@code
 * cancel_join_thread()}: not needed (no feeder thread).
 *
 * {@snippet :
 * ProcessQueue<Integer> q = ProcessQueue.create();
 * ChildProcess<Void> producer = ChildProcess.of(() -> {   // q travels as a handle
 *   for (int i = 0; i < 1000; i++) q.put(i);
 * });
 * producer.start();
 * producer.join();                      // fine before draining: the items are in shared memory
 * int sum = 0;
 * for (int i = 0; i < 1000; i++) sum += q.take();
 * }
 *
 * @param <E> the element type
 * @see JoinableProcessQueue
 * @see SimpleProcessQueue
 */
public sealed class ProcessQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>, Serializable, AutoCloseable
    permits JoinableProcessQueue {
  @Serial private static final long serialVersionUID = 1L;

  /** Ring bytes of a queue created without a capacity: pages are only backed once touched. */
  public static final long DEFAULT_CAPACITY_BYTES = 8L << 20;

  final transient Segment segment;
  final transient SharedRing ring;

  ProcessQueue(Segment segment, SharedRing ring) {
    this.segment = segment;
    this.ring = ring;
  }

  /**
   * {@return a new queue without an item limit (Python's {@code Queue()})}
   *
   * @param <E> the element type
   */
  public static <E> ProcessQueue<E> create() {
    return create(0);
  }

  /**
   * Creates a queue holding at most {@code maxsize} items (Python's {@code Queue(maxsize)}).
   *
   * @param maxsize the item limit; 0 for none
   * @param <E> the element type
   * @return the queue, in its own shared segment
   */
  public static <E> ProcessQueue<E> create(int maxsize) {
    return create(maxsize, DEFAULT_CAPACITY_BYTES);
  }

  /**
   * Creates a queue with an item limit and a ring of a given byte capacity.
   *
   * @param maxsize the item limit; 0 for none
   * @param capacityBytes ring bytes (rounded up to a power of two, 4 KiB to 1 GiB); items above an
   *     eighth of it (at most 1 MiB) are stored in files of their own
   * @param <E> the element type
   * @return the queue, in its own shared segment
   */
  public static <E> ProcessQueue<E> create(int maxsize, long capacityBytes) {
    return create(maxsize, capacityBytes, QueueHandle.PLAIN);
  }

  @SuppressWarnings("unchecked")
  static <Q> Q create(int maxsize, long capacityBytes, int variant) {
    if (maxsize < 0) {
      throw new IllegalArgumentException("maxsize must be >= 0 (0 = no item limit), was " + maxsize);
    }
    long capacity = SharedRing.capacityFor(capacityBytes);
    Orphans.reclaimOnce();
    return (Q)
        SegmentRegistry.create(
            Kind.QUEUE,
            SharedRing.bytesFor(capacity),
            0,
            s -> {
              SharedRing.initialize(s.payload(), capacity, maxsize, variant);
              return QueueHandle.view(s);
            });
  }

  static SharedRing ring(Segment segment) {
    return new SharedRing(segment.payload(), SpillFiles.prefixOf(segment.name()) + "0-");
  }

  /** Spill files of queues whose users all died are removed once per JVM, before its first queue. */
  private static final class Orphans {
    static {
      SpillFiles.reclaimOrphans();
    }

    static void reclaimOnce() {}
  }

  // ---------------------------------------------------------------- putting

  /**
   * Puts an item, waiting while the queue is full (Python's {@code put(item)}).
   *
   * @param item the item, not null
   * @throws InterruptedException if interrupted while waiting
   * @throws dev.multiproc.TaskNotSerializableException if the item cannot be serialized
   */
  @Override
  public void put(E item) throws InterruptedException {
    offer(item, WaitStrategy.untimed(true));
  }

  /**
   * Puts an item if the queue has room now.
   *
   * @param item the item, not null
   * @return false if the queue is full
   */
  @Override
  public boolean offer(E item) {
    try {
      return offer(item, WaitStrategy.timed(0, false));
    } catch (InterruptedException e) {
      throw new AssertionError("an uninterruptible wait was interrupted", e);
    }
  }

  /**
   * Puts an item, waiting up to {@code timeout} for room.
   *
   * @param item the item, not null
   * @param timeout the longest wait
   * @param unit its unit
   * @return false if the queue stayed full
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public boolean offer(E item, long timeout, TimeUnit unit) throws InterruptedException {
    return offer(item, WaitStrategy.timed(unit.toNanos(timeout), true));
  }

  /**
   * Puts an item, waiting up to {@code timeout} for room (Python's {@code put(item, timeout=t)},
   * with {@code false} for {@code queue.Full}).
   *
   * @param item the item, not null
   * @param timeout the longest wait
   * @return false if the queue stayed full
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean offer(E item, Duration timeout) throws InterruptedException {
    return offer(item, WaitStrategy.timed(timeout.toNanos(), true));
  }

  /**
   * Puts an item if the queue has room now (Python's {@code put_nowait}); like {@link #add}.
   *
   * @param item the item, not null
   * @throws IllegalStateException if the queue is full (Python's {@code queue.Full})
   */
  public void putNowait(E item) {
    add(item);
  }

  boolean offer(E item, WaitStrategy wait) throws InterruptedException {
    Objects.requireNonNull(item, "a ProcessQueue holds no null elements");
    checkOpen();
    byte[] bytes = ItemEncoding.encode(item);
    try {
      return ring.offer(bytes, wait, countsTasks(), false);
    } finally {
      wait.finish();
    }
  }

  /** {@return whether puts count unfinished tasks} Only {@link JoinableProcessQueue} does. */
  boolean countsTasks() {
    return false;
  }

  // ---------------------------------------------------------------- taking

  /**
   * Takes the oldest item, waiting for one (Python's {@code get()}).
   *
   * @return the item
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public E take() throws InterruptedException {
    return poll(WaitStrategy.untimed(true));
  }

  /** {@return the oldest item, or null if the queue is empty now} */
  @Override
  public E poll() {
    try {
      return poll(WaitStrategy.timed(0, false));
    } catch (InterruptedException e) {
      throw new AssertionError("an uninterruptible wait was interrupted", e);
    }
  }

  /**
   * Takes the oldest item, waiting up to {@code timeout} for one.
   *
   * @param timeout the longest wait
   * @param unit its unit
   * @return the item, or null if none came
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public E poll(long timeout, TimeUnit unit) throws InterruptedException {
    return poll(WaitStrategy.timed(unit.toNanos(timeout), true));
  }

  /**
   * Takes the oldest item, waiting up to {@code timeout} for one (Python's {@code get(timeout=t)},
   * with {@code null} for {@code queue.Empty}).
   *
   * @param timeout the longest wait
   * @return the item, or null if none came
   * @throws InterruptedException if interrupted while waiting
   */
  public E poll(Duration timeout) throws InterruptedException {
    return poll(WaitStrategy.timed(timeout.toNanos(), true));
  }

  /**
   * Takes the oldest item if there is one now (Python's {@code get_nowait}); like {@link #remove()}.
   *
   * @return the item
   * @throws NoSuchElementException if the queue is empty (Python's {@code queue.Empty})
   */
  public E getNowait() {
    return remove();
  }

  @SuppressWarnings("unchecked")
  E poll(WaitStrategy wait) throws InterruptedException {
    checkOpen();
    try {
      byte[] bytes = ring.poll(wait, false);
      return bytes == null ? null : (E) ItemEncoding.decode(bytes);
    } finally {
      wait.finish();
    }
  }

  /** {@return the oldest item without taking it, or null if the queue is empty now} */
  @Override
  @SuppressWarnings("unchecked")
  public E peek() {
    checkOpen();
    try {
      byte[] bytes = ring.peek();
      return bytes == null ? null : (E) ItemEncoding.decode(bytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public int drainTo(Collection<? super E> sink) {
    return drainTo(sink, Integer.MAX_VALUE);
  }

  @Override
  public int drainTo(Collection<? super E> sink, int maxElements) {
    Objects.requireNonNull(sink, "sink");
    if (sink == this) {
      throw new IllegalArgumentException("cannot drain a queue into itself");
    }
    int n = 0;
    E item;
    while (n < maxElements && (item = poll()) != null) {
      sink.add(item);
      n++;
    }
    return n;
  }

  // ---------------------------------------------------------------- state

  /** {@return the number of items in the queue (Python's {@code qsize()}); exact for completed puts and takes} */
  @Override
  public int size() {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, ring.size());
  }

  /** {@return whether the queue holds no items (Python's {@code empty()})} */
  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  /** {@return whether the item limit is reached (Python's {@code full()}); always false without a limit} */
  public boolean isFull() {
    checkOpen();
    return ring.remainingItems() == 0;
  }

  /** {@return how many more items the item limit admits, {@link Integer#MAX_VALUE} without one} */
  @Override
  public int remainingCapacity() {
    checkOpen();
    return ring.remainingItems();
  }

  /** {@return items lost because their producer died while putting them, since the queue was created} */
  public long lostItems() {
    checkOpen();
    return ring.lostRecords();
  }

  /** {@return the segment's name in {@code /dev/shm}, unique on this machine} */
  public String name() {
    return segment.name();
  }

  /**
   * Detaches this process (Python's {@code close()}): other processes keep using the queue; it is
   * removed, with any items left in it, when the last live process that uses it detaches or dies.
   * Operations on this object afterwards throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    if (segment.isClosed()) {
      return;
    }
    segment.close();
    if (!Files.exists(Segment.directory().resolve(segment.name()))) {
      SpillFiles.deleteAll(segment.name()); // we were its last user: remove items nobody will take
    }
  }

  void checkOpen() {
    if (segment.isClosed()) {
      throw new IllegalStateException(this + " is closed in this process");
    }
  }

  // ---------------------------------------------------------------- unsupported

  /** Not supported: other processes take elements concurrently, so no traversal is meaningful. */
  @Override
  public Iterator<E> iterator() {
    throw unsupported("iterator()");
  }

  /** Not supported (see the class documentation). */
  @Override
  public boolean contains(Object o) {
    throw unsupported("contains()");
  }

  /** Not supported (see the class documentation). */
  @Override
  public boolean remove(Object o) {
    throw unsupported("remove(Object)");
  }

  /** Not supported (see the class documentation). */
  @Override
  public boolean containsAll(Collection<?> c) {
    throw unsupported("containsAll()");
  }

  /** Not supported (see the class documentation). */
  @Override
  public boolean removeAll(Collection<?> c) {
    throw unsupported("removeAll()");
  }

  /** Not supported (see the class documentation). */
  @Override
  public boolean retainAll(Collection<?> c) {
    throw unsupported("retainAll()");
  }

  /** Not supported (see the class documentation). */
  @Override
  public Object[] toArray() {
    throw unsupported("toArray()");
  }

  /** Not supported (see the class documentation). */
  @Override
  public <T> T[] toArray(T[] a) {
    throw unsupported("toArray()");
  }

  private UnsupportedOperationException unsupported(String method) {
    return new UnsupportedOperationException(
        method + " is not supported by a ProcessQueue: its elements live in shared memory and other processes take them "
            + "concurrently; use poll()/drainTo() to take them");
  }

  @Override
  public final boolean equals(Object o) {
    return this == o;
  }

  @Override
  public final int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + segment.name() + "]";
  }

  @Serial
  final Object writeReplace() {
    return new QueueHandle(segment.name());
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("queues travel as handles");
  }
}
