package dev.multiproc;

import java.io.Serial;

/**
 * The root of Multiproc's unchecked exceptions, so callers can catch everything the library
 * itself raises in one clause. A task's own exception is never thrown bare: it arrives as the cause
 * of a {@link TaskFailedException}.
 */
public class MultiprocException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   */
  public MultiprocException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public MultiprocException(String message, Throwable cause) {
    super(message, cause);
  }
}
