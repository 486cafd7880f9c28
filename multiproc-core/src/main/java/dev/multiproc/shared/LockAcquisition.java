package dev.multiproc.shared;

/**
 * How a timed acquisition of a {@link ProcessLock} or {@link ProcessReentrantLock} ended.
 *
 * @see ProcessMutex#tryLock(java.time.Duration)
 */
public enum LockAcquisition {
  /** Acquired from a free lock or from an owner that released it. */
  ACQUIRED,
  /**
   * Acquired from an owner process that died holding it (a POSIX robust mutex's {@code
   * EOWNERDEAD}): the lock is now held, and the data it guards may be half-updated. Repair it
   * before unlocking.
   */
  ACQUIRED_OWNER_DIED,
  /** The timeout passed; the lock is not held. */
  TIMED_OUT;

  /** {@return whether the lock is now held} */
  public boolean acquired() {
    return this != TIMED_OUT;
  }
}
