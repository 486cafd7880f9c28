package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.io.Serial;

/**
 * A reentrant lock shared between processes and threads: Python's {@code multiprocessing.RLock},
 * as a {@link java.util.concurrent.locks.Lock}. The thread holding it may lock it again; it is
 * released when unlocked as many times. Also the lock of every shared value ({@link
 * SharedInt#getLock()}), as in Python.
 *
 * <p>See {@link ProcessMutex} for the guarantees (mutual exclusion across processes and threads,
 * happens-before from unlock to the next lock, owner-death recovery, virtual threads).
 *
 * {@snippet :
 * ProcessReentrantLock lock = ProcessReentrantLock.create();
 * lock.lock();
 * try {
 *   lock.lock();            // nested: fine
 *   lock.unlock();
 * } finally {
 *   lock.unlock();
 * }
 * }
 */
public final class ProcessReentrantLock extends ProcessMutex {
  @Serial private static final long serialVersionUID = 1L;

  ProcessReentrantLock(Segment segment, long offset, boolean lockOfValue) {
    super(segment, offset, true, lockOfValue);
  }

  /** {@return a new, unlocked lock in its own shared segment} */
  public static ProcessReentrantLock create() {
    return SegmentRegistry.create(Kind.REENTRANT_LOCK, SegmentLayout.LOCK_REGION_BYTES, 0, s -> new ProcessReentrantLock(s, 0, false));
  }

  static ProcessReentrantLock attach(String name) {
    return SegmentRegistry.view(name, Kind.REENTRANT_LOCK, s -> new ProcessReentrantLock(s, 0, false));
  }
}
