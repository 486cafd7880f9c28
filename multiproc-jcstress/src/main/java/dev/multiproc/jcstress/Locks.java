package dev.multiproc.jcstress;

import dev.multiproc.internal.shm.FutexLock;
import dev.multiproc.internal.shm.WaitStrategy;

/** Blocking acquire for actors (jcstress runs every actor of a state on its own thread). */
final class Locks {
  private Locks() {}

  static void acquire(FutexLock lock) {
    if (lock.tryAcquire()) {
      return;
    }
    try {
      lock.acquire(WaitStrategy.untimed(false));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
