package dev.multiproc;

import java.io.Serial;

/**
 * The pool cannot run tasks any more: its initializer failed in a worker (the cause says how), or
 * workers cannot be started. Pending and future tasks fail with this exception instead of the
 * pool respawning workers in an endless loop.
 */
public final class PoolBrokenException extends MultiprocException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what broke
   * @param cause the initializer's exception or the start failure
   */
  public PoolBrokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
