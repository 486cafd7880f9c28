package dev.multiproc.internal.shm;

import static dev.multiproc.internal.shm.SegmentLayout.INT;
import static dev.multiproc.internal.shm.SegmentLayout.LOCK_PID_MASK;
import static dev.multiproc.internal.shm.SegmentLayout.LOCK_WAITERS;
import static dev.multiproc.internal.shm.SegmentLayout.LONG;

import java.lang.foreign.MemorySegment;

/**
 * A process-level mutual-exclusion word in shared memory, with owner-death recovery: the lock
 * region {@link SegmentLayout} draws (futex word + owner identity).
 *
 * <p>Overview: the word is {@code 0} when free, else the owner's pid, plus {@link
 * SegmentLayout#LOCK_WAITERS} when someone may be asleep on it — Drepper's three-state mutex
 * ("Futexes Are Tricky") with the owner's pid in place of "1". Acquire is one CAS {@code 0 ->
 * pid}; release is one exchange to {@code 0} plus a {@code FUTEX_WAKE} only if the waiters bit was
 * set. A contender spins briefly, then sets the waiters bit and sleeps ({@link WaitStrategy}); once
 * it has slept it acquires with the waiters bit set, since it cannot know whether others still
 * sleep.
 *
 * <p>Owner death: after its CAS the owner writes its {@link ProcessIdentity} (pid + start time) to
 * the owner slot. A waiter that has slept for a while checks the owner: if the pid in the word is
 * no longer running — or runs with another start time than the slot recorded — it takes the word
 * over with a CAS from the value it saw, and reports {@link Outcome#OWNER_DIED} (a POSIX robust
 * mutex's {@code EOWNERDEAD}). A slot that still names an earlier owner (the new owner died between
 * its CAS and its slot write) is recognized by the pid mismatch, and then the pid alone decides.
 *
 * <p>The word knows processes, not threads: several threads of one process exclude each other
 * through it too (the CAS fails while any thread of the process holds it), and the Java object on
 * top tracks which thread holds it. This class is thread-safe and allocation-free on the fast path.
 * Every access is a volatile-mode VarHandle operation, so a release happens-before the next
 * acquire in any process (x86-64 and the JMM's volatile semantics agree across mappings).
 */
public final class FutexLock {
  /** What an acquire attempt ended with. */
  public enum Outcome {
    /** The lock was free, or released by its owner. */
    ACQUIRED,
    /** The lock was held by a process that died; it is now ours, its data may be inconsistent. */
    OWNER_DIED,
    /** The deadline passed first. */
    TIMED_OUT
  }

  private static final int ME = (int) ProcessIdentity.current().pid();
  private static final long ME_PACKED = ProcessIdentity.current().packed();

  private final MemorySegment memory;
  private final long word;
  private final long ownerSlot;

  /**
   * A lock over the lock region at {@code offset}.
   *
   * @param memory a shared mapping
   * @param offset the lock region's offset, 8-byte aligned
   */
  public FutexLock(MemorySegment memory, long offset) {
    this.memory = memory;
    this.word = offset;
    this.ownerSlot = offset + SegmentLayout.LOCK_OWNER_OFFSET;
  }

  /** {@return whether the lock was free and is now held by this process} */
  public boolean tryAcquire() {
    if (INT.compareAndSet(memory, word, 0, ME)) {
      LONG.setRelease(memory, ownerSlot, ME_PACKED);
      return true;
    }
    return false;
  }

  /**
   * Acquires, waiting as {@code wait} says.
   *
   * @param wait the wait's deadline and interruptibility
   * @return how it ended
   * @throws InterruptedException if interruptible and interrupted
   */
  public Outcome acquire(WaitStrategy wait) throws InterruptedException {
    int mine = ME;
    for (;;) {
      int v = (int) INT.getVolatile(memory, word);
      if (v == 0) {
        if (INT.compareAndSet(memory, word, 0, mine)) {
          LONG.setRelease(memory, ownerSlot, ME_PACKED);
          return Outcome.ACQUIRED;
        }
        continue;
      }
      int owner = v & LOCK_PID_MASK;
      if (owner != ME && wait.livenessCheckDue() && ownerDied(owner)) {
        if (INT.compareAndSet(memory, word, v, ME | LOCK_WAITERS)) {
          LONG.setRelease(memory, ownerSlot, ME_PACKED);
          return Outcome.OWNER_DIED;
        }
        continue;
      }
      if (wait.expired()) {
        if (mine != ME) {
          // We slept, so a release may have woken us rather than another sleeper: pass it on.
          Futex.wake(memory, word, 1);
        }
        return Outcome.TIMED_OUT;
      }
      if (!wait.spinning()) {
        if ((v & LOCK_WAITERS) == 0) {
          if (!INT.compareAndSet(memory, word, v, v | LOCK_WAITERS)) {
            continue;
          }
          v |= LOCK_WAITERS;
        }
        mine = ME | LOCK_WAITERS;
      }
      wait.pause(memory, word, v);
    }
  }

  /** Releases; the caller must hold the lock (the Java object on top checks the thread). */
  public void release() {
    int v = (int) INT.getAndSet(memory, word, 0);
    if ((v & LOCK_WAITERS) != 0) {
      Futex.wake(memory, word, 1);
    }
  }

  /** {@return the pid of the process holding the lock, or 0 if free} */
  public int ownerPid() {
    return (int) INT.getVolatile(memory, word) & LOCK_PID_MASK;
  }

  private boolean ownerDied(int pid) {
    long slot = (long) LONG.getAcquire(memory, ownerSlot);
    if (slot != 0) {
      ProcessIdentity recorded = ProcessIdentity.unpack(slot);
      if (recorded.pid() == pid) {
        return !recorded.isAlive();
      }
    }
    return !ProcessIdentity.pidIsAlive(pid);
  }
}
