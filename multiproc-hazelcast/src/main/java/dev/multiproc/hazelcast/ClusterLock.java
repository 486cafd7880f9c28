package dev.multiproc.hazelcast;

import java.io.Serial;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A mutual-exclusion lock shared by every process of a cluster — the caller and the tasks running
 * in the members' worker JVMs: a {@link Lock}, like the local {@code ProcessLock}. Reentrant for
 * the thread that holds it. Serializable: pass it to tasks; it reconnects where it arrives. In the caller, {@link
 * ClusterPool#closeSharedObjects()} closes that connection when the program is done with it.
 *
 * <p><b>Owner death.</b> The lock belongs to a thread of one process's cluster connection; when
 * that process dies (a worker JVM killed, a member's worker crash), the cluster releases its locks
 * as soon as it notices the connection is gone. Unlike {@code ProcessLock}, the next holder is not
 * told that the previous one died.
 *
 * <p><b>Consistency.</b> The lock is an {@code IMap} key lock held by the partition that owns the
 * lock's key, copied to a backup. It is <em>not</em> linearizable under a network split: both
 * sides of a split can grant it, so two processes may hold it at once until the split heals.
 * Hazelcast's {@code FencedLock} (its CP subsystem), which would prevent that, is Enterprise-only.
 * Use this lock where a rare double grant during a network failure is tolerable.
 *
 * <p>{@link #newCondition()} is not supported.
 */
public final class ClusterLock extends NamedClusterObject<Boolean> implements Lock {
  @Serial private static final long serialVersionUID = 1L;
  private static final long INTERRUPT_CHECK_MILLIS = 100;

  private ClusterLock(ClusterConfig config, String name) {
    super(config, name, "multiproc.locks");
  }

  /**
   * The lock {@code name} of a cluster.
   *
   * @param config where the cluster is
   * @param name the lock's name; the same name is the same lock everywhere in the cluster
   * @return the lock
   */
  public static ClusterLock of(ClusterConfig config, String name) {
    return new ClusterLock(config, name);
  }

  @Override
  public void lock() {
    map().lock(name());
  }

  /** Waits in slices so that an interrupt ends the wait (Hazelcast's own wait is not interruptible). */
  @Override
  public void lockInterruptibly() throws InterruptedException {
    while (!map().tryLock(name(), INTERRUPT_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  @Override
  public boolean tryLock() {
    return map().tryLock(name());
  }

  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    return map().tryLock(name(), time, unit);
  }

  /**
   * Releases the lock.
   *
   * @throws IllegalMonitorStateException if this thread does not hold it
   */
  @Override
  public void unlock() {
    map().unlock(name());
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public Condition newCondition() {
    throw new UnsupportedOperationException("ClusterLock has no conditions (Hazelcast's IMap key locks have none)");
  }
}
