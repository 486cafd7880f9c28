package dev.multiproc.shared;

import dev.multiproc.internal.shm.FutexLock;
import dev.multiproc.internal.shm.Segment;
import dev.multiproc.internal.shm.WaitStrategy;
import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * A mutual-exclusion lock shared by processes and by the threads of each process: the common
 * contract of {@link ProcessLock} and {@link ProcessReentrantLock}.
 *
 * <p><b>Guarantees.</b> At most one thread on the machine holds the lock. Cross-process and
 * cross-thread: threads of one process exclude each other as threads of different processes do.
 * {@link #unlock()} must be called by the holding thread ({@link IllegalMonitorStateException}
 * otherwise). Memory consistency: actions of a thread before {@code unlock()} happen-before
 * actions of the thread, in any process, that next acquires the lock — including plain writes to
 * shared memory.
 *
 * <p><b>Blocking.</b> A contender spins briefly, then sleeps on a Linux futex (a platform thread)
 * or parks with back-off (a virtual thread, which therefore never pins its carrier); an
 * uncontended lock and unlock are two atomic instructions. Every blocking method has a timed form.
 *
 * <p><b>Owner death.</b> The lock records its owner's pid and start time. If the owner process dies
 * holding it (crash, {@code kill -9}), the next acquirer gets the lock within tens of milliseconds
 * and is told: {@link #tryLock(Duration)} returns {@link LockAcquisition#ACQUIRED_OWNER_DIED}, and
 * {@link #previousOwnerDied()} is true until it unlocks. A thread that dies holding the lock while
 * its process lives is not detected (as with {@code ReentrantLock}).
 *
 * @see ProcessCondition
 */
public abstract sealed class ProcessMutex extends SharedObject implements Lock permits ProcessLock, ProcessReentrantLock {
  @Serial private static final long serialVersionUID = 1L;

  private final transient FutexLock word;
  private final transient boolean reentrant;
  private final transient boolean lockOfValue;
  // Written only by the holding thread while it holds the word, as ReentrantLock's owner field.
  private transient Thread owner;
  private transient int holds;
  private transient boolean ownerDied;

  ProcessMutex(Segment segment, long offset, boolean reentrant, boolean lockOfValue) {
    super(segment);
    this.word = new FutexLock(segment.payload(), offset);
    this.reentrant = reentrant;
    this.lockOfValue = lockOfValue;
  }

  @Override
  SharedHandle handle() {
    return new SharedHandle(segment.name(), segment.kind(), lockOfValue, null);
  }

  /** Acquires the lock, waiting as long as it takes; interrupts are kept for later. */
  @Override
  public void lock() {
    if (!tryLock()) {
      try {
        acquire(WaitStrategy.untimed(false));
      } catch (InterruptedException e) {
        throw new AssertionError("uninterruptible wait threw", e);
      }
    }
  }

  /**
   * Acquires the lock unless interrupted.
   *
   * @throws InterruptedException if interrupted while waiting (the lock is then not held)
   */
  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!tryLock()) {
      acquire(WaitStrategy.untimed(true));
    }
  }

  /** {@return whether the lock was free (or, reentrant, already ours) and is now held} */
  @Override
  public boolean tryLock() {
    Thread me = Thread.currentThread();
    if (owner == me) {
      return reenter();
    }
    if (word.tryAcquire()) {
      taken(me, false);
      return true;
    }
    return false;
  }

  /**
   * Acquires the lock if it becomes free within the timeout.
   *
   * @param time the timeout
   * @param unit its unit
   * @return whether the lock is now held
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    return tryLock(Duration.of(time, unit.toChronoUnit())).acquired();
  }

  /**
   * Acquires the lock if it becomes free within the timeout, telling whether its previous owner
   * died holding it.
   *
   * @param timeout the longest wait
   * @return how it ended
   * @throws InterruptedException if interrupted while waiting
   */
  public LockAcquisition tryLock(Duration timeout) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (tryLock()) {
      return LockAcquisition.ACQUIRED;
    }
    return acquire(WaitStrategy.timed(timeout.toNanos(), true));
  }

  private LockAcquisition acquire(WaitStrategy wait) throws InterruptedException {
    Thread me = Thread.currentThread();
    if (owner == me) {
      return reenter() ? LockAcquisition.ACQUIRED : LockAcquisition.TIMED_OUT;
    }
    FutexLock.Outcome outcome = word.acquire(wait);
    wait.finish();
    return switch (outcome) {
      case ACQUIRED -> {
        taken(me, false);
        yield LockAcquisition.ACQUIRED;
      }
      case OWNER_DIED -> {
        taken(me, true);
        yield LockAcquisition.ACQUIRED_OWNER_DIED;
      }
      case TIMED_OUT -> LockAcquisition.TIMED_OUT;
    };
  }

  private boolean reenter() {
    if (!reentrant) {
      throw new IllegalStateException(
          this + " is already held by this thread and is not reentrant (waiting would deadlock); use ProcessReentrantLock");
    }
    if (holds == Integer.MAX_VALUE) {
      throw new Error("maximum lock count exceeded");
    }
    holds++;
    return true;
  }

  private void taken(Thread me, boolean died) {
    owner = me;
    holds = 1;
    ownerDied = died;
  }

  /** Releases one hold; the lock is free when every hold is released. */
  @Override
  public void unlock() {
    if (owner != Thread.currentThread()) {
      throw new IllegalMonitorStateException(this + " is not held by the current thread");
    }
    if (--holds == 0) {
      owner = null;
      ownerDied = false;
      word.release();
    }
  }

  /** {@return whether the current thread acquired this lock from a process that died holding it} */
  public boolean previousOwnerDied() {
    return owner == Thread.currentThread() && ownerDied;
  }

  /** {@return whether the current thread holds the lock} */
  public boolean isHeldByCurrentThread() {
    return owner == Thread.currentThread();
  }

  /** {@return whether any thread of any process holds the lock (a snapshot)} */
  public boolean isLocked() {
    return word.ownerPid() != 0;
  }

  /** {@return the pid of the process holding the lock, or 0 when free (a snapshot)} */
  public long ownerPid() {
    return word.ownerPid();
  }

  /**
   * {@return a new condition bound to this lock, in its own shared segment} See {@link
   * ProcessCondition#create(ProcessMutex)}.
   */
  @Override
  public ProcessCondition newCondition() {
    return ProcessCondition.create(this);
  }

  /** Releases every hold for a condition wait; {@return the count to restore} */
  int releaseFully() {
    if (owner != Thread.currentThread()) {
      throw new IllegalMonitorStateException(this + " is not held by the current thread");
    }
    int saved = holds;
    holds = 1;
    unlock();
    return saved;
  }

  /** Re-acquires after a condition wait, restoring the hold count. */
  void reacquire(int saved) {
    lock();
    holds = saved;
  }
}
