package dev.multiproc.shared;

import static dev.multiproc.internal.shm.SegmentLayout.INT;

import dev.multiproc.internal.shm.Futex;
import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import dev.multiproc.internal.shm.WaitStrategy;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A condition variable shared between processes and threads: Python's {@code
 * multiprocessing.Condition}, as a {@link java.util.concurrent.locks.Condition} bound to a {@link
 * ProcessMutex}.
 *
 * <p>The caller of {@code await}, {@code signal} and {@code signalAll} must hold the lock ({@link
 * IllegalMonitorStateException} otherwise). {@code await} releases the lock completely (every hold
 * of a reentrant lock), waits for a signal, and re-acquires it before returning, also on timeout
 * or interrupt. As with every {@code Condition}, wake-ups may be spurious: wait in a loop that
 * re-checks the state, or use {@link #awaitUntil(java.util.function.BooleanSupplier, Duration)}
 * (Python's {@code wait_for}). Memory consistency comes from the lock. The condition travels to
 * other processes together with its lock.
 *
 * {@snippet :
 * ProcessReentrantLock lock = ProcessReentrantLock.create();
 * ProcessCondition changed = lock.newCondition();
 * lock.lock();
 * try {
 *   while (queue.get() == 0) changed.await();
 * } finally { lock.unlock(); }
 * }
 */
public final class ProcessCondition extends SharedObject implements Condition {
  @Serial private static final long serialVersionUID = 1L;

  /*
   * payload: | sequence (int) | sleepers (int) |
   * A signal increments the sequence (under the lock) and wakes; a waiter reads the sequence under
   * the lock, releases it, and sleeps while the sequence is unchanged, so a signal given between
   * its unlock and its sleep is never lost.
   */
  private static final long SEQUENCE = 0;
  private static final long SLEEPERS = 4;
  private static final long PAYLOAD_BYTES = 64;

  private final transient MemorySegment memory;
  private final transient ProcessMutex lock;

  private ProcessCondition(Segment segment, ProcessMutex lock) {
    super(segment);
    this.memory = segment.payload();
    this.lock = lock;
  }

  /**
   * Creates a condition bound to {@code lock}.
   *
   * @param lock the lock callers hold around {@code await} and {@code signal}
   * @return the condition, in its own shared segment
   */
  public static ProcessCondition create(ProcessMutex lock) {
    return SegmentRegistry.create(Kind.CONDITION, PAYLOAD_BYTES, 0, s -> new ProcessCondition(s, lock));
  }

  static ProcessCondition attach(String name, ProcessMutex lock) {
    return SegmentRegistry.view(name, Kind.CONDITION, s -> new ProcessCondition(s, lock));
  }

  @Override
  SharedHandle handle() {
    return new SharedHandle(segment.name(), segment.kind(), false, lock);
  }

  /** {@return the lock this condition is bound to} */
  public ProcessMutex lock() {
    return lock;
  }

  @Override
  public void await() throws InterruptedException {
    await(WaitStrategy.untimed(true));
  }

  @Override
  public void awaitUninterruptibly() {
    try {
      await(WaitStrategy.untimed(false));
    } catch (InterruptedException e) {
      throw new AssertionError("uninterruptible wait threw", e);
    }
  }

  @Override
  public long awaitNanos(long nanosTimeout) throws InterruptedException {
    long deadline = System.nanoTime() + nanosTimeout;
    await(WaitStrategy.timed(nanosTimeout, true));
    return deadline - System.nanoTime();
  }

  @Override
  public boolean await(long time, TimeUnit unit) throws InterruptedException {
    return awaitNanos(unit.toNanos(time)) > 0;
  }

  @Override
  public boolean awaitUntil(Date deadline) throws InterruptedException {
    return await(deadline.getTime() - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits until {@code predicate} is true, re-checking it after every wake-up (Python's {@code
   * wait_for}). Call with the lock held; the predicate runs with the lock held.
   *
   * @param predicate the state to wait for
   * @param timeout the longest wait
   * @return the predicate's last value
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitUntil(java.util.function.BooleanSupplier predicate, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean result = predicate.getAsBoolean();
    while (!result) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      awaitNanos(left);
      result = predicate.getAsBoolean();
    }
    return result;
  }

  /** Waits for one signal or the strategy's deadline; {@return whether a signal came} */
  private boolean await(WaitStrategy wait) throws InterruptedException {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalMonitorStateException(lock + " must be held to await " + this);
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    int sequence = (int) INT.getVolatile(memory, SEQUENCE);
    INT.getAndAdd(memory, SLEEPERS, 1);
    int holds = lock.releaseFully();
    try {
      return wait.awaitChange(memory, SEQUENCE, sequence);
    } finally {
      INT.getAndAdd(memory, SLEEPERS, -1);
      lock.reacquire(holds);
      wait.finish();
    }
  }

  /** Wakes one waiter (in any process); the caller must hold the lock. */
  @Override
  public void signal() {
    signal(1);
  }

  /** Wakes every waiter (in every process); the caller must hold the lock. */
  @Override
  public void signalAll() {
    signal(Integer.MAX_VALUE);
  }

  private void signal(int count) {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalMonitorStateException(lock + " must be held to signal " + this);
    }
    INT.getAndAdd(memory, SEQUENCE, 1);
    if ((int) INT.getVolatile(memory, SLEEPERS) > 0) {
      Futex.wake(memory, SEQUENCE, count);
    }
  }
}
