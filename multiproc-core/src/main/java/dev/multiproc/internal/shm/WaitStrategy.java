package dev.multiproc.internal.shm;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How one blocking call waits for a shared word to change: the state of a single wait loop (its
 * deadline, how far it has escalated), created per call and confined to the calling thread.
 *
 * <p>Overview: a wait first spins briefly (a cross-process lock is usually released within
 * nanoseconds, and a futex round trip costs ~40 µs on a small VM); then
 *
 * <ul>
 *   <li>a <b>platform thread</b> sleeps in {@link Futex#await} in slices of at most {@link
 *       #SLICE_NANOS}, so it notices interrupts, its deadline and dead peers even when nobody
 *       wakes it;
 *   <li>a <b>virtual thread</b> never enters the kernel wait: a virtual thread blocked in native
 *       code pins its carrier, and two such waits stall a two-carrier scheduler. It parks with
 *       exponential back-off (10 µs doubling to 1 ms) instead, which unmounts it; wakers' futex
 *       wakes simply find nobody to wake.
 * </ul>
 *
 * The caller re-checks its condition after every {@link #pause}: wake-ups may be spurious.
 */
public final class WaitStrategy {
  /** Longest single kernel sleep: bounds how late an interrupt, deadline or dead peer is noticed. */
  static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private static final int SPINS = 12;
  private static final int MAX_SPIN_SHIFT = 8;
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long LIVENESS_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final long deadline;
  private final boolean timed;
  private final boolean interruptible;
  private final boolean kernelWait;
  private int spins;
  private long backoffNanos = MIN_BACKOFF_NANOS;
  private long lastLivenessCheck;
  private boolean interrupted;

  private WaitStrategy(long timeoutNanos, boolean interruptible) {
    this.timed = timeoutNanos >= 0;
    this.deadline = timed ? System.nanoTime() + timeoutNanos : 0;
    this.interruptible = interruptible;
    this.kernelWait = Futex.available() && !Thread.currentThread().isVirtual();
    this.lastLivenessCheck = System.nanoTime();
  }

  /**
   * A wait without deadline.
   *
   * @param interruptible whether an interrupt ends the wait with {@link InterruptedException}
   * @return the wait
   */
  public static WaitStrategy untimed(boolean interruptible) {
    return new WaitStrategy(-1, interruptible);
  }

  /**
   * A wait that gives up after {@code timeoutNanos} (zero or less: do not wait at all).
   *
   * @param timeoutNanos the timeout
   * @param interruptible whether an interrupt ends the wait with {@link InterruptedException}
   * @return the wait
   */
  public static WaitStrategy timed(long timeoutNanos, boolean interruptible) {
    return new WaitStrategy(Math.max(0, timeoutNanos), interruptible);
  }

  /** {@return whether the deadline has passed} */
  public boolean expired() {
    return timed && deadline - System.nanoTime() <= 0;
  }

  /** {@return nanoseconds left before the deadline ({@link Long#MAX_VALUE} when untimed), at least 0} */
  public long remainingNanos() {
    return timed ? Math.max(0, deadline - System.nanoTime()) : Long.MAX_VALUE;
  }

  /**
   * Ends the spinning phase now, so the next {@link #pause} sleeps. For callers that spin in their
   * own way first (the queue rings spin adaptively and yield, which a fixed spin here cannot).
   */
  public void endSpinning() {
    spins = SPINS;
  }

  /** {@return whether the wait is still in its spinning phase (not yet ready to sleep)} */
  public boolean spinning() {
    return spins < SPINS;
  }

  /**
   * {@return whether the caller should now check whether the peers it waits for are still alive}
   * True at most once per 20 ms and never while spinning, so live contention costs no {@code /proc}
   * reads.
   */
  public boolean livenessCheckDue() {
    if (spins < SPINS) {
      return false;
    }
    long now = System.nanoTime();
    if (now - lastLivenessCheck < LIVENESS_CHECK_INTERVAL_NANOS) {
      return false;
    }
    lastLivenessCheck = now;
    return true;
  }

  /**
   * Waits a little for the word at {@code offset} to stop holding {@code expected}.
   *
   * @param segment the shared mapping
   * @param offset the 32-bit word's offset
   * @param expected its value when the caller decided to wait
   * @throws InterruptedException if the wait is interruptible and the thread was interrupted
   */
  public void pause(MemorySegment segment, long offset, int expected) throws InterruptedException {
    if (Thread.interrupted()) {
      if (interruptible) {
        throw new InterruptedException();
      }
      interrupted = true;
    }
    if (spins < SPINS) {
      // Back off exponentially between re-reads: each read pulls the contended cache line away
      // from the holder, slowing the very critical section we wait for.
      for (int i = 1 << Math.min(spins++, MAX_SPIN_SHIFT); i > 0; i--) {
        Thread.onSpinWait();
      }
      return;
    }
    long limit = Math.min(remainingNanos(), kernelWait ? SLICE_NANOS : backoffNanos);
    if (limit <= 0) {
      return;
    }
    if (kernelWait) {
      Futex.await(segment, offset, expected, limit);
    } else {
      LockSupport.parkNanos(limit);
      backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
    }
  }

  /**
   * Waits until the word at {@code offset} no longer holds {@code value}, or the deadline passes.
   *
   * @param segment the shared mapping
   * @param offset the 32-bit word's offset
   * @param value the value to wait out
   * @return false if the deadline passed first
   * @throws InterruptedException if the wait is interruptible and the thread was interrupted
   */
  public boolean awaitChange(MemorySegment segment, long offset, int value) throws InterruptedException {
    while ((int) SegmentLayout.INT.getVolatile(segment, offset) == value) {
      if (expired()) {
        return false;
      }
      pause(segment, offset, value);
    }
    return true;
  }

  /** Restores an interrupt swallowed by an uninterruptible wait; call once the wait is over. */
  public void finish() {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
