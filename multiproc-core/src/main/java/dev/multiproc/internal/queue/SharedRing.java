package dev.multiproc.internal.queue;

import static dev.multiproc.internal.queue.RingDescriptor.*;
import static dev.multiproc.internal.shm.SegmentLayout.INT;
import static dev.multiproc.internal.shm.SegmentLayout.LONG;

import dev.multiproc.internal.shm.Futex;
import dev.multiproc.internal.shm.FutexLock;
import dev.multiproc.internal.shm.ProcessIdentity;
import dev.multiproc.internal.shm.WaitStrategy;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A bounded multi-producer, multi-consumer queue of byte records in shared memory, laid out by
 * {@link RingDescriptor}: the engine behind {@code ProcessQueue} and {@code Pipe}.
 *
 * <p>Overview. Producers claim space in the manner of Agrona's {@code ManyToOneRingBuffer}: a claim
 * advances {@code tail} past the record, the record's header is first written with a negative
 * length ("being written") and the writer's identity, the body is copied in without any lock, and a
 * volatile store of the positive length publishes it. Consumers take records in order at {@code
 * head} and advance it once the bytes are copied out, which frees the space for producers. There is
 * no feeder thread and no buffering in the producer's process: once {@code offer} returns, the item
 * is in shared memory (or a {@link SpillFiles spill file}) and the producer may exit.
 *
 * <p>Why claims take a short lock instead of Agrona's lock-free CAS on the tail: with a bare CAS a
 * producer that dies between its CAS and its header write leaves a zero header at the head, with no
 * length to skip and no identity to check, and Agrona's {@code unblock()} must guess both by
 * scanning ahead. Under the producer lock (a {@link FutexLock}: a word CAS, with owner-death
 * recovery) the header with the writer's identity is written <em>before</em> the tail moves, so every
 * record below {@code tail} is self-describing and recovery is exact. The lock covers a handful of
 * stores; bodies are still copied concurrently. Consumers share a consumer lock for the same reason
 * (Python's queue holds a read lock in {@code get} too): a consumer killed while copying a record
 * has not moved {@code head}, so the next consumer delivers the same item instead of losing it.
 *
 * <p>Recovery. A consumer that finds the record at {@code head} still being written checks, once per
 * liveness interval after spinning, whether its writer is alive (pid + start time, so a recycled pid
 * does not fool it). A dead writer's record is skipped and counted in {@link #lostRecords()}:
 * exactly the item being written at the moment of death is lost, nothing else. A producer or
 * consumer killed while holding its lock is replaced through the lock's owner-death recovery.
 *
 * <p>Waiting. Blocked producers and consumers wait through {@link WaitStrategy} (spin, then a futex
 * sleep on platform threads, parking on virtual threads), with an extra adaptive spin of up to 50 µs
 * before each sleep (a futex round trip costs ~40 µs here), on a signal word that says whether anyone may
 * be asleep: a waker issues a {@code FUTEX_WAKE} only when it is set, once (see {@link #sleep}).
 *
 * <p>Thread-safe and process-safe. All cross-process accesses are volatile-mode VarHandle
 * operations (x86-64 and AArch64: the JMM's volatile semantics hold across mappings).
 */
public final class SharedRing {
  private static final long ME = ProcessIdentity.current().packed();

  /** The most a waiter re-reads its condition before a futex sleep (see {@link #sleep}). */
  private static final int MAX_SPIN_NANOS = 50_000;

  /** The least it does. */
  private static final int MIN_SPIN_NANOS = 2_000;

  /** How long of its spin the waiter re-reads without yielding its CPU. */
  private static final long PURE_SPIN_NANOS = 2_000;

  private final MemorySegment ring;
  private final MemorySegment data;
  private final long capacity;
  private final long mask;
  private final int maxItems;
  private final int spillThreshold;
  private final String spillPrefix;
  private final FutexLock producerLock;
  private final FutexLock consumerLock;

  /*
   * Agrona's head and tail caches: the head as this process's producers last read it (only under
   * the producer lock) and the tail as its consumers last read it (only under the consumer lock).
   * Both only ever lag the real value, which errs on the safe side (less room, fewer records), and
   * save a read of the other side's cache line on most operations.
   */
  private long cachedHead;
  private long cachedTail;

  /** This process's current spin budget before a futex sleep; racy updates are harmless. */
  private int spinBudgetNanos = MAX_SPIN_NANOS;

  /**
   * A view over an initialized ring.
   *
   * @param ring the ring's bytes: {@link RingDescriptor#ringBytes} of its capacity
   * @param spillPrefix the prefix of this ring's spill-file names, unique on the machine
   */
  public SharedRing(MemorySegment ring, String spillPrefix) {
    this.ring = ring;
    this.capacity = ring.get(ValueLayout.JAVA_LONG, CAPACITY);
    if (Long.bitCount(capacity) != 1 || ringBytes(capacity) > ring.byteSize()) {
      throw new IllegalStateException("corrupt ring: capacity " + capacity + " in " + ring.byteSize() + " bytes");
    }
    this.data = ring.asSlice(CONTROL_BYTES, capacity);
    this.mask = capacity - 1;
    this.maxItems = ring.get(ValueLayout.JAVA_INT, MAX_ITEMS);
    this.spillThreshold = ring.get(ValueLayout.JAVA_INT, SPILL_THRESHOLD);
    this.spillPrefix = spillPrefix;
    this.producerLock = new FutexLock(ring, PRODUCER_LOCK);
    this.consumerLock = new FutexLock(ring, CONSUMER_LOCK);
  }

  /**
   * {@return the data capacity for a requested one: a power of two, at least the minimum, at most 1 GiB}
   *
   * @param requested bytes asked for
   */
  public static long capacityFor(long requested) {
    if (requested > 1L << 30) {
      throw new IllegalArgumentException("ring capacity must be at most 1 GiB, was " + requested);
    }
    long c = Math.max(MIN_CAPACITY, requested);
    return Long.bitCount(c) == 1 ? c : Long.highestOneBit(c) << 1;
  }

  /** {@return the bytes a ring of {@code capacity} (from {@link #capacityFor}) occupies} */
  public static long bytesFor(long capacity) {
    return ringBytes(capacity);
  }

  /**
   * Writes a fresh ring's configuration into zeroed memory; call before any view is made.
   *
   * @param ring the ring's bytes, zeroed
   * @param capacity from {@link #capacityFor}
   * @param maxItems the most items it may hold, 0 for no limit but space
   * @param variant what the public object over it is (read back by {@link #variant})
   */
  public static void initialize(MemorySegment ring, long capacity, int maxItems, int variant) {
    if (maxItems < 0) {
      throw new IllegalArgumentException("maxsize must be >= 0, was " + maxItems);
    }
    ring.set(ValueLayout.JAVA_LONG, CAPACITY, capacity);
    ring.set(ValueLayout.JAVA_INT, MAX_ITEMS, maxItems);
    ring.set(ValueLayout.JAVA_INT, VARIANT, variant);
    // Items above an eighth of the ring go to spill files, so one item never holds back many.
    ring.set(ValueLayout.JAVA_INT, SPILL_THRESHOLD, (int) Math.min(capacity / 8, 1 << 20));
  }

  // ---------------------------------------------------------------- producing

  /**
   * Appends a record, waiting for space (and for the item limit) as {@code wait} says.
   *
   * @param item the bytes, kept by the caller
   * @param wait the wait's deadline and interruptibility
   * @param countTask whether to count an unfinished task (joinable queues)
   * @param peerAware whether a dead or closed reader ends the wait with {@link PeerGoneException}
   * @return false if the deadline passed before there was room
   * @throws InterruptedException if interruptible and interrupted while waiting
   */
  public boolean offer(byte[] item, WaitStrategy wait, boolean countTask, boolean peerAware) throws InterruptedException {
    int type = ITEM;
    byte[] body = item;
    String spill = null;
    if (item.length > spillThreshold) {
      spill = spillPrefix + LONG.getAndAdd(ring, SPILL_SEQUENCE, 1L);
      SpillFiles.write(spill, item); // before the claim: a claimed record is written in moments
      byte[] name = spill.getBytes(StandardCharsets.US_ASCII);
      body = ByteBuffer.allocate(8 + name.length).putLong((long) item.length).put(name).array();
      type = SPILL;
    }
    if (countTask) {
      INT.getAndAdd(ring, UNFINISHED, 1); // before the item is visible, so join() cannot pass it
    }
    boolean done = false;
    try {
      long offset = claim(HEADER_BYTES + body.length, type, wait, peerAware);
      if (offset < 0) {
        return false;
      }
      MemorySegment.copy(body, 0, data, ValueLayout.JAVA_BYTE, offset + HEADER_BYTES, body.length);
      LONG.setVolatile(data, offset, headerWord(HEADER_BYTES + body.length, type));
      LONG.getAndAdd(ring, PUBLISHED, 1L);
      wake(NOT_EMPTY);
      done = true;
      return true;
    } finally {
      if (!done) {
        if (countTask) {
          INT.getAndAdd(ring, UNFINISHED, -1);
        }
        if (spill != null) {
          SpillFiles.delete(spill);
        }
      }
    }
  }

  /** Claims space for a record of {@code length} bytes; {@return its data offset, or -1 on timeout} */
  long claim(int length, int type, WaitStrategy wait, boolean peerAware) throws InterruptedException {
    long need = aligned(length);
    if (peerAware && ((int) INT.getVolatile(ring, WRITER_CLOSED) & 2) != 0) {
      throw new PeerGoneException("the receiving end is closed");
    }
    if (!producerLock.tryAcquire() && producerLock.acquire(wait) == FutexLock.Outcome.TIMED_OUT) {
      return -1;
    }
    try {
      for (;;) {
        long tail = (long) LONG.getVolatile(ring, TAIL);
        long offset = tail & mask;
        long padding = offset + need > capacity ? capacity - offset : 0;
        if (hasRoom(tail, padding + need)) {
          if (padding > 0) {
            LONG.set(data, offset + WRITER_OFFSET, ME);
            LONG.setVolatile(data, offset, headerWord((int) padding, PADDING));
            offset = 0;
          }
          LONG.set(data, offset + WRITER_OFFSET, ME);
          LONG.setRelease(data, offset, headerWord(-length, type));
          // The header is complete before the tail covers it: every record below the tail names its
          // writer. Release stores suffice under the lock (its release is a full fence).
          LONG.setRelease(ring, CLAIMS, (long) LONG.getAcquire(ring, CLAIMS) + 1);
          LONG.setRelease(ring, TAIL, tail + padding + need);
          return offset;
        }
        if (peerAware && readerGone(wait)) {
          throw new PeerGoneException("the receiving end is closed or its process has died");
        }
        if (wait.expired()) {
          return -1;
        }
        sleep(NOT_FULL, wait, padding + need);
      }
    } finally {
      producerLock.release();
    }
  }

  private boolean hasRoom(long tail, long bytes) {
    if (maxItems > 0 && (long) LONG.getVolatile(ring, CLAIMS) - (long) LONG.getVolatile(ring, RELEASED) >= maxItems) {
      return false;
    }
    if (tail + bytes - cachedHead <= capacity) {
      return true;
    }
    cachedHead = (long) LONG.getVolatile(ring, HEAD);
    return tail + bytes - cachedHead <= capacity;
  }

  // ---------------------------------------------------------------- consuming

  /**
   * Takes the record at the head, waiting for one as {@code wait} says.
   *
   * @param wait the wait's deadline and interruptibility
   * @param peerAware whether an empty ring whose writer is closed or dead ends the wait with
   *     {@link PeerGoneException}
   * @return the item's bytes, or null if the deadline passed first
   * @throws InterruptedException if interruptible and interrupted while waiting
   */
  public byte[] poll(WaitStrategy wait, boolean peerAware) throws InterruptedException {
    return take(wait, peerAware, true);
  }

  /**
   * {@return the item at the head without taking it, or null if there is none now}
   *
   * @throws InterruptedException if interrupted while another consumer holds the ring
   */
  public byte[] peek() throws InterruptedException {
    return take(WaitStrategy.timed(0, true), false, false);
  }

  private byte[] take(WaitStrategy wait, boolean peerAware, boolean remove) throws InterruptedException {
    if (!consumerLock.tryAcquire()) {
      FutexLock.Outcome outcome = consumerLock.acquire(remove ? wait : WaitStrategy.untimed(true));
      if (outcome == FutexLock.Outcome.TIMED_OUT) {
        return null;
      }
      // OWNER_DIED: a consumer died holding the ring; it moved head only after copying, so the
      // record it was taking is still at the head and is delivered now.
    }
    try {
      for (;;) {
        long head = (long) LONG.getVolatile(ring, HEAD);
        if (head - cachedTail < 0 || head - (cachedTail = (long) LONG.getVolatile(ring, TAIL)) < 0) {
          long offset = head & mask;
          long word = (long) LONG.getVolatile(data, offset);
          int length = length(word);
          if (length > 0) {
            long next = head + aligned(length);
            if (type(word) == PADDING) {
              advance(next, false, false);
              continue;
            }
            byte[] body = new byte[length - HEADER_BYTES];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, offset + HEADER_BYTES, body, 0, body.length);
            if (type(word) != SPILL) {
              if (remove) {
                advance(next, true, true);
              }
              return body;
            }
            ByteBuffer spill = ByteBuffer.wrap(body);
            long bytes = spill.getLong();
            String name = StandardCharsets.US_ASCII.decode(spill).toString();
            byte[] item;
            try {
              item = SpillFiles.read(name, bytes);
            } catch (RuntimeException e) {
              advance(next, true, true); // an unreadable item must not block the queue for good
              LONG.getAndAdd(ring, LOST, 1L);
              throw e;
            }
            if (remove) {
              advance(next, true, true);
              SpillFiles.delete(name); // after head moved: a consumer killed before this leaves a file, never loses the item
            }
            return item;
          }
          // Checked once per liveness interval while waiting, and by a poll that is about to give up
          // (else a caller that only ever polls would never get past a dead writer's record).
          if ((wait.livenessCheckDue() || wait.expired())
              && !ProcessIdentity.unpack((long) LONG.getVolatile(data, offset + WRITER_OFFSET)).isAlive()) {
            // Its writer died between claim and publication: skip exactly this record.
            LONG.getAndAdd(ring, LOST, 1L);
            advance(head + aligned(-length), true, false);
            taskDoneQuietly(); // a joinable queue counted it as a task when it was put
            continue;
          }
        } else if (peerAware && writerGone(wait)) {
          throw new PeerGoneException("the sending end is closed or its process has died");
        }
        if (wait.expired()) {
          return null;
        }
        sleep(NOT_EMPTY, wait, -1);
      }
    } finally {
      consumerLock.release();
    }
  }

  /**
   * Waits until a record is ready to take, without taking it (a pipe's {@code poll}).
   *
   * @param wait the wait's deadline and interruptibility
   * @param peerAware whether an empty ring whose writer is closed or dead counts as ready (a take
   *     would end at once, with {@link PeerGoneException})
   * @return false if the deadline passed first
   * @throws InterruptedException if interruptible and interrupted
   */
  public boolean awaitReadable(WaitStrategy wait, boolean peerAware) throws InterruptedException {
    for (;;) {
      if (headPublished() || (peerAware && (long) LONG.getVolatile(ring, HEAD) == (long) LONG.getVolatile(ring, TAIL) && writerGone(wait))) {
        return true;
      }
      if (wait.expired()) {
        return false;
      }
      sleep(NOT_EMPTY, wait, -1);
    }
  }

  /**
   * One pause of a wait for a signal word. A signal word is 1 while someone may sleep on it and 0
   * otherwise; a waker that finds it 1 resets it and issues the one {@code FUTEX_WAKE} for every
   * sleeper, so a producer racing ahead of a sleeping consumer pays one system call, not one per
   * item. Past the spinning phase the waiter spins a little longer, then sets the word and
   * re-checks its condition before sleeping: its store and the waker's publication are both
   * sequentially consistent, so either the waker sees the 1 or the waiter sees the new state.
   *
   * @param signal the signal word's offset
   * @param wait the wait
   * @param room bytes a producer waits for; negative for a consumer waiting for a published record
   */
  private void sleep(long signal, WaitStrategy wait, long room) throws InterruptedException {
    // WaitStrategy's own spin does not yield: on a CPU shared with the peer it would only hold
    // the peer off. This adaptive spin replaces it.
    wait.endSpinning();
    // A futex wake-up costs ~40 µs on a small VM, more than most waits for a busy peer last: spin
    // a little longer first, re-reading the condition (the peer writes it within microseconds
    // when it is running). After a few microseconds the spin yields between reads, in case the
    // peer shares our CPU. The budget adapts, as HotSpot's adaptive spinning does: it doubles
    // after a spin that saw the condition come true and halves after one that did not, so on a
    // machine too loaded for the peer to run meanwhile we soon go to sleep at once (measured
    // there: a 77-170 µs pipe round trip with a fixed 50 µs spin, about 40 µs without one).
    int budget = spinBudgetNanos;
    long start = System.nanoTime();
    long spin = Math.min(budget, wait.remainingNanos());
    for (;;) {
      if (ready(room)) {
        spinBudgetNanos = Math.min(MAX_SPIN_NANOS, budget * 2);
        return;
      }
      long spent = System.nanoTime() - start;
      if (spent >= spin) {
        break;
      }
      if (spent < PURE_SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
    spinBudgetNanos = Math.max(MIN_SPIN_NANOS, budget / 2);
    INT.setVolatile(ring, signal, 1);
    if (!ready(room)) {
      wait.pause(ring, signal, 1);
    }
  }

  /** Wakes everyone sleeping on {@code signal}, if anyone may be (see {@link #sleep}). */
  private void wake(long signal) {
    if ((int) INT.getVolatile(ring, signal) != 0 && (int) INT.getAndSet(ring, signal, 0) != 0) {
      Futex.wake(ring, signal, Integer.MAX_VALUE);
    }
  }

  private boolean ready(long room) {
    return room < 0 ? headPublished() : hasRoom((long) LONG.getVolatile(ring, TAIL), room);
  }

  private boolean headPublished() {
    long head = (long) LONG.getVolatile(ring, HEAD);
    return head != (long) LONG.getVolatile(ring, TAIL) && length((long) LONG.getVolatile(data, head & mask)) > 0;
  }

  /**
   * Frees the space up to {@code next} (consumer lock held) and wakes producers waiting for it.
   *
   * @param claimed whether the record was claimed as an item (not padding), so it leaves the item count
   * @param taken whether it was delivered (it then leaves {@link #size()})
   */
  private void advance(long next, boolean claimed, boolean taken) {
    // Counters first (release: only consumer-lock holders write them), then the head, volatile:
    // it orders this consumer's store before its read of the producers' signal word below.
    if (taken) {
      LONG.setRelease(ring, TAKEN, (long) LONG.getAcquire(ring, TAKEN) + 1);
    }
    if (claimed) {
      LONG.setRelease(ring, RELEASED, (long) LONG.getAcquire(ring, RELEASED) + 1);
    }
    LONG.setVolatile(ring, HEAD, next);
    wake(NOT_FULL);
  }

  // ---------------------------------------------------------------- counts

  /** {@return items published and not yet taken} */
  public long size() {
    long taken = (long) LONG.getVolatile(ring, TAKEN);
    return Math.max(0, (long) LONG.getVolatile(ring, PUBLISHED) - taken);
  }

  /** {@return how many more items the item limit admits now, or {@link Integer#MAX_VALUE} without one} */
  public int remainingItems() {
    if (maxItems == 0) {
      return Integer.MAX_VALUE;
    }
    long held = (long) LONG.getVolatile(ring, CLAIMS) - (long) LONG.getVolatile(ring, RELEASED);
    return (int) Math.max(0, maxItems - held);
  }

  /** {@return the variant recorded by {@link #initialize}} */
  public int variant() {
    return ring.get(ValueLayout.JAVA_INT, VARIANT);
  }

  /** {@return the item limit, 0 if none} */
  public int maxItems() {
    return maxItems;
  }

  /** {@return the data capacity in bytes} */
  public long capacity() {
    return capacity;
  }

  /** {@return records skipped because their writer died while writing them} */
  public long lostRecords() {
    return (long) LONG.getVolatile(ring, LOST);
  }

  // ---------------------------------------------------------------- joinable

  /**
   * Marks one task done (Python's {@code task_done()}).
   *
   * @throws IllegalStateException if more tasks were marked done than items put
   */
  public void taskDone() {
    for (;;) {
      int v = (int) INT.getVolatile(ring, UNFINISHED);
      if (v <= 0) {
        throw new IllegalStateException("taskDone() called more times than items were put");
      }
      if (INT.compareAndSet(ring, UNFINISHED, v, v - 1)) {
        if (v == 1 && (int) INT.getVolatile(ring, JOIN_SLEEPERS) > 0) {
          Futex.wake(ring, UNFINISHED, Integer.MAX_VALUE);
        }
        return;
      }
    }
  }

  private void taskDoneQuietly() {
    try {
      taskDone();
    } catch (IllegalStateException e) {
      // Not a joinable queue's count (or already balanced): nothing to do.
    }
  }

  /** {@return the unfinished-task count} */
  public int unfinishedTasks() {
    return (int) INT.getVolatile(ring, UNFINISHED);
  }

  /**
   * Waits until every task put has been marked done.
   *
   * @param wait the wait's deadline and interruptibility
   * @return false if the deadline passed first
   * @throws InterruptedException if interruptible and interrupted
   */
  public boolean join(WaitStrategy wait) throws InterruptedException {
    for (;;) {
      int v = (int) INT.getVolatile(ring, UNFINISHED);
      if (v == 0) {
        return true;
      }
      if (wait.expired()) {
        return false;
      }
      INT.getAndAdd(ring, JOIN_SLEEPERS, 1);
      try {
        wait.pause(ring, UNFINISHED, v);
      } finally {
        INT.getAndAdd(ring, JOIN_SLEEPERS, -1);
      }
    }
  }

  // ---------------------------------------------------------------- ends (pipes)

  /** Records this process as the owner of the reading or the writing end. */
  public void claimEnd(boolean writer) {
    LONG.setVolatile(ring, writer ? WRITER_OWNER : READER_OWNER, ME);
  }

  /** Marks the writing (or reading) end closed: the other side sees end-of-stream once drained. */
  public void closeEnd(boolean writer) {
    INT.getAndBitwiseOr(ring, WRITER_CLOSED, writer ? 1 : 2);
    INT.setVolatile(ring, NOT_EMPTY, 0);
    Futex.wake(ring, NOT_EMPTY, Integer.MAX_VALUE);
    INT.setVolatile(ring, NOT_FULL, 0);
    Futex.wake(ring, NOT_FULL, Integer.MAX_VALUE);
  }

  private boolean writerGone(WaitStrategy wait) {
    return ((int) INT.getVolatile(ring, WRITER_CLOSED) & 1) != 0 || (wait.livenessCheckDue() && !ownerAlive(WRITER_OWNER));
  }

  private boolean readerGone(WaitStrategy wait) {
    return ((int) INT.getVolatile(ring, WRITER_CLOSED) & 2) != 0 || (wait.livenessCheckDue() && !ownerAlive(READER_OWNER));
  }

  private boolean ownerAlive(long slot) {
    long owner = (long) LONG.getVolatile(ring, slot);
    return owner == 0 || owner == ME || ProcessIdentity.unpack(owner).isAlive();
  }
}
