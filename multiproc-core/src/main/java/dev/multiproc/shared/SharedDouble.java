package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.io.Serial;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A {@code double} in shared memory: Python's {@code multiprocessing.Value('d')}, with the
 * operations of an {@code AtomicLong} (compare-and-set compares bit patterns).
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
 * SharedDouble counter = SharedDouble.create(0);
 * ChildProcess<Void> child = ChildProcess.of(c -> {
 *   c.getLock().lock();                        // with counter.get_lock():
 *   try { c.set(c.get() + 1); } finally { c.getLock().unlock(); }
 *   return null;
 * }, counter);
 * }
 */
public final class SharedDouble extends SharedCells {
  @Serial private static final long serialVersionUID = 1L;

  private static final VarHandle CELL = ValueLayout.JAVA_DOUBLE.varHandle();

  private SharedDouble(Segment segment) {
    super(segment, 8);
  }

  /**
   * Creates a shared value.
   *
   * @param initial its initial value
   * @return the value, in its own shared segment
   */
  public static SharedDouble create(double initial) {
    SharedDouble value = SegmentRegistry.create(Kind.DOUBLE_VALUE, payloadBytes(1, 8), 1, SharedDouble::new);
    value.set(initial);
    return value;
  }

  static SharedDouble attach(String name) {
    return SegmentRegistry.view(name, Kind.DOUBLE_VALUE, SharedDouble::new);
  }

  /** {@return the current value (a volatile read)} */
  public double get() {
    return (double) CELL.getVolatile(memory, CELLS);
  }

  /**
   * Sets the value (a volatile write).
   *
   * @param value the new value
   */
  public void set(double value) {
    CELL.setVolatile(memory, CELLS, value);
  }

  /**
   * Atomically sets the value.
   *
   * @param value the new value
   * @return the previous value
   */
  public double getAndSet(double value) {
    return (double) CELL.getAndSet(memory, CELLS, value);
  }

  /**
   * Atomically sets the value to {@code newValue} if it is {@code expected} (compared by bit pattern, as {@code Double.equals}).
   *
   * @param expected the value expected
   * @param newValue the new value
   * @return whether it was set
   */
  public boolean compareAndSet(double expected, double newValue) {
    return CELL.compareAndSet(memory, CELLS, expected, newValue);
  }

  /**
   * Atomically adds {@code delta} (a compare-and-set loop: there is no hardware add for doubles).
   *
   * @param delta the amount to add
   * @return the previous value
   */
  public double getAndAdd(double delta) {
    for (;;) {
      double current = get();
      if (compareAndSet(current, current + delta)) {
        return current;
      }
    }
  }

  /**
   * Atomically adds {@code delta}.
   *
   * @param delta the amount to add
   * @return the new value
   */
  public double addAndGet(double delta) {
    return getAndAdd(delta) + delta;
  }

  @Override
  public String toString() {
    return super.toString() + "=" + get();
  }
}
