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
 * A flag that processes and threads wait for: Python's {@code multiprocessing.Event}.
 *
 * <p>{@link #set()} sets the flag and wakes every waiter in every process; {@link #clear()} resets
 * it; {@link #await()} returns as soon as the flag is set. Memory consistency: actions before
 * {@code set()} happen-before the return of an {@code await()} (or {@code isSet()} returning true)
 * that observes it, in any process.
 *
 * {@snippet :
 * ProcessEvent ready = ProcessEvent.create();
 * ChildProcess<Void> worker = ChildProcess.of(e -> { e.await(); work(); return null; }, ready);
 * worker.start();
 * prepare();
 * ready.set();                                 // the child proceeds
 * }
 */
public final class ProcessEvent extends SharedObject {
  @Serial private static final long serialVersionUID = 1L;

  /*
   * payload: | state (int) | sleepers (int) |   (see ProcessSemaphore for the sleeper protocol)
   * state: bit 0 is the flag, the bits above count set() calls. Waiters sleep while the state is
   * unchanged, so a set() wakes them for good even if clear() follows at once (Python's wait()
   * returns in that case too).
   */
  private static final long STATE = 0;
  private static final int FLAG = 1;
  private static final long SLEEPERS = 4;
  private static final long PAYLOAD_BYTES = 64;

  private final transient MemorySegment memory;

  private ProcessEvent(Segment segment) {
    super(segment);
    this.memory = segment.payload();
  }

  /** {@return a new event, not set, in its own shared segment} */
  public static ProcessEvent create() {
    return SegmentRegistry.create(Kind.EVENT, PAYLOAD_BYTES, 0, ProcessEvent::new);
  }

  static ProcessEvent attach(String name) {
    return SegmentRegistry.view(name, Kind.EVENT, ProcessEvent::new);
  }

  /** Sets the flag and wakes all waiters. */
  public void set() {
    for (;;) {
      int state = (int) INT.getVolatile(memory, STATE);
      if (INT.compareAndSet(memory, STATE, state, (state + 2) | FLAG)) {
        break;
      }
    }
    if ((int) INT.getVolatile(memory, SLEEPERS) > 0) {
      Futex.wake(memory, STATE, Integer.MAX_VALUE);
    }
  }

  /** Resets the flag; later {@link #await()} calls wait again. */
  public void clear() {
    INT.getAndBitwiseAnd(memory, STATE, ~FLAG);
  }

  /** {@return whether the flag is set} */
  public boolean isSet() {
    return ((int) INT.getVolatile(memory, STATE) & FLAG) != 0;
  }

  /**
   * Waits until the flag is set.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void await() throws InterruptedException {
    await(WaitStrategy.untimed(true));
  }

  /**
   * Waits until the flag is set or the timeout passes (Python's {@code wait(timeout)}).
   *
   * @param timeout the longest wait
   * @return true if the flag was set (also when cleared again before this thread woke up), false
   *     on timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean await(Duration timeout) throws InterruptedException {
    return await(WaitStrategy.timed(timeout.toNanos(), true));
  }

  private boolean await(WaitStrategy wait) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    int state = (int) INT.getVolatile(memory, STATE);
    if ((state & FLAG) != 0) {
      return true;
    }
    INT.getAndAdd(memory, SLEEPERS, 1);
    try {
      // Only set() changes a state whose flag is clear.
      return wait.awaitChange(memory, STATE, state);
    } finally {
      INT.getAndAdd(memory, SLEEPERS, -1);
    }
  }
}
