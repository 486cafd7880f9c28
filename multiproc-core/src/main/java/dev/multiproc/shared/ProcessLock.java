package dev.multiproc.shared;

import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.SegmentLayout;
import dev.multiproc.internal.shm.SegmentLayout.Kind;
import dev.multiproc.internal.shm.SegmentRegistry;
import java.io.Serial;

/**
 * A non-reentrant lock shared between processes and threads: Python's {@code
 * multiprocessing.Lock}, as a {@link java.util.concurrent.locks.Lock}.
 *
 * <p>Pass it to child processes and pool tasks as an ordinary argument; each receiving JVM attaches
 * the same lock. See {@link ProcessMutex} for the guarantees (mutual exclusion across processes and
 * threads, happens-before from unlock to the next lock, owner-death recovery, virtual threads).
 * Locking it again from the thread that holds it throws {@link IllegalStateException} rather than
 * deadlocking; use {@link ProcessReentrantLock} for nested locking.
 *
 * {@snippet :
 * ProcessLock lock = ProcessLock.create();
 * SharedLong total = SharedLong.create(0);
 * ChildProcess<Void> p = ChildProcess.of((l, t) -> {
 *   l.lock();
 *   try { t.set(t.get() + 1); } finally { l.unlock(); }
 *   return null;
 * }, lock, total);
 * }
 */
public final class ProcessLock extends ProcessMutex {
  @Serial private static final long serialVersionUID = 1L;

  private ProcessLock(Segment segment) {
    super(segment, 0, false, false);
  }

  /** {@return a new, unlocked lock in its own shared segment} */
  public static ProcessLock create() {
    return SegmentRegistry.create(Kind.LOCK, SegmentLayout.LOCK_REGION_BYTES, 0, ProcessLock::new);
  }

  static ProcessLock attach(String name) {
    return SegmentRegistry.view(name, Kind.LOCK, ProcessLock::new);
  }
}
