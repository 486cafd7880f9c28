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

/**
 * A counting semaphore shared between processes and threads: Python's {@code
 * multiprocessing.Semaphore} and, with {@link #createBounded(int)}, {@code BoundedSemaphore}.
 *
 * <p>Permits are a count in shared memory: {@link #acquire()} takes one (waiting while there are
 * none), {@link #release()} returns one, from any thread of any process (a semaphore has no owner,
 * so a process that dies holding permits does not give them back: use a {@link ProcessLock} when
 * crash recovery matters). Memory consistency: actions before a {@code release()} happen-before
 * actions after an {@code acquire()} that takes that permit, in any process. Waiting spins briefly,
 * then sleeps on a futex (platform threads) or parks with back-off (virtual threads).
 *
 * {@snippet :
 * ProcessSemaphore slots = ProcessSemaphore.create(2);   // at most two processes at once
 * slots.acquire();
 * try { useTheScarceResource(); } finally { slots.release(); }
 * }
 */
public final class ProcessSemaphore extends SharedObject {
  @Serial private static final long serialVersionUID = 1L;

  /*
   * payload: | count (int) | sleepers (int) | bound (int, 0 = unbounded) |
   * A waiter counts itself in `sleepers` before it sleeps on `count` == 0; a releaser increments
   * `count` before it reads `sleepers`. Both are sequentially consistent, so either the releaser
   * sees the sleeper and wakes it or the sleeper's futex sees the new count and does not sleep.
   */
  private static final long COUNT = 0;
  private static final long SLEEPERS = 4;
  private static final long BOUND = 8;
  private static final long PAYLOAD_BYTES = 64;

  private final transient MemorySegment memory;

  private ProcessSemaphore(Segment segment) {
    super(segment);
    this.memory = segment.payload();
  }

  /**
   * Creates a semaphore.
   *
   * @param permits the initial number of permits, at least 0
   * @return the semaphore, in its own shared segment
   */
  public static ProcessSemaphore create(int permits) {
    return create(permits, 0);
  }

  /**
   * Creates a bounded semaphore (Python's {@code BoundedSemaphore}): releasing more permits than
   * {@code permits} throws {@link IllegalStateException}, which catches release-without-acquire
   * bugs.
   *
   * @param permits the initial and maximum number of permits, at least 1
   * @return the semaphore, in its own shared segment
   */
  public static ProcessSemaphore createBounded(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("a bounded semaphore needs at least 1 permit, was " + permits);
    }
    return create(permits, permits);
  }

  private static ProcessSemaphore create(int permits, int bound) {
    if (permits < 0) {
      throw new IllegalArgumentException("permits must be >= 0, was " + permits);
    }
    ProcessSemaphore s = SegmentRegistry.create(Kind.SEMAPHORE, PAYLOAD_BYTES, 0, ProcessSemaphore::new);
    INT.setVolatile(s.memory, BOUND, bound);
    INT.setVolatile(s.memory, COUNT, permits);
    return s;
  }

  static ProcessSemaphore attach(String name) {
    return SegmentRegistry.view(name, Kind.SEMAPHORE, ProcessSemaphore::new);
  }

  /**
   * Takes a permit, waiting until one is available.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void acquire() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!tryAcquire()) {
      acquire(WaitStrategy.untimed(true));
    }
  }

  /** {@return whether a permit was available and is now taken} */
  public boolean tryAcquire() {
    for (;;) {
      int c = (int) INT.getVolatile(memory, COUNT);
      if (c <= 0) {
        return false;
      }
      if (INT.compareAndSet(memory, COUNT, c, c - 1)) {
        return true;
      }
    }
  }

  /**
   * Takes a permit if one becomes available within the timeout.
   *
   * @param timeout the longest wait
   * @return whether a permit was taken
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean tryAcquire(Duration timeout) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    return tryAcquire() || acquire(WaitStrategy.timed(timeout.toNanos(), true));
  }

  private boolean acquire(WaitStrategy wait) throws InterruptedException {
    for (;;) {
      if (tryAcquire()) {
        return true;
      }
      if (wait.expired()) {
        return false;
      }
      boolean sleeping = !wait.spinning();
      if (sleeping) {
        INT.getAndAdd(memory, SLEEPERS, 1);
      }
      try {
        wait.pause(memory, COUNT, 0);
      } finally {
        if (sleeping) {
          INT.getAndAdd(memory, SLEEPERS, -1);
        }
      }
    }
  }

  /**
   * Returns a permit, waking one waiter in any process.
   *
   * @throws IllegalStateException if the semaphore is bounded and already has all its permits
   */
  public void release() {
    int bound = (int) INT.getVolatile(memory, BOUND);
    for (;;) {
      int c = (int) INT.getVolatile(memory, COUNT);
      if (bound > 0 && c >= bound) {
        throw new IllegalStateException(this + " released too many times (bound " + bound + ")");
      }
      if (INT.compareAndSet(memory, COUNT, c, c + 1)) {
        break;
      }
    }
    if ((int) INT.getVolatile(memory, SLEEPERS) > 0) {
      Futex.wake(memory, COUNT, 1);
    }
  }

  /** {@return the number of permits available now (a snapshot)} */
  public int availablePermits() {
    return (int) INT.getVolatile(memory, COUNT);
  }
}
