package dev.multiproc.shared;

import static dev.multiproc.internal.shm.SegmentLayout.INT;

import dev.multiproc.internal.shm.Futex;
import dev.multiproc.internal.shm.FutexLock;
import dev.multiproc.internal.shm.ProcessIdentity;
import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import dev.multiproc.internal.shm.WaitStrategy;
import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * A reusable barrier for a fixed number of parties — threads in any processes: Python's {@code
 * multiprocessing.Barrier}, with the semantics of {@link java.util.concurrent.CyclicBarrier}.
 *
 * <p>Each {@link #await()} blocks until {@code parties} calls have arrived, then all return
 * together and the barrier is ready for the next round. The call returns its arrival index, 0 for
 * the first to arrive (as Python's {@code wait()}).
 *
 * <p><b>Breaking.</b> The barrier breaks — every waiting party, and every later arrival until
 * {@link #reset()}, gets {@link BrokenBarrierException} — when a waiting party times out or is
 * interrupted, when {@link #abort()} is called, or when a <em>process that uses the barrier dies</em>
 * (crash, {@code kill -9}) while others wait: waiting parties notice within tens of milliseconds
 * instead of waiting forever. Processes that exit normally stop using it silently. Memory
 * consistency: actions of every party before its {@code await()} happen-before the return of every
 * party's {@code await()} of the same round, in all processes.
 *
 * {@snippet :
 * ProcessBarrier start = ProcessBarrier.create(3);
 * // in each of 3 processes:
 * int index = start.await(Duration.ofSeconds(10));   // all three continue together
 * }
 */
public final class ProcessBarrier extends SharedObject {
  @Serial private static final long serialVersionUID = 1L;

  /*
   * payload: | lock region (64) | parties | arrived | generation | broken | sleepers | dead pid |
   * The lock guards arrived/generation/broken (as CyclicBarrier's ReentrantLock does). Waiters sleep
   * on `generation`; the last arrival advances it. `broken` holds generation + 1 while the current
   * generation is broken, so a reset (which advances the generation) un-breaks it by itself.
   */
  private static final long PARTIES = SegmentLayout.LOCK_REGION_BYTES;
  private static final long ARRIVED = PARTIES + 4;
  private static final long GENERATION = PARTIES + 8;
  private static final long BROKEN = PARTIES + 12;
  private static final long SLEEPERS = PARTIES + 16;
  private static final long DEAD_PARTY_PID = PARTIES + 20;
  private static final long PAYLOAD_BYTES = PARTIES + 64;

  private final transient MemorySegment memory;
  private final transient FutexLock guard;

  private ProcessBarrier(Segment segment) {
    super(segment);
    this.memory = segment.payload();
    this.guard = new FutexLock(memory, 0);
  }

  /**
   * Creates a barrier.
   *
   * @param parties how many {@code await} calls release a round, at least 1
   * @return the barrier, in its own shared segment
   */
  public static ProcessBarrier create(int parties) {
    if (parties < 1) {
      throw new IllegalArgumentException("parties must be >= 1, was " + parties);
    }
    ProcessBarrier b = SegmentRegistry.create(Kind.BARRIER, PAYLOAD_BYTES, 0, ProcessBarrier::new);
    INT.setVolatile(b.memory, PARTIES, parties);
    return b;
  }

  static ProcessBarrier attach(String name) {
    return SegmentRegistry.view(name, Kind.BARRIER, ProcessBarrier::new);
  }

  /** {@return the number of parties} */
  public int parties() {
    return (int) INT.getVolatile(memory, PARTIES);
  }

  /** {@return how many parties wait in the current round (a snapshot)} */
  public int numberWaiting() {
    return (int) INT.getVolatile(memory, ARRIVED);
  }

  /** {@return whether the barrier is broken} */
  public boolean isBroken() {
    return (int) INT.getVolatile(memory, BROKEN) == (int) INT.getVolatile(memory, GENERATION) + 1;
  }

  /**
   * Waits for all parties.
   *
   * @return the arrival index, 0 for the first
   * @throws InterruptedException if interrupted while waiting (the barrier breaks)
   * @throws BrokenBarrierException if the barrier is or becomes broken
   */
  public int await() throws InterruptedException, BrokenBarrierException {
    try {
      return await(WaitStrategy.untimed(true));
    } catch (TimeoutException e) {
      throw new AssertionError("untimed wait timed out", e);
    }
  }

  /**
   * Waits for all parties, at most {@code timeout}.
   *
   * @param timeout the longest wait
   * @return the arrival index, 0 for the first
   * @throws InterruptedException if interrupted while waiting (the barrier breaks)
   * @throws BrokenBarrierException if the barrier is or becomes broken
   * @throws TimeoutException if the timeout passed (the barrier breaks)
   */
  public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
    return await(WaitStrategy.timed(timeout.toNanos(), true));
  }

  private int await(WaitStrategy wait) throws InterruptedException, BrokenBarrierException, TimeoutException {
    int generation;
    int index;
    lockGuard();
    try {
      generation = (int) INT.getVolatile(memory, GENERATION);
      if (brokenAt(generation)) {
        throw broken("is broken");
      }
      if (Thread.interrupted()) {
        breakLocked(generation);
        throw new InterruptedException();
      }
      index = (int) INT.getVolatile(memory, ARRIVED);
      if (index + 1 == parties()) {
        INT.setVolatile(memory, ARRIVED, 0);
        INT.setVolatile(memory, GENERATION, generation + 1);
        Futex.wake(memory, GENERATION, Integer.MAX_VALUE);
        return index;
      }
      INT.setVolatile(memory, ARRIVED, index + 1);
    } finally {
      guard.release();
    }
    INT.getAndAdd(memory, SLEEPERS, 1);
    try {
      for (;;) {
        if (brokenAt(generation)) {
          throw broken("was broken while waiting");
        }
        if ((int) INT.getVolatile(memory, GENERATION) != generation) {
          return index;
        }
        if (wait.expired()) {
          breakRound(generation);
          throw new TimeoutException(this + ": not all " + parties() + " parties arrived in time; the barrier is broken");
        }
        if (wait.livenessCheckDue()) {
          ProcessIdentity dead = segment.deadAttachment();
          if (dead != null) {
            INT.setVolatile(memory, DEAD_PARTY_PID, (int) dead.pid());
            breakRound(generation);
            throw broken("is broken");
          }
        }
        try {
          wait.pause(memory, GENERATION, generation);
        } catch (InterruptedException e) {
          breakRound(generation);
          throw e;
        }
      }
    } finally {
      INT.getAndAdd(memory, SLEEPERS, -1);
    }
  }

  /**
   * Breaks the barrier (Python's {@code abort()}): current and later waiters get {@link
   * BrokenBarrierException} until {@link #reset()}.
   */
  public void abort() {
    lockGuard();
    try {
      breakLocked((int) INT.getVolatile(memory, GENERATION));
    } finally {
      guard.release();
    }
  }

  /**
   * Returns the barrier to its initial state: parties waiting now get {@link
   * BrokenBarrierException}; a broken barrier becomes usable again, and processes that died while
   * using it are forgotten.
   */
  public void reset() {
    segment.forgetDeadAttachments();
    lockGuard();
    try {
      int generation = (int) INT.getVolatile(memory, GENERATION);
      if ((int) INT.getVolatile(memory, ARRIVED) > 0) {
        INT.setVolatile(memory, BROKEN, generation + 1);
      }
      INT.setVolatile(memory, ARRIVED, 0);
      INT.setVolatile(memory, DEAD_PARTY_PID, 0);
      INT.setVolatile(memory, GENERATION, generation + 1);
      Futex.wake(memory, GENERATION, Integer.MAX_VALUE);
    } finally {
      guard.release();
    }
  }

  private BrokenBarrierException broken(String what) {
    int dead = (int) INT.getVolatile(memory, DEAD_PARTY_PID);
    return new BrokenBarrierException(this + " " + what + (dead != 0 ? ": process " + dead + " that used it died" : ""));
  }

  private boolean brokenAt(int generation) {
    return (int) INT.getVolatile(memory, BROKEN) == generation + 1;
  }

  private void breakRound(int generation) {
    lockGuard();
    try {
      if ((int) INT.getVolatile(memory, GENERATION) == generation) {
        breakLocked(generation);
      }
    } finally {
      guard.release();
    }
  }

  private void breakLocked(int generation) {
    INT.setVolatile(memory, BROKEN, generation + 1);
    INT.setVolatile(memory, ARRIVED, 0);
    // Waiters sleep on the generation word; a wake makes them re-check `broken`.
    Futex.wake(memory, GENERATION, Integer.MAX_VALUE);
  }

  /** Takes the internal lock; if its holder died mid-update, the round's state is suspect: break it. */
  private void lockGuard() {
    if (guard.tryAcquire()) {
      return;
    }
    WaitStrategy wait = WaitStrategy.untimed(false);
    FutexLock.Outcome outcome;
    try {
      outcome = guard.acquire(wait);
    } catch (InterruptedException e) {
      throw new AssertionError("uninterruptible wait threw", e);
    }
    wait.finish();
    if (outcome == FutexLock.Outcome.OWNER_DIED) {
      breakLocked((int) INT.getVolatile(memory, GENERATION));
    }
  }
}
