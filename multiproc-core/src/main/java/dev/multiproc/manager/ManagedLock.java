package dev.multiproc.manager;

import dev.multiproc.internal.manager.ManagerProtocol.Op;
import dev.multiproc.internal.manager.ManagerRef;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A proxy to a reentrant lock owned by a {@link Manager}: Python's {@code manager.Lock()} / {@code
 * RLock()}, usable across machines. Ownership is per thread (each thread talks to the manager over
 * its own connection); a process that dies holding it releases it when its connection ends. For
 * processes of one machine, {@code dev.multiproc.shared.ProcessLock} is far faster.
 *
 * <p>{@link #newCondition()} is not supported.
 */
public final class ManagedLock implements Lock, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final ManagerRef ref;
  private final long id;

  ManagedLock(ManagerRef ref, long id) {
    this.ref = ref;
    this.id = id;
  }

  @Override
  public void lock() {
    ref.call(id, Op.LOCK);
  }

  /** As {@link #lock()}: an interrupt ends the wait with an exception wrapping it, and the thread's connection is dropped. */
  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    ref.call(id, Op.LOCK);
  }

  @Override
  public boolean tryLock() {
    return (Boolean) ref.call(id, Op.TRY_LOCK, 0L);
  }

  @Override
  public boolean tryLock(long time, TimeUnit unit) {
    return (Boolean) ref.call(id, Op.TRY_LOCK, unit.toNanos(time));
  }

  /** Releases it; {@link IllegalMonitorStateException} if this thread does not hold it. */
  @Override
  public void unlock() {
    ref.call(id, Op.UNLOCK);
  }

  /** Not supported: a managed lock has no conditions. */
  @Override
  public Condition newCondition() {
    throw new UnsupportedOperationException("a ManagedLock has no conditions; use dev.multiproc.shared.ProcessReentrantLock");
  }
}
