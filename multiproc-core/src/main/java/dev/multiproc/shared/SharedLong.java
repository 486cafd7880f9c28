package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A {@code long} in shared memory: Python's {@code multiprocessing.Value('q')}, with the
 * operations of an {@code AtomicLong}.
 *
 * <p>Pass it to child processes and pool tasks as an ordinary argument: it travels as a handle and
 * every receiving JVM attaches the same memory. Each method is one atomic operation, atomic across
 * processes and threads, with volatile memory semantics (a {@code set} happens-before a {@code
 * get} that sees it, in any process). A read-modify-write spread over several calls, such as
 * {@code v.set(v.get() + 1)}, is not atomic: other processes' updates get lost (the race Python's
 * documentation shows). Guard such sequences with {@link #getLock()}, or use the atomic
 * operations.
 *
 * <p>Lifecycle as for {@link SharedMemory}: {@link #close()} detaches; the memory goes away with
 * its last live user.
 *
 * {@snippet :
 * SharedLong counter = SharedLong.create(0);
 * ChildProcess<Void> child = ChildProcess.of(c -> {
 *   c.getLock().lock();                        // with counter.get_lock():
 *   try { c.set(c.get() + 1); } finally { c.getLock().unlock(); }
 *   return null;
 * }, counter);
 * }
 */
public final class SharedLong extends SharedCells {
  @Serial private static final long serialVersionUID = 1L;

  private static final VarHandle CELL = ValueLayout.JAVA_LONG.varHandle();

  private SharedLong(Segment segment) {
    super(segment, 8);
  }

  /**
   * Creates a shared value.
   *
   * @param initial its initial value
   * @return the value, in its own shared segment
   */
  public static SharedLong create(long initial) {
    SharedLong value = SegmentRegistry.create(Kind.LONG_VALUE, payloadBytes(1, 8), 1, SharedLong::new);
    value.set(initial);
    return value;
  }

  static SharedLong attach(String name) {
    return SegmentRegistry.view(name, Kind.LONG_VALUE, SharedLong::new);
  }

  /** {@return the current value (a volatile read)} */
  public long get() {
    return (long) CELL.getVolatile(memory, CELLS);
  }

  /**
   * Sets the value (a volatile write).
   *
   * @param value the new value
   */
  public void set(long value) {
    CELL.setVolatile(memory, CELLS, value);
  }

  /**
   * Atomically sets the value.
   *
   * @param value the new value
   * @return the previous value
   */
  public long getAndSet(long value) {
    return (long) CELL.getAndSet(memory, CELLS, value);
  }

  /**
   * Atomically sets the value to {@code newValue} if it is {@code expected}.
   *
   * @param expected the value expected
   * @param newValue the new value
   * @return whether it was set
   */
  public boolean compareAndSet(long expected, long newValue) {
    return CELL.compareAndSet(memory, CELLS, expected, newValue);
  }

  /**
   * Atomically adds {@code delta}.
   *
   * @param delta the amount to add
   * @return the previous value
   */
  public long getAndAdd(long delta) {
    return (long) CELL.getAndAdd(memory, CELLS, delta);
  }

  /**
   * Atomically adds {@code delta}.
   *
   * @param delta the amount to add
   * @return the new value
   */
  public long addAndGet(long delta) {
    return (long) CELL.getAndAdd(memory, CELLS, delta) + delta;
  }

  /** {@return the new value, after atomically adding one} */
  public long incrementAndGet() {
    return addAndGet(1);
  }

  @Override
  public String toString() {
    return super.toString() + "=" + get();
  }
}
